"""crm.yaml: read with every problem at file:line:column, checked against the team and policy
(`policy check`), and CRM records mapped to leads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadrouter.cli import app
from leadrouter.errors import PolicyError
from leadrouter.policy import parse_team
from leadrouter.policy.crm import Crm, check_crm, parse_crm

ACME = Path(__file__).resolve().parents[2] / "examples" / "acme"

TEAM = """\
reps:
  - {id: ana, name: Ana, email: ana@acme.example}
  - {id: bob, name: Bob, email: bob@acme.example}
pools:
  - {id: smb, members: [ana, bob]}
queues:
  - {id: unrouted, fallback: true}
"""


def problems(text: str, team: str = TEAM, rules: tuple[str, ...] = ("smb",)) -> list[str]:
    try:
        check_crm(parse_crm(text, "crm.yaml"), parse_team(team, "team.yaml"), rules)
    except PolicyError as error:
        return [str(e) for e in error.errors]
    return []


def test_valid_file__maps_properties_to_lead_fields():
    config = parse_crm(
        "hubspot:\n  fields: {email: email, numemployees: employees}\n"
        '  owners: {ana: "1", bob: 2}\n',
        "crm.yaml",
    )
    side = config.get(Crm.HUBSPOT)

    assert side.lead_fields({"email": " a@b.com ", "numemployees": "40", "x": "y"}) == {
        "email": "a@b.com",
        "employees": "40",
    }
    assert side.owners == {"ana": "1", "bob": "2"} and side.rep_of("2") == "bob"
    assert side.owner_property == "hubspot_owner_id"


def test_unknown_rep__is_reported_at_its_line_with_a_suggestion():
    text = 'hubspot:\n  fields: {email: email}\n  owners:\n    ana: "1"\n    bobb: "2"\n'

    found = problems(text)

    assert "crm.yaml:5:5: hubspot.owners: unknown rep 'bobb' (did you mean 'bob'?)" in found


def test_rep_receiving_leads_without_a_crm_user__is_an_error():
    found = problems('hubspot:\n  fields: {email: email}\n  owners:\n    ana: "1"\n')

    assert any("rep 'bob' receives leads but has no hubspot user" in p for p in found)
    assert found[0].startswith("crm.yaml:3:3:")


def test_bad_salesforce_ids__name_what_is_expected():
    text = (
        "salesforce:\n  fields: {Email: email}\n  owners:\n    ana: 00G5e0000000001AAA\n"
        "    bob: 12\n  queues:\n    unrouted: 0055e0000000001AAA\n"
    )

    with pytest.raises(PolicyError) as error:
        parse_crm(text, "crm.yaml")

    found = [str(e) for e in error.value.errors]
    assert found[0].startswith("crm.yaml:4:10:") and "Salesforce user id" in found[0]
    assert found[1].startswith("crm.yaml:5:10:")
    assert "Salesforce queue id" in found[2]


def test_unknown_keys_and_no_email__are_reported_together():
    with pytest.raises(PolicyError) as error:
        parse_crm("hubspot:\n  fields: {firstname: first_name}\n  owner: {}\n", "crm.yaml")

    text = str(error.value)
    assert "no property maps to the lead's 'email'" in text
    assert "unknown key 'owner' (did you mean 'owners'?)" in text
    assert "missing required key 'owners'" in text


def test_task_naming_an_unknown_rule__is_an_error():
    text = (
        'hubspot:\n  fields: {email: email}\n  owners: {ana: "1", bob: "2"}\n'
        "  tasks:\n    - {rule: smbb, subject: Call}\n"
    )

    assert any("unknown rule 'smbb' (did you mean 'smb'?)" in p for p in problems(text))


def test_policy_check__validates_the_workspaces_crm_file(tmp_path: Path):
    for name in ("policy.yaml", "team.yaml", "crm.yaml"):
        shutil.copy(ACME / name, tmp_path / name)
    runner = CliRunner()
    good = runner.invoke(app, ["policy", "check", str(tmp_path)])
    assert good.exit_code == 0 and "crm.yaml salesforce" in good.output
    text = (tmp_path / "crm.yaml").read_text().replace("    ryan: ", "    rian: ")
    (tmp_path / "crm.yaml").write_text(text)

    bad = runner.invoke(app, ["policy", "check", str(tmp_path)])

    assert bad.exit_code != 0
    assert "unknown rep 'rian' (did you mean 'ryan'?)" in bad.output
    assert "rep 'ryan' receives leads but has no hubspot user" in bad.output
