"""`leadrouter report`: the dashboard's figures in the terminal, as tables, CSV or JSON.

Reads the service database named by the settings (or `--db`); the only rows it writes are the
report rollups of days not rolled up yet (`reports.rollups`), which make the next run fast.
The table format is for people (a few tables, durations as "2h 16m", rates as percentages);
CSV and JSON are for machines (one row per figure, seconds and ratios rounded to what is
meaningful, no float noise).
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

import typer

from leadrouter.cli import app
from leadrouter.cli.database import DB_HELP, opened, settings_with
from leadrouter.cli.output import EXIT_USAGE, console, fail
from leadrouter.reports.wording import duration

if TYPE_CHECKING:
    from rich.table import Table

    from leadrouter.connectors.overrides import OverrideRate
    from leadrouter.reports.summary import Report

_DEFAULT_SLA_MINUTES = 15  # reports.summary.DEFAULT_SLA; a test keeps the two equal
_SHOWN = 15  # rows per table before "… more"


class Format(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


def _duration(option: str, text: str) -> timedelta:
    from leadrouter.policy.sla import parse_duration

    try:
        return parse_duration(text)
    except ValueError as error:
        fail(f"{option}: {error}", EXIT_USAGE)


def human_seconds(seconds: float | None) -> str:
    """A duration as people write it: 42s, 4m 05s, 2h 16m, 6d 1h."""
    return duration(seconds, missing="-")


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.0%}"


def clean(value: float | int | None) -> float | int | None:
    """A figure for CSV/JSON: whole stays whole, others keep 4 decimals (no float tails)."""
    if value is None or isinstance(value, int):
        return value
    rounded = round(value, 4)
    return int(rounded) if rounded.is_integer() else rounded


def figures_table(title: str, *columns: str) -> Table:
    """A table of figures: its first column names each line (left), the others are figures
    (right). Columns all named "" make a table of named lines, drawn without a header row."""
    from rich.table import Table

    table = Table(title=title, title_justify="left", title_style="bold", show_header=any(columns))
    for n, column in enumerate(columns):
        table.add_column(column, justify="left" if n == 0 else "right")
    return table


def _tables(report: Report) -> list[Table]:
    from leadrouter.reports.summary import pool_figures

    summary = figures_table(
        f"Leads received {report.start:%Y-%m-%d %H:%M} – {report.end:%Y-%m-%d %H:%M} UTC", "", ""
    )
    summary.add_row("leads received", f"{report.leads:,}")
    summary.add_row("first touched", f"{report.speed.touched:,}")
    summary.add_row("speed to lead, median", human_seconds(report.speed.median))
    summary.add_row("speed to lead, p90", human_seconds(report.speed.p90))
    target = (
        "each SLA clock's deadline"
        if report.sla_target is None
        else f"first touch within {human_seconds(report.sla_target.total_seconds())}"
    )
    summary.add_row("SLA target", target)
    summary.add_row(
        "SLA met / breached / pending",
        f"{report.sla.met:,} / {report.sla.breached:,} / {report.sla.pending:,}",
    )
    summary.add_row("SLA compliance", _percent(report.sla.rate))
    tables = [summary]

    queues = figures_table("Fallback queues", "queue", "waiting", "oldest", "median wait")
    for queue in report.fallback:
        queues.add_row(
            queue.queue, f"{queue.size:,}", human_seconds(queue.oldest), human_seconds(queue.median)
        )
    if not report.fallback:
        queues.add_row("(none waiting)", "", "", "")
    tables.append(queues)

    fairness = figures_table(
        "Fairness by pool", "pool / rep", "weight", "received", "fair share", "ratio"
    )
    for pool, shares in report.fairness.items():
        for share in shares:
            fairness.add_row(
                f"{pool} / {share.rep}",
                str(share.weight),
                f"{share.received:,}",
                f"{share.fair_share:.1f}"
                + (f" (+{share.calibration} calibrated)" if share.calibration else ""),
                "-" if share.ratio is None else f"{share.ratio:.2f}",
            )
    if report.fairness:
        tables.append(fairness)
        pools = figures_table("Fairness per pool", "pool", "leads", "max deviation", "gini")
        for pool, fair in pool_figures(report).items():
            pools.add_row(pool, f"{fair.leads:,}", f"{fair.max_deviation:.0%}", f"{fair.gini:.2f}")
        tables.append(pools)

    for dimension, rows in report.conversion.items():
        table = figures_table(
            f"Conversion by {dimension.value}", dimension.value, "leads", "qualified", "won"
        )
        ordered = sorted(rows, key=lambda r: -r.leads)
        for row in ordered[:_SHOWN]:
            table.add_row(
                row.key or "(none)",
                f"{row.leads:,}",
                _percent(row.qualification_rate),
                _percent(row.win_rate),
            )
        if len(ordered) > _SHOWN:
            table.add_row(f"… {len(ordered) - _SHOWN} more (--format csv for all)", "", "", "")
        if ordered:
            tables.append(table)
    return tables


def _overrides_table(rates: list[OverrideRate]) -> Table:
    """Routing accuracy as the CRM sees it: owners changed by hand after the write-back."""
    table = figures_table(
        "CRM owner overrides by rule", "rule", "written back", "overridden", "rate"
    )
    for rate in sorted(rates, key=lambda r: -r.written)[:_SHOWN]:
        table.add_row(rate.rule, f"{rate.written:,}", f"{rate.overridden:,}", _percent(rate.rate))
    return table


@app.command("report")
def report(
    since: str = typer.Option("30d", help="How far back: e.g. 7d, 30d, 12h."),
    format: Format = typer.Option(Format.TABLE, "--format", help="table, csv or json."),
    sla: str = typer.Option(
        f"{_DEFAULT_SLA_MINUTES}m", help="First-touch target for SLA compliance."
    ),
    at: str | None = typer.Option(None, help="End of the window (ISO time); default now."),
    db: str | None = typer.Option(None, help=DB_HELP),
) -> None:
    """Speed-to-lead, SLA compliance, fairness, conversion and fallback queues."""
    from dataclasses import asdict, replace

    from leadrouter.cli.route import parse_at
    from leadrouter.connectors.overrides import override_rates
    from leadrouter.reports import rollups
    from leadrouter.reports.summary import Row, build_report, report_rows

    window, target, now = _duration("--since", since), _duration("--sla", sla), parse_at(at)
    with opened(settings_with(db=db)) as database:
        rollups.refresh(database, now, window, target)
        with database.read() as session:
            result = build_report(session, now, window, target)
            overrides = override_rates(session, now - window, now)
    if format is Format.TABLE:
        for table in _tables(result):
            console.print(table)
        if overrides:
            console.print(_overrides_table(overrides))
        return
    crm_rows = [
        Row("crm_overrides", rate.rule, metric, value)
        for rate in overrides
        for metric, value in (
            ("written_back", rate.written),
            ("overridden", rate.overridden),
            ("override_rate", rate.rate),
        )
    ]
    rows = [replace(r, value=clean(r.value)) for r in [*report_rows(result), *crm_rows]]
    if format is Format.CSV:
        writer = csv.writer(sys.stdout)
        writer.writerow(("section", "key", "metric", "value"))
        writer.writerows(
            (r.section, r.key, r.metric, "" if r.value is None else r.value) for r in rows
        )
    else:
        sys.stdout.write(json.dumps([asdict(r) for r in rows], indent=1) + "\n")
