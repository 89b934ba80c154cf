"""`leadrouter abtest start|report|stop`: A/B tests of live routing from a terminal, through the
same service functions as `/v1/abtests` (the split itself happens in the routing loop)."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime

import typer

from leadrouter.cli import app
from leadrouter.cli.database import DB_HELP, reading, writing
from leadrouter.cli.output import EXIT_USAGE, console, fail
from leadrouter.cli.report import figures_table, human_seconds

abtest_app = typer.Typer(
    help="Split live routing between two policy versions and compare them per arm.",
    no_args_is_help=True,
)
app.add_typer(abtest_app, name="abtest")


@abtest_app.command("start")
def start(
    test_id: str = typer.Argument(..., help="an id for the test, e.g. apac-japan"),
    a: str = typer.Option(..., "--a", help="stored policy version of arm a (usually the active)"),
    b: str | None = typer.Option(None, "--b", help="stored policy version of arm b (default: a)"),
    pool: str | None = typer.Option(
        None, help="test two strategies of this pool, one policy version (--a) in both arms"
    ),
    strategy_a: str | None = typer.Option(None, help="the pool's strategy in arm a"),
    strategy_b: str | None = typer.Option(None, help="the pool's strategy in arm b"),
    share_b: float = typer.Option(0.5, min=0.01, max=0.99, help="share of leads arm b decides"),
    end: str | None = typer.Option(None, help="when the test ends (ISO time; default: never)"),
    guard_margin: float = typer.Option(
        0.1, help="stop an arm whose SLA breach rate exceeds the other's by this much"
    ),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Start splitting live leads between two stored policy versions (or two strategies of one
    pool), from now."""
    from leadrouter.cli.route import parse_at
    from leadrouter.errors import LeadRouterError
    from leadrouter.experiments import abtest
    from leadrouter.policies.splits import AbTestDefinition

    now = datetime.now(UTC)
    with writing(db, refused=LeadRouterError) as session:
        test = AbTestDefinition(
            id=test_id,
            name=test_id,
            version_a=a,
            version_b=b or a,
            share_b=share_b,
            start=now,
            end=parse_at(end) if end else None,
            guard_margin=guard_margin,
            pool=pool,
            strategy_a=strategy_a,
            strategy_b=strategy_b,
        )
        abtest.start(session, test, now=now)
    arm_a, arm_b = (a, b or a) if pool is None else (strategy_a, strategy_b)
    what = "" if pool is None else f" (pool {pool}, policy {a})"
    console.print(
        f"A/B test {test_id}{what}: {arm_a} takes {1 - share_b:.0%}, {arm_b} takes {share_b:.0%}",
        soft_wrap=True,
    )


@abtest_app.command("report")
def report(
    test_id: str = typer.Argument(..., help="the test's id"),
    sla: str = typer.Option("15m", help="first-touch target for SLA met"),
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Per arm: leads, time to first touch, SLA met, qualification and win rates, with tests."""
    from leadrouter.cli.report import _duration
    from leadrouter.errors import LeadRouterError
    from leadrouter.experiments import abtest
    from leadrouter.experiments.abstats import Rate

    target = _duration("--sla", sla)
    with reading(db) as session:
        try:
            found = abtest.report(
                session, abtest.get_or_raise(session, test_id), datetime.now(UTC), target
            )
        except LeadRouterError as error:
            fail(str(error), EXIT_USAGE)
    if as_json:
        sys.stdout.write(json.dumps(found.model_dump(mode="json"), indent=1) + "\n")
        return
    table = figures_table(
        f"A/B test {test_id}", "", "arm a", "arm b", "p-value", "leads per arm needed"
    )
    a, b = found.arms
    table.add_row("policy version", a.version, b.version, "", "")
    if found.test.pool is not None:
        table.add_row(f"{found.test.pool} strategy", a.strategy, b.strategy, "", "")
    table.add_row(
        "leads (share)", f"{a.leads:,} ({a.share:.0%})", f"{b.leads:,} ({b.share:.0%})", "", ""
    )
    times = found.time_to_first_touch
    table.add_row(
        "time to first touch, median",
        human_seconds(times.a.median_seconds),
        human_seconds(times.b.median_seconds),
        "-" if times.p_value is None else f"{times.p_value:.3g}",
        "-" if times.needed_per_arm is None else f"{times.needed_per_arm:,}",
    )
    table.add_row(
        "time to first touch, p90",
        human_seconds(times.a.p90_seconds),
        human_seconds(times.b.p90_seconds),
        "",
        "",
    )
    for rate in found.rates:

        def shown(r: Rate) -> str:
            return (
                "-" if r.rate is None else f"{r.rate:.1%} [{r.interval[0]:.0%}–{r.interval[1]:.0%}]"
            )

        table.add_row(
            rate.metric.replace("_", " "),
            shown(rate.a),
            shown(rate.b),
            "-" if rate.p_value is None else f"{rate.p_value:.3g}",
            "-" if rate.needed_per_arm is None else f"{rate.needed_per_arm:,}",
        )
    console.print(table)
    console.print(f"guard rail: {found.guard.reason}", soft_wrap=True)


@abtest_app.command("stop")
def stop(
    test_id: str = typer.Argument(..., help="the test's id"),
    arm: str | None = typer.Option(None, help="stop only this arm (a or b): the other takes all"),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Stop one arm, or the whole test (the active policy routes every lead again)."""
    from leadrouter.errors import LeadRouterError
    from leadrouter.experiments import abtest

    if arm not in (None, "a", "b"):
        fail("--arm is a or b", EXIT_USAGE)
    with writing(db, refused=LeadRouterError) as session:
        row = abtest.get_or_raise(session, test_id)
        abtest.stop(session, row, arm=arm, reason="stopped from the CLI", now=datetime.now(UTC))
    console.print(f"A/B test {test_id}: {'arm ' + arm if arm else 'the test'} stopped")
