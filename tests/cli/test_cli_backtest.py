"""`leadrouter backtest` and `leadrouter whatif` from a terminal: on a CSV of the Acme leads,
and on a service database (the dashboard's demo month, with touches and outcomes)."""

from __future__ import annotations

import csv
import io
import itertools
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadrouter.cli import app
from leadrouter.workspace import load_workspace

ROOT = Path(__file__).resolve().parents[2]
ACME = ROOT / "examples" / "acme"
runner = CliRunner()


@pytest.fixture(scope="module")
def leads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first 600 Acme leads: enough for every kind of rule, quick to replay twice."""
    path = tmp_path_factory.mktemp("leads") / "leads.csv"
    with (ACME / "leads.csv").open(encoding="utf-8") as source:
        path.write_text("".join(itertools.islice(source, 601)), encoding="utf-8")
    return path


def draft(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "draft"
    shutil.copytree(ACME, folder, ignore=shutil.ignore_patterns("leads.csv"))
    policy = folder / "policy.yaml"
    text = policy.read_text(encoding="utf-8")
    assert old in text
    policy.write_text(text.replace(old, new).replace('"2026.11.3"', '"2026.12.1"'))
    return folder


def run_json(*args: str) -> tuple[int, dict]:
    result = runner.invoke(app, [*args, "--format", "json"])
    return result.exit_code, json.loads(result.stdout) if result.stdout.startswith("{") else {}


def test_backtest__acme_against_itself_changes_nothing(leads: Path):
    code, body = run_json(
        "backtest", "-w", str(ACME), "--against", str(ACME), "--leads", str(leads)
    )

    assert code == 0
    assert body["leads"] > 550 and body["changed"] == 0 and body["reshuffled"] == 0
    cases = len(load_workspace(ACME, index=False).policy.tests)
    assert body["tests"]["failed"] == [] and body["tests"]["passed"] == cases


def test_backtest__a_changed_rule_lists_its_leads_and_the_rotation_apart(
    leads: Path, tmp_path: Path
):
    old = 'when: language == "ja" or country == "JP"\n    route: pool japan'
    folder = draft(tmp_path, old, old.replace("pool japan", "pool apac"))

    code, body = run_json(
        "backtest",
        "-w",
        str(folder),
        "--against",
        str(ACME),
        "--leads",
        str(leads),
        "--examples",
        "100",
    )

    # The policy's own tests expect Japanese speakers in the Japan pool: the draft breaks them.
    assert code == 1 and body["draft"] == "2026.12.1"
    assert body["tests"]["failed"] and all(
        "japan" in case["name"].lower() for case in body["tests"]["failed"]
    )
    japanese = next(c for c in body["changes"] if c["from_rule"] == "japanese-speakers")
    assert japanese["to_rule"] == "japanese-speakers" and japanese["count"] > 0
    assert {e["from"] for e in japanese["examples"]} <= {
        "haruto",
        "yuki",
        "arjun",
        "wei",
        "siti",
        "jack",
        "chloe",
    }
    assert {e["to"] for e in japanese["examples"]} <= {
        "arjun",
        "wei",
        "siti",
        "jack",
        "chloe",
        "olivia",
        "ryan",
        "amelia",
    }
    assert body["changed"] == sum(c["count"] for c in body["changes"])
    assert body["changed"] + body["reshuffled"] + body["unchanged"] == body["leads"]


def test_backtest__exits_1_listing_the_drafts_failing_tests(leads: Path, tmp_path: Path):
    folder = draft(tmp_path, "route: queue competitor", "route: queue unrouted")

    result = runner.invoke(
        app, ["backtest", "-w", str(folder), "--against", str(ACME), "--leads", str(leads)]
    )

    assert result.exit_code == 1
    assert "of the draft's own tests fail" in result.stderr
    assert "a competitor's employee goes to the competitor queue" in result.stderr
    assert "Routing changes by rule" in result.stdout  # the report comes first


def test_backtest__csv_has_one_figure_a_row(leads: Path, tmp_path: Path):
    out = tmp_path / "backtest.csv"
    result = runner.invoke(
        app,
        [
            "backtest",
            "-w",
            str(ACME),
            "--against",
            str(ACME),
            "--leads",
            str(leads),
            "--format",
            "csv",
            "-o",
            str(out),
        ],
    )

    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert rows[0] == ["section", "key", "metric", "value"]
    assert ["summary", "", "changed", "0"] in rows and ["summary", "", "reshuffled", "0"] in rows


def test_whatif__two_emea_reps_away_over_the_holidays(leads: Path, tmp_path: Path):
    changes = tmp_path / "holidays.yaml"
    changes.write_text(
        "changes:\n  - ooo amelia 2026-12-21..2027-01-01\n  - ooo oliver 2026-12-21..2027-01-01\n"
    )

    code, body = run_json(
        "whatif",
        "-w",
        str(ACME),
        "--leads",
        str(leads),
        "--changes",
        str(changes),
        "--as-if",
        "2026-12-21",
    )

    assert code == 0
    assert body["start"].startswith("2026-12-21")
    absorbed = {r["rep"]: (r["before"], r["after"]) for r in body["absorbed"]}
    assert absorbed["amelia"][1] == 0 and absorbed["oliver"][1] == 0
    # What reps lost in all went to other reps or to queues (the EMEA overflow, nurture).
    to_queues = sum(m["count"] * ((":" in m["to"]) - (":" in m["from"])) for m in body["moves"])
    assert sum(a - b for b, a in absorbed.values()) == -to_queues
    assert body["changes_applied"] == [
        "ooo amelia 2026-12-21..2027-01-01",
        "ooo oliver 2026-12-21..2027-01-01",
    ]


def test_whatif__a_bad_change_is_one_line_naming_it(leads: Path):
    result = runner.invoke(
        app,
        [
            "whatif",
            "-w",
            str(ACME),
            "--leads",
            str(leads),
            "--change",
            "ooo nobody 2026-12-21..2026-12-22",
        ],
    )
    assert result.exit_code == 1
    assert "no rep 'nobody'" in result.stderr


NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A service database holding the dashboard's demo month: 200 leads, touches, outcomes."""
    from leadrouter.dashboard.demo import seed_demo
    from leadrouter.migrations import upgrade
    from leadrouter.store import Database

    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'demo.db'}"
    db = Database(url)
    upgrade(db.engine)
    with db.session() as session:
        seed_demo(session, NOW, count=200)
    db.dispose()
    return url


