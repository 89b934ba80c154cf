"""`leadrouter route --state FILE`: rotation, loads and earlier leads carried between runs;
`--by-score`: the best leads first when capacity is scarce."""

import json
from datetime import date, timedelta
from pathlib import Path

from typer.testing import CliRunner

from leadrouter.cli import app
from tests.factories import POLICY, TEAM, dedent

runner = CliRunner()
HEADER = "email,country,employees,form\n"


def _workspace(tmp_path: Path, team: str = TEAM) -> Path:
    (tmp_path / "team.yaml").write_text(dedent(team))
    (tmp_path / "policy.yaml").write_text(dedent(POLICY))
    return tmp_path


def _run(ws: Path, csv: str, name: str, *extra: str) -> list[dict]:
    leads, out = ws / f"{name}.csv", ws / f"{name}.jsonl"
    leads.write_text(HEADER + csv)
    args = ["route", str(leads), "-w", str(ws), "-o", str(out), *extra]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_route_state__thirty_daily_runs_of_one_lead_share_the_rotation(tmp_path: Path):
    ws = _workspace(tmp_path)
    state = ws / "state.json"
    owners = []
    weekdays = [
        d for d in (date(2026, 11, 2) + timedelta(days=i) for i in range(60)) if d.weekday() < 5
    ]
    for number, day in enumerate(weekdays[:30]):
        at = f"{day.isoformat()}T15:00:00Z"
        lead = f"jo{number}@initech{number}.com,US,5000,demo_request\n"
        [record] = _run(ws, lead, f"day{number}", "--state", str(state), "--at", at)
        owners.append(record["decision"]["owner"])
    # Pool na is round-robin over ana and bob: one lead a run, they alternate across the runs.
    assert owners[:4] == ["ana", "bob", "ana", "bob"]
    assert owners.count("ana") == 15 and owners.count("bob") == 15
    saved = json.loads(state.read_text())
    assert saved["loads"]["ana"]["open"] == 15
    assert len(saved["known"]) == 30


def test_route_state__without_a_state_file_every_run_starts_afresh(tmp_path: Path):
    ws = _workspace(tmp_path)
    owners = {
        _run(ws, f"jo{d}@x{d}.com,US,5000,demo_request\n", f"d{d}", "--at", "2026-11-24T15:00:00Z")[
            0
        ]["decision"]["owner"]
        for d in range(3)
    }
    assert owners == {"ana"}


def test_route_state__a_duplicate_in_a_later_run_is_found(tmp_path: Path):
    ws = _workspace(tmp_path)
    state = str(ws / "state.json")
    _run(ws, "jo@initech.com,US,5000,demo_request\n", "one", "--state", state)
    [again] = _run(ws, "jo@initech.com,US,5000,demo_request\n", "two", "--state", state)
    codes = [note["code"] for note in again["decision"]["trace"]["notes"]]
    assert "DUPLICATE_LEAD" in codes


def test_route_state__a_broken_state_file_is_refused_with_its_name(tmp_path: Path):
    ws = _workspace(tmp_path)
    (ws / "state.json").write_text("{not json")
    (ws / "l.csv").write_text(HEADER + "jo@initech.com,US,5000,demo_request\n")
    result = runner.invoke(
        app, ["route", str(ws / "l.csv"), "-w", str(ws), "--state", str(ws / "state.json")]
    )
    assert result.exit_code != 0
    assert "not a leadrouter state file" in result.output


def test_route_by_score__gives_scarce_capacity_to_the_best_lead(tmp_path: Path):
    capped = TEAM.replace(
        "{id: na, name: North America, strategy: round_robin, members: [ana, bob]}",
        "{id: na, name: North America, members: [ana], when_full: queue unrouted}",
    ).replace("backup: bob, manager: maya}", "backup: bob, manager: maya, max_per_day: 1}")
    ws = _workspace(tmp_path, capped)
    rows = "small@a.com,US,5,demo_request\nbig@b.com,US,5000,demo_request\n"
    at = ("--at", "2026-11-24T15:00:00Z")
    in_order = {r["email"]: r["decision"]["owner"] for r in _run(ws, rows, "plain", *at)}
    ranked = {
        r["email"]: r["decision"]["owner"] for r in _run(ws, rows, "ranked", *at, "--by-score")
    }
    assert in_order == {"small@a.com": "ana", "big@b.com": None}
    assert ranked == {"small@a.com": None, "big@b.com": "ana"}
