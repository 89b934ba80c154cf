"""`leadrouter route` enriches every lead of a CSV as the service does: the account book in the
engine, then the provider crm.yaml names, before routing."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from leadrouter.cli import app
from tests.factories import POLICY, TEAM, dedent

from ..leads.provider_server import PATH, serving

runner = CliRunner()
# A rule on the head count, which the leads below do not give.
SIZED = dedent(POLICY).replace(
    "  - id: nurture\n",
    "  - id: enterprise\n    when: employees >= 1000\n    route: review deal_desk\n"
    "  - id: nurture\n",
)


def routed(tmp_path: Path, leads: str) -> list[dict]:
    (tmp_path / "leads.csv").write_text(leads)
    out = tmp_path / "decisions.jsonl"
    at = "2026-11-24T15:00:00Z"
    csv = str(tmp_path / "leads.csv")
    result = runner.invoke(app, ["route", csv, "-w", str(tmp_path), "--out", str(out), "--at", at])
    assert result.exit_code == 0, result.output
    return [json.loads(line)["decision"] for line in out.read_text().splitlines()]


def filled(decision: dict) -> list[str]:
    return [n["message"] for n in decision["trace"]["notes"] if n["code"] == "ENRICHED"]


def test_route__sizes_a_lead_from_its_account_in_the_account_book(tmp_path: Path) -> None:
    (tmp_path / "team.yaml").write_text(dedent(TEAM))
    (tmp_path / "policy.yaml").write_text(SIZED)
    (tmp_path / "accounts.csv").write_text(
        "id,name,domains,employees,industry\nA1,Globex Corp,globex.com,5000,Software\n"
    )

    decision, small = routed(tmp_path, "Email,Country\njo@globex.com,US\nal@initech.com,US\n")

    assert (decision["rule"], decision["queue"]) == ("enterprise", "deal_desk")
    assert filled(decision) == [
        "filled from account Globex Corp (A1): employees = 5000, industry = software"
    ]
    assert small["rule"] == "nurture" and filled(small) == []


def test_route__asks_the_provider_crm_yaml_names(tmp_path: Path) -> None:
    (tmp_path / "team.yaml").write_text(dedent(TEAM))
    (tmp_path / "policy.yaml").write_text(SIZED)
    with serving() as (state, url):
        (tmp_path / "crm.yaml").write_text(
            f"enrichment:\n  name: clearbit\n  url: {url}{PATH}\n"
            "  fields: {metrics.employees: employees}\n"
        )

        (decision,) = routed(tmp_path, "Email,Country\nbrian@northwind-traders.com,US\n")

    assert state.calls == ["/v2/companies/find?domain=northwind-traders.com"]
    assert decision["rule"] == "enterprise"
    assert filled(decision) == ["filled from provider clearbit: employees = 1200"]