def whatif_on(url: str, *more: str) -> list[str]:
    return [
        "whatif",
        "--db",
        url,
        "--since",
        "30d",
        "--at",
        NOW.isoformat(),
        "--change",
        "ooo ana 2026-10-01..2026-12-31",
        "--format",
        "json",
        *more,
    ]


def test_backtest__from_a_service_database_with_touches(demo_db: str):
    result = runner.invoke(app, whatif_on(demo_db))

    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["leads"] == 200
    assert body["speed"]["recorded"]["touched"] > 50
    assert body["speed"]["candidate" if False else "draft"]["median_seconds"] is not None
    assert {r["rep"]: r["after"] for r in body["absorbed"]}.get("ana") == 0


def test_whatif__from_a_service_database_with_two_jobs_is_the_report_of_one(demo_db: str):
    one, two = (runner.invoke(app, whatif_on(demo_db, "--jobs", jobs)) for jobs in "12")

    assert one.exit_code == two.exit_code == 0, one.output + two.output
    assert two.stdout == one.stdout and json.loads(one.stdout)["absorbed"]


def test_backtest__with_two_jobs_is_the_report_of_one(leads: Path, tmp_path: Path):
    old = 'when: language == "ja" or country == "JP"\n    route: pool japan'
    folder = draft(tmp_path, old, old.replace("pool japan", "pool apac"))
    given = ["backtest", "-w", str(folder), "--against", str(ACME), "--leads", str(leads)]
    one, two = (runner.invoke(app, [*given, "--format", "json", "--jobs", j]) for j in "12")

    assert one.exit_code == two.exit_code == 1  # the draft fails its own tests: both say so
    assert two.stdout == one.stdout and json.loads(one.stdout)["changed"] > 0
