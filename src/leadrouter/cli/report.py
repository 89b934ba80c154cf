"""`leadrouter report`: the dashboard's figures in the terminal, as a table, CSV or JSON.

Reads the service database named by the settings (or `--db`); the only rows it writes are the
report rollups of days not rolled up yet (`reports.rollups`), which make the next run fast.
"""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import asdict
from datetime import timedelta
from enum import StrEnum

import typer
from rich.table import Table

from leadrouter.cli import app
from leadrouter.cli.output import EXIT_USAGE, console, fail
from leadrouter.cli.route import parse_at
from leadrouter.policy.sla import parse_duration
from leadrouter.reports import rollups
from leadrouter.reports.summary import DEFAULT_SLA, Report, Row, build_report, report_rows
from leadrouter.settings import get_settings
from leadrouter.store import Database


class Format(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


def _duration(option: str, text: str) -> timedelta:
    try:
        return parse_duration(text)
    except ValueError as error:
        fail(f"{option}: {error}", EXIT_USAGE)


def _shown(value: float | int | None, metric: str) -> str:
    if value is None:
        return "-"
    if metric in {"compliance", "qualification_rate", "win_rate"}:
        return f"{value:.1%}"
    if metric.endswith("seconds"):
        return _human_seconds(value)
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _human_seconds(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def _print_table(report: Report, rows: list[Row]) -> None:
    table = Table(
        title=f"Leads received {report.start:%Y-%m-%d %H:%M} – {report.end:%Y-%m-%d %H:%M} UTC"
    )
    for column in ("section", "key", "metric", "value"):
        table.add_column(column, justify="right" if column == "value" else "left")
    for row in rows:
        table.add_row(row.section, row.key, row.metric, _shown(row.value, row.metric))
    console.print(table)


@app.command("report")
def report(
    since: str = typer.Option("30d", help="How far back: e.g. 7d, 30d, 12h."),
    format: Format = typer.Option(Format.TABLE, "--format", help="table, csv or json."),
    sla: str = typer.Option(
        f"{int(DEFAULT_SLA.total_seconds() // 60)}m", help="First-touch target for SLA compliance."
    ),
    at: str | None = typer.Option(None, help="End of the window (ISO time); default now."),
    db: str | None = typer.Option(None, help="Database URL; default LEADROUTER_DB."),
) -> None:
    """Speed-to-lead, SLA compliance, fairness, conversion and fallback queues."""
    window, target, now = _duration("--since", since), _duration("--sla", sla), parse_at(at)
    database = Database(db or get_settings().db)
    try:
        rollups.refresh(database, now, window, target)
        with database.read() as session:
            result = build_report(session, now, window, target)
    finally:
        database.dispose()
    rows = list(report_rows(result))
    if format is Format.TABLE:
        _print_table(result, rows)
    elif format is Format.CSV:
        writer = csv.writer(sys.stdout)
        writer.writerow(("section", "key", "metric", "value"))
        writer.writerows(
            (r.section, r.key, r.metric, "" if r.value is None else r.value) for r in rows
        )
    else:
        sys.stdout.write(json.dumps([asdict(r) for r in rows], indent=1) + "\n")
