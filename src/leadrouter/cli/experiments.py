"""`leadrouter backtest` and `leadrouter whatif`: past leads replayed through a draft policy or a
changed team beside the current setup, as a table, JSON or CSV.

Leads come from a CSV export (`--leads`, each routed at its own `Created At`) or from the
service database (`--db`, the leads of the last `--since`). The draft's own `tests:` run too: a
failing case is listed and the command exits 1, after the report.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from leadrouter.cli import app
from leadrouter.cli.database import DB_HELP, reading
from leadrouter.cli.output import EXIT_INVALID, EXIT_USAGE, console, errors, fail, fail_on
from leadrouter.cli.report import figures_table, human_seconds
from leadrouter.errors import PolicyError

if TYPE_CHECKING:
    from leadrouter.experiments.history import Arrival
    from leadrouter.experiments.replay import Setup
    from leadrouter.experiments.schemas import Backtest
    from leadrouter.matching import KnownLead
    from leadrouter.workspace import Workspace

_SHOWN = 15


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


_LEADS_HELP = "CSV export of past leads, each replayed at its own Created At"
_AS_IF_HELP = (
    "replay the leads as if they had come from this date on (YYYY-MM-DD), moved by whole weeks"
    " so weekdays and hours stay"
)
_OPEN_HELP = (
    "a lead with no recorded outcome frees its rep's open slot after this long (e.g. 7d;"
    " default: never)"
)
_SINCE_HELP = "with --db: replay the leads received in this long before --at (e.g. 7d, 30d)"
_JOBS_HELP = (
    "processes: 2 replays the two sides at once, one in a child process (the same report,"
    " in about half the time on two cores); 1 replays them side by side in this one"
)


# The replay's options, the same for a backtest and a what-if.
_LEADS = typer.Option(None, "--leads", exists=True, dir_okay=False, help=_LEADS_HELP)
_DB = typer.Option(None, "--db", help=DB_HELP)
_SINCE = typer.Option("30d", help=_SINCE_HELP)
_AT = typer.Option(None, help="with --db: end of the window (ISO time; default now)")
_FORMAT = typer.Option(Format.TABLE, "--format", help="table, json or csv")
_OUT = typer.Option(None, "--out", "-o", help="write JSON or CSV here, not stdout")
_EXAMPLES = typer.Option(5, min=0, help="example leads per rule change")
_OPEN_FOR = typer.Option(None, help=_OPEN_HELP)
_AS_IF = typer.Option(None, "--as-if", help=_AS_IF_HELP)
_JOBS = typer.Option(min(2, os.cpu_count() or 1), "--jobs", "-j", min=1, help=_JOBS_HELP)


@app.command("backtest")
def backtest_command(
    workspace: Path = typer.Option(..., "--workspace", "-w", help="the draft workspace folder"),
    against: Path | None = typer.Option(
        None, help="the current workspace folder (default with --db: the database's active setup)"
    ),
    leads: Path | None = _LEADS,
    db: str | None = _DB,
    since: str = _SINCE,
    at: str | None = _AT,
    format: Format = _FORMAT,
    out: Path | None = _OUT,
    examples: int = _EXAMPLES,
    open_for: str | None = _OPEN_FOR,
    as_if: str | None = _AS_IF,
    jobs: int = _JOBS,
) -> None:
    """Replay past leads through a draft policy and the current one: what changes, for whom."""
    from leadrouter.experiments.replay import Setup

    draft_ws = _workspace(workspace)
    arrivals, known, current = _leads_and_current(leads, db, since, at, against)
    arrivals = _moved(arrivals, as_if)
    accounts = draft_ws.index
    if accounts is None or _same_file(draft_ws.root, against):
        # The same book on both sides: each lead is matched once, and differences come from
        # the policy alone.
        accounts = current.accounts
    draft = Setup("draft", draft_ws.policy, draft_ws.team, accounts)
    _report(_run(arrivals, known, current, draft, examples, (), open_for, jobs), format, out)


@app.command("whatif")
def whatif_command(
    change: list[str] = typer.Option(
        [], "--change", "-c", help='a roster change, e.g. "ooo ryan 2026-12-20..2027-01-03"'
    ),
    changes: Path | None = typer.Option(
        None, "--changes", exists=True, dir_okay=False, help="YAML file listing changes"
    ),
    workspace: Path | None = typer.Option(
        None, "--workspace", "-w", help="workspace folder (default with --db: the database's)"
    ),
    leads: Path | None = _LEADS,
    db: str | None = _DB,
    since: str = _SINCE,
    at: str | None = _AT,
    format: Format = _FORMAT,
    out: Path | None = _OUT,
    examples: int = _EXAMPLES,
    open_for: str | None = _OPEN_FOR,
    as_if: str | None = _AS_IF,
    jobs: int = _JOBS,
) -> None:
    """Replay past leads with the team as it is and with roster changes: who absorbs the leads."""
    from leadrouter.experiments.replay import Setup
    from leadrouter.experiments.roster import SYNTAX, apply_changes, read_changes

    listed = list(change)
    try:
        if changes is not None:
            listed += read_changes(changes.read_text(encoding="utf-8"), str(changes))
        if not listed:
            fail(
                f"give at least one --change or a --changes file; a change is: {SYNTAX}", EXIT_USAGE
            )
        arrivals, known, current = _leads_and_current(leads, db, since, at, workspace)
        arrivals = _moved(arrivals, as_if)
        team = apply_changes(current.team, listed)
        policy = _recompiled(current, team, workspace, db)
    except PolicyError as error:
        fail_on(error)
    before = Setup("before", current.policy, current.team, current.accounts)
    after = Setup("after", policy, team, current.accounts)
    _report(_run(arrivals, known, before, after, examples, listed, open_for, jobs), format, out)


# ---------------------------------------------------------------- reading


def _workspace(path: Path) -> Workspace:
    from leadrouter.cli.policy import load_or_exit

    return load_or_exit(path)


def _leads_and_current(
    leads: Path | None, db: str | None, since: str, at: str | None, current: Path | None
) -> tuple[list[Arrival], list[KnownLead], Setup]:
    """The arrivals, the leads known before them, and the current setup."""
    from leadrouter.cli.report import _duration
    from leadrouter.cli.route import parse_at
    from leadrouter.experiments.replay import Setup

    if (leads is None) == (db is None):
        fail("give either --leads FILE or --db URL (with --since)", EXIT_USAGE)
    if leads is not None:
        if current is None:
            fail("with --leads, name the current workspace (--against, or --workspace)", EXIT_USAGE)
        arrivals = _csv(leads)
        ws = _workspace(current)
        return arrivals, [], Setup("current", ws.policy, ws.team, ws.index)
    from leadrouter.experiments.history import known_before, stored_arrivals
    from leadrouter.policies.snapshot import build_config

    window, now = _duration("--since", since), parse_at(at)
    with reading(db) as session:
        arrivals = stored_arrivals(session, now - window, now)
        known = known_before(session, arrivals[0].at) if arrivals else []
        if current is not None:
            ws = _workspace(current)
            return arrivals, known, Setup("current", ws.policy, ws.team, ws.index)
        config = build_config(session)
        if config.policy is None:
            fail("the database has no active policy to compare with; give --against FOLDER")
        return arrivals, known, Setup("current", config.policy, config.team, config.accounts)


def _moved(arrivals: list[Arrival], as_if: str | None) -> list[Arrival]:
    from datetime import date

    from leadrouter.experiments.history import shifted

    if as_if is None:
        return arrivals
    try:
        day = date.fromisoformat(as_if)
    except ValueError:
        fail(f"--as-if {as_if!r} is not a date such as 2026-12-21", EXIT_USAGE)
    return shifted(arrivals, day)


def _csv(path: Path) -> list[Arrival]:
    from leadrouter.experiments.history import csv_arrivals

    bad: list[Any] = []
    arrivals = csv_arrivals(path, bad.append)
    if bad:
        errors.print(
            f"[yellow]{len(bad)} rows left out of the replay[/] (first: row "
            f"{bad[0].row}: {bad[0].field}: {bad[0].problem})",
            soft_wrap=True,
        )
    if not arrivals:
        fail(f"{path}: no lead with a creation time to replay")
    return arrivals


def _recompiled(current: Setup, team: Any, workspace: Path | None, db: str | None) -> Any:
    """The current policy compiled again against the changed team."""
    from leadrouter.policy import compile_policy, load_policy
    from leadrouter.workspace import policy_paths

    if workspace is not None:
        return load_policy(policy_paths(workspace)[0], team)
    from leadrouter.policies.models import PolicyVersionRow

    with reading(db) as session:
        row = session.get(PolicyVersionRow, current.policy.version)
        if row is None:
            fail(f"policy version {current.policy.version} is not stored")
        return compile_policy(row.text, "policy.yaml", team)


def _run(
    arrivals: list[Arrival],
    known: list[KnownLead],
    current: Setup,
    draft: Setup,
    examples: int,
    changes: Any,
    open_for: str | None,
    jobs: int,
) -> Backtest:
    from dataclasses import replace

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from leadrouter.cli.report import _duration
    from leadrouter.collector import collection_paused
    from leadrouter.experiments.backtest import backtest, compare
    from leadrouter.experiments.replay import MatchOnce

    if current.accounts is not None and current.accounts is draft.accounts:
        shared = MatchOnce(current.accounts)
        current, draft = replace(current, accounts=shared), replace(draft, accounts=shared)
    columns = (TextColumn("replaying"), BarColumn(), MofNCompleteColumn())
    # Refreshed from the ticks, not by a thread of its own: the replay may fork (`--jobs`), and
    # a fork while another thread holds the console's lock would leave it held in the child.
    with Progress(*columns, console=errors, transient=True, auto_refresh=False) as bar:
        # With jobs, the draft's side replays in the child at the pace of this one, unseen.
        task = bar.add_task("replaying", total=(1 if jobs > 1 else 2) * len(arrivals))
        done = [0]

        def tick(n: int) -> None:
            done[0] += 1
            if done[0] % 512 == 0:
                bar.update(task, completed=done[0], refresh=True)

        held = _duration("--open-for", open_for) if open_for is not None else None
        with collection_paused():
            comparison = compare(
                arrivals, current, draft, known, open_for=held, on_each=tick, jobs=jobs
            )
            return backtest(comparison, examples=examples, changes_applied=list(changes))


def _same_file(draft: Path, current: Path | None) -> bool:
    """Whether two workspaces hold the same accounts.csv, byte for byte."""
    from leadrouter.workspace import ACCOUNTS_FILE, policy_paths

    if current is None:
        return False
    mine, theirs = draft / ACCOUNTS_FILE, policy_paths(current)[1] / ACCOUNTS_FILE
    return mine.is_file() and theirs.is_file() and mine.read_bytes() == theirs.read_bytes()


# ---------------------------------------------------------------- writing


def _report(result: Backtest, format: Format, out: Path | None) -> None:
    if format is Format.TABLE:
        _tables(result)
    else:
        text = (
            json.dumps(result.model_dump(mode="json", by_alias=True), indent=1) + "\n"
            if format is Format.JSON
            else _csv_text(result)
        )
        if out is None:
            sys.stdout.write(text)
        else:
            out.write_text(text, encoding="utf-8")
            console.print(f"{result.leads:,} leads replayed → {out}", soft_wrap=True)
    failed = result.tests.failed
    if failed:
        errors.print(f"[bold red]{len(failed)} of the draft's own tests fail:[/]")
        for case in failed:
            errors.print(f"  line {case.line}: {case.name}", soft_wrap=True)
            for failure in case.failures:
                errors.print(f"      {failure}", soft_wrap=True)
        raise typer.Exit(EXIT_INVALID)


def rows(result: Backtest) -> Iterator[tuple[str, str, str, Any]]:
    """The backtest as flat (section, key, metric, value) rows, for CSV."""
    yield "summary", "", "leads", result.leads
    yield "summary", "", "changed", result.changed
    yield "summary", "", "reshuffled", result.reshuffled
    yield "summary", "", "unchanged", result.unchanged
    for change in result.changes:
        key = f"{change.from_rule} -> {change.to_rule}"
        yield "change", key, "leads", change.count
        for example in change.examples:
            yield "change_example", key, example.lead_id, f"{example.from_} -> {example.to}"
    for move in result.moves:
        yield "move", f"{move.from_} -> {move.to}", "leads", move.count
    for row in result.absorbed:
        yield "absorbed", row.rep, "delta", row.delta
    for side in (result.current, result.candidate):
        yield f"{side.label}", "", "fallback", side.fallback
        for rep in side.reps:
            yield f"{side.label}_rep", rep.rep, "leads", rep.leads
            yield f"{side.label}_rep", rep.rep, "capacity_breaches", rep.capacity_breaches
        for pool in side.pools:
            for metric in (
                "rule_leads",
                "leads",
                "off_hours",
                "overflowed",
                "fallback",
                "max_deviation",
                "gini",
            ):
                yield f"{side.label}_pool", pool.pool, metric, getattr(pool, metric)
            for member in pool.members:
                key = f"{pool.pool}/{member.rep}"
                yield f"{side.label}_share", key, "leads", member.leads
                yield f"{side.label}_share", key, "share", member.share
                yield f"{side.label}_share", key, "fair_share", member.fair_share
    speed = result.speed
    yield "speed_recorded", "(all)", "median_seconds", speed.recorded.median_seconds
    yield "speed_recorded", "(all)", "p90_seconds", speed.recorded.p90_seconds
    for estimate in (speed.current, speed.draft):
        yield f"speed_{estimate.label}", "(all)", "median_seconds", estimate.median_seconds
        yield f"speed_{estimate.label}", "(all)", "p90_seconds", estimate.p90_seconds
        yield f"speed_{estimate.label}", "(all)", "coverage", estimate.coverage
    yield "tests", "", "passed", result.tests.passed
    for case in result.tests.failed:
        yield "tests", case.name, "failed", "; ".join(case.failures)


def _csv_text(result: Backtest) -> str:
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(("section", "key", "metric", "value"))
    writer.writerows((s, k, m, "" if v is None else v) for s, k, m, v in rows(result))
    return buffer.getvalue()


def _tables(result: Backtest) -> None:
    cur, new = result.current, result.candidate
    summary = figures_table(
        f"{new.label} {result.draft} against {cur.label} {result.against}: {result.leads:,} leads"
        + (f" ({result.start[:10]} – {result.end[:10]})" if result.start and result.end else ""),
        "",
        "",
    )
    summary.add_row("routing changes (rule or destination)", f"{result.changed:,}")
    summary.add_row("rotation reshuffles (same rule and pool)", f"{result.reshuffled:,}")
    summary.add_row("unchanged", f"{result.unchanged:,}")
    summary.add_row(f"fallback: {cur.label} → {new.label}", f"{cur.fallback:,} → {new.fallback:,}")
    for change in result.changes_applied:
        summary.add_row("change applied", change)
    console.print(summary)

    if result.changes:
        changes = figures_table(
            "Routing changes by rule", "from rule → to rule", "leads", "examples"
        )
        for change in result.changes[:_SHOWN]:
            shown = ", ".join(f"{e.lead_id} ({e.from_} → {e.to})" for e in change.examples[:2])
            changes.add_row(f"{change.from_rule} → {change.to_rule}", f"{change.count:,}", shown)
        if len(result.changes) > _SHOWN:
            changes.add_row(f"… {len(result.changes) - _SHOWN} more (--format json)", "", "")
        console.print(changes)

    if result.absorbed:
        absorbed = figures_table("Who absorbs the leads", "rep", cur.label, new.label, "change")
        for row in result.absorbed[:_SHOWN]:
            absorbed.add_row(row.rep, f"{row.before:,}", f"{row.after:,}", f"{row.delta:+,}")
        if len(result.absorbed) > _SHOWN:
            absorbed.add_row(f"… {len(result.absorbed) - _SHOWN} more", "", "", "")
        console.print(absorbed)

    before = {p.pool: p for p in cur.pools}
    pools = figures_table(
        f"Pools ({cur.label} → {new.label})",
        "pool",
        "leads by rule",
        "off hours",
        "overflowed",
        "fallback",
        "max deviation from fair share",
    )
    for pool in new.pools:
        was = before.get(pool.pool)

        def pair(value: Any, old: Any, fmt: str = "{:,}") -> str:
            text = fmt.format(value)
            return text if old is None or old == value else f"{fmt.format(old)} → {text}"

        pools.add_row(
            pool.pool,
            pair(pool.rule_leads, was and was.rule_leads),
            pair(pool.off_hours, was and was.off_hours),
            pair(pool.overflowed, was and was.overflowed),
            pair(pool.fallback, was and was.fallback),
            pair(pool.max_deviation, was.max_deviation if was else None, "{:.0%}"),
        )
    console.print(pools)

    breaches = {r.rep: r.capacity_breaches for r in cur.reps}
    over = [r for r in new.reps if r.capacity_breaches or breaches.get(r.rep)]
    if over:
        caps = figures_table(
            "Capacity exceeded (leads past max_open or max_per_day)", "rep", cur.label, new.label
        )
        for rep in over[:_SHOWN]:
            caps.add_row(rep.rep, f"{breaches.get(rep.rep, 0):,}", f"{rep.capacity_breaches:,}")
        console.print(caps)

    speed = result.speed
    timing = figures_table(
        "Expected speed to lead", "", "median", "p90", "90 % interval (median)", "coverage"
    )
    timing.add_row(
        f"recorded ({speed.recorded.touched:,} touches)",
        human_seconds(speed.recorded.median_seconds),
        human_seconds(speed.recorded.p90_seconds),
        "",
        "",
    )
    for estimate in (speed.current, speed.draft):
        interval = estimate.median_interval
        timing.add_row(
            f"estimate, {estimate.label}",
            human_seconds(estimate.median_seconds),
            human_seconds(estimate.p90_seconds),
            "-"
            if interval is None
            else f"{human_seconds(interval[0])} – {human_seconds(interval[1])}",
            "-" if estimate.coverage is None else f"{estimate.coverage:.0%}",
        )
    console.print(timing)
    console.print(f"[dim]{speed.method}[/]", soft_wrap=True)
    console.print(
        f"[bold green]{result.tests.passed} of the {new.label}'s tests pass[/]"
        if not result.tests.failed
        else f"[bold red]{len(result.tests.failed)} of the {new.label}'s tests fail[/]"
    )
