"""`leadrouter route` (a CSV batch) and `leadrouter explain` (one lead, with its whole trace)."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from leadrouter.cli import app
from leadrouter.cli.output import EXIT_USAGE, console, errors, fail
from leadrouter.cli.policy import load_or_exit

if TYPE_CHECKING:
    from collections.abc import Iterable

    from leadrouter.batch import BadRow, Routed, Summary
    from leadrouter.leads.provider import Enricher
    from leadrouter.matching import KnownLead
    from leadrouter.workspace import Workspace

_PROGRESS_EVERY = 256  # rows between progress bar updates


def parse_at(text: str | None) -> datetime:
    """The routing time: an ISO timestamp (UTC if no zone is given), or now."""
    if text is None:
        return datetime.now(UTC)
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        fail(f"--at {text!r} is not an ISO 8601 time such as 2026-11-24T15:00:00Z", EXIT_USAGE)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return max(sum(1 for _ in handle) - 1, 0)


@app.command("route")
def route(
    leads: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="CSV of leads, header row first"
    ),
    workspace: Path = typer.Option(Path("."), "--workspace", "-w", help="workspace folder"),
    out: Path = typer.Option(
        Path("decisions.jsonl"), "--out", "-o", help="decisions, one JSON per line"
    ),
    at: str | None = typer.Option(None, help="route every lead at this ISO time (default: now)"),
    replay: bool = typer.Option(
        False, help="route each lead at its own created_at, when it has one"
    ),
    rejects: Path | None = typer.Option(None, help="also write the bad rows' problems to this CSV"),
    state: Path | None = typer.Option(
        None,
        "--state",
        dir_okay=False,
        help="carry rotation, rep loads and earlier leads between runs in this JSON file"
        " (read if it exists, written after the run)",
    ),
    by_score: bool = typer.Option(
        False, "--by-score", help="route the highest-scoring leads first (scarce capacity)"
    ),
) -> None:
    """Route a CSV of leads; write decisions as JSON lines and print a summary."""
    from leadrouter.batch import Summary, read_rows, route_leads, route_rows
    from leadrouter.batch_reading import read_leads
    from leadrouter.batch_state import load_state, save_state
    from leadrouter.collector import loaded_frozen
    from leadrouter.errors import DataFileError
    from leadrouter.sequence import LeadSequence

    ws = load_or_exit(workspace)
    when = parse_at(at)
    summary = Summary()
    try:
        carried = load_state(state) if state is not None else None
    except DataFileError as error:
        fail(str(error))
    snapshot = ws.snapshot()
    if carried is not None:
        snapshot = snapshot.with_state(carried.state)
    sequence = LeadSequence(snapshot, carried.index() if carried is not None else None)
    known = list(carried.known) if carried is not None else []
    total = count_lines(leads)
    enricher = provider(ws)
    with loaded_frozen():
        if enricher is None:  # read and normalized beside routing, before the bar's thread starts
            custom = snapshot.policy.custom_fields
            normalized = read_leads(leads, custom, when, summary.bad_rows.append, replay=replay)
            routing = route_leads(normalized, snapshot, sequence=sequence, by_score=by_score)
        else:  # enriched as the service does every lead on its way in: one row at a time, here
            rows = (
                (number, row | enricher.enrich(row, when))
                for number, row in read_rows(leads, summary.bad_rows.append)
            )
            routing = route_rows(
                rows, snapshot, when, replay=replay, sequence=sequence, by_score=by_score
            )
        _write_routed(routing, out, total, summary, known if state is not None else None)
    if state is not None:
        save_state(state, sequence.state, known)
    print_summary(summary, out, rejects)
    if state is not None:
        console.print(f"state carried to the next run → {state}", soft_wrap=True)
    if rejects is not None:
        write_rejects(rejects, summary.bad_rows)


def _write_routed(
    routing: Iterable[Routed],
    out: Path,
    total: int,
    summary: Summary,
    known: list[KnownLead] | None,
) -> None:
    """Each routed lead into the decisions file and the summary (and its known lead into
    `known`, when the state is carried), under a progress bar."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from leadrouter.batch import json_record, open_decisions

    columns = (TextColumn("routing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with (
        open_decisions(out) as sink,
        Progress(*columns, console=console, transient=True) as bar,
    ):
        task = bar.add_task("routing", total=total)
        for routed in routing:
            summary.add(routed)
            if known is not None and routed.known is not None:
                known.append(routed.known)
            sink.write(json_record(routed))
            # The bar redraws ten times a second; telling it every row would cost more.
            if routed.row % _PROGRESS_EVERY == 0:
                bar.update(task, completed=routed.row)
        bar.update(task, completed=total)


def provider(ws: Workspace) -> Enricher | None:
    """The enrichment provider the workspace's crm.yaml names, with the token the settings
    hold; None without one."""
    if ws.crm is None or ws.crm.enrichment is None:
        return None
    import httpx

    from leadrouter.leads.provider import Enricher
    from leadrouter.settings import get_settings

    return Enricher(ws.crm.enrichment, httpx.Client(), get_settings().enrichment_token)


def print_summary(summary: Summary, out: Path, rejects: Path | None = None) -> None:
    from rich.table import Table

    console.print(f"[bold]{summary.routed}[/] leads routed → {out}", soft_wrap=True)
    for title, counts in (("Rule", summary.by_rule), ("Destination", summary.by_destination)):
        table = Table(title=f"By {title.lower()}", title_justify="left")
        table.add_column(title)
        table.add_column("Leads", justify="right")
        table.add_column("Share", justify="right")
        for name, count in counts.most_common(25):
            table.add_row(name, str(count), f"{count / max(summary.routed, 1):.1%}")
        if len(counts) > 25:
            table.add_row(f"… {len(counts) - 25} more", "", "")
        console.print(table)
    style = "bold red" if summary.fallback else "green"
    console.print(f"[{style}]Fallback (needs attention): {summary.fallback}[/]")
    if summary.warnings:
        table = Table(title="Data-quality warnings by field", title_justify="left")
        table.add_column("Field")
        table.add_column("Leads", justify="right")
        for name, count in summary.warnings.most_common():
            table.add_row(name, str(count))
        console.print(table)
    if summary.bad_rows and rejects is not None:
        # Asked for a file: the rows are there, and `match` on the same CSV already listed them.
        errors.print(
            f"[bold red]{len(summary.bad_rows)} bad rows were not routed[/] → {rejects}",
            soft_wrap=True,
        )
    elif summary.bad_rows:
        errors.print(f"[bold red]{len(summary.bad_rows)} bad rows were not routed:[/]")
        for bad in summary.bad_rows[:50]:
            errors.print(f"  row {bad.row} (line {bad.line}): {bad.field}: {bad.problem}")
        if len(summary.bad_rows) > 50:
            errors.print(f"  … {len(summary.bad_rows) - 50} more (use --rejects FILE for all)")


def write_rejects(path: Path, bad_rows: list[BadRow]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["row", "line", "field", "problem"])
        writer.writerows((b.row, b.line, b.field, b.problem) for b in bad_rows)


@app.command("explain")
def explain(
    lead: str = typer.Argument(
        ..., help='the lead as JSON, e.g. \'{"email": "jo@acme.com"}\', or @file.json'
    ),
    workspace: Path = typer.Option(Path("."), "--workspace", "-w", help="workspace folder"),
    at: str | None = typer.Option(None, help="route at this ISO time (default: now)"),
    as_json: bool = typer.Option(False, "--json", help="print the decision as JSON"),
) -> None:
    """Route one lead and show why it went where it did: every rule and rep considered."""
    from leadrouter.cli.trace import render
    from leadrouter.codec import decision_to_dict
    from leadrouter.engine import route as route_lead

    text = Path(lead[1:]).read_text(encoding="utf-8") if lead.startswith("@") else lead
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        fail(f"lead JSON: line {exc.lineno} column {exc.colno}: {exc.msg}", EXIT_USAGE)
    if not isinstance(raw, dict):
        fail('lead JSON must be an object such as {"email": "jo@acme.com"}', EXIT_USAGE)
    ws = load_or_exit(workspace)
    decision = route_lead(raw, ws.snapshot(), parse_at(at))
    if as_json:
        console.print_json(data=decision_to_dict(decision))
    else:
        console.print(render(decision))
