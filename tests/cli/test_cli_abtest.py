"""`leadrouter abtest` from a terminal, on the dashboard's demo database (two policy versions)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from leadrouter.cli import app

runner = CliRunner()


def _demo(tmp_path: Path) -> str:
    from leadrouter.dashboard.demo import seed_demo
    from leadrouter.migrations import upgrade
    from leadrouter.store import Database

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    db = Database(url)
    upgrade(db.engine)
    with db.session() as session:
        seed_demo(session, datetime(2026, 11, 24, 15, 0, tzinfo=UTC), count=60)
    db.dispose()
    return url


def test_abtest__start_report_and_stop(tmp_path: Path):
    from sqlalchemy import select

    from leadrouter.dashboard.demo import store_team  # noqa: F401  (the demo's two versions)
    from leadrouter.policies.models import PolicyVersionRow
    from leadrouter.store import Database

    url = _demo(tmp_path)
    with Database(url).read() as session:
        versions = sorted(session.scalars(select(PolicyVersionRow.version)))
    a, b = versions[-1], versions[0]

    started = runner.invoke(
        app, ["abtest", "start", "demo-ab", "--a", a, "--b", b, "--share-b", "0.3", "--db", url]
    )
    assert started.exit_code == 0, started.output
    assert "takes 30%" in started.stdout

    shown = runner.invoke(app, ["abtest", "report", "demo-ab", "--db", url])
    assert shown.exit_code == 0, shown.output
    assert "A/B test demo-ab" in shown.stdout and "sla met" in shown.stdout
    as_json = json.loads(
        runner.invoke(app, ["abtest", "report", "demo-ab", "--json", "--db", url]).stdout
    )
    assert [arm["version"] for arm in as_json["arms"]] == [a, b]

    again = runner.invoke(app, ["abtest", "start", "other", "--a", a, "--b", b, "--db", url])
    assert again.exit_code == 1 and "running" in again.stderr
    stopped = runner.invoke(app, ["abtest", "stop", "demo-ab", "--db", url])
    assert stopped.exit_code == 0 and "the test stopped" in stopped.stdout


def test_abtest__of_two_strategies_of_one_pool_reports_each_arms_strategy(tmp_path: Path):
    url = _demo(tmp_path)
    args = ["--pool", "inbound", "--strategy-a", "round_robin", "--strategy-b", "load_balanced"]
    started = runner.invoke(
        app, ["abtest", "start", "inbound-rr-lb", "--a", "2026.11.2", *args, "--db", url]
    )
    assert started.exit_code == 0, started.output
    assert "round_robin takes 50%, load_balanced takes 50%" in started.stdout

    as_json = json.loads(
        runner.invoke(app, ["abtest", "report", "inbound-rr-lb", "--json", "--db", url]).stdout
    )
    assert [(a["version"], a["strategy"]) for a in as_json["arms"]] == [
        ("2026.11.2", "round_robin"),
        ("2026.11.2", "load_balanced"),
    ]
    shown = runner.invoke(app, ["abtest", "report", "inbound-rr-lb", "--db", url])
    assert "inbound strategy" in shown.stdout and "round_robin" in shown.stdout
