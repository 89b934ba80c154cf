"""`leadrouter match`: which account each lead of a CSV belongs to, with confidence and reason.

Reads the accounts file (reporting its problems by row), compiles the account index once, then
normalizes and matches each lead row and writes one output row per lead: its row number and, with
--id-column, the lead's own id from that column. Broken lead rows are reported with their row
number and skipped; the rest are matched. Only reads the two files named and writes the one given
with --out.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from leadrouter.batch import BadRow, read_rows
from leadrouter.cli import app
from leadrouter.cli.output import EXIT_USAGE, console, errors, fail, fail_on
from leadrouter.cli.route import count_lines
from leadrouter.errors import DataFileError
from leadrouter.matching import STRONG, WEAK, AccountIndex, RowProblem, load_accounts_csv
from leadrouter.normalize import normalize_lead

COLUMNS = (
    "row",
    "email",
    "company",
    "account_id",
    "account_name",
    "confidence",
    "method",
    "strong",
    "reason",
)
_SHOWN = 50  # problems printed before "... more"


@app.command("match")
def match(
    leads: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV of leads"),
    accounts: Path = typer.Option(..., "--accounts", "-a", help="CSV of accounts"),
    out: Path = typer.Option(Path("matches.csv"), "--out", "-o", help="one row per lead"),
    strong: float = typer.Option(STRONG, help="confidence from which a match is strong"),
    weak: float = typer.Option(WEAK, help="confidence below which nothing is matched"),
    id_column: str = typer.Option(
        "", "--id-column", help="column of the leads file that holds each lead's id, copied out"
    ),
) -> None:
    """Match leads to accounts; write account, confidence, method and reason per lead."""
    if id_column and id_column not in _header(leads):
        fail(f"{leads} has no column {id_column!r} (--id-column)", EXIT_USAGE)
    try:
        account_list, problems = load_accounts_csv(accounts)
    except DataFileError as exc:
        fail_on(exc)
    try:
        index = AccountIndex.build(account_list, strong=strong, weak=weak)
    except ValueError as exc:
        fail(str(exc), EXIT_USAGE)
    grades: Counter[str] = Counter()
    methods: Counter[str] = Counter()
    bad_rows: list[BadRow] = []
    columns = (TextColumn("matching"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with (
        out.open("w", newline="", encoding="utf-8") as handle,
        Progress(*columns, console=console, transient=True) as bar,
    ):
        task = bar.add_task("matching", total=count_lines(leads))
        writer = csv.writer(handle)
        writer.writerow((COLUMNS[0], id_column, *COLUMNS[1:]) if id_column else COLUMNS)
        for row, raw in read_rows(leads, bad_rows.append):
            lead = normalize_lead(raw)
            result = index.match(lead)
            found = result.match
            fields = lead.fields
            ids = (row, raw.get(id_column, "")) if id_column else (row,)
            if found is None:
                grades["none"] += 1
                reason = result.notes[0].message if result.notes else ""
                writer.writerow(
                    (*ids, fields.get("email"), fields.get("company"), "", "", "", "", "", reason)
                )
            else:
                grades["strong" if found.strong else "weak"] += 1
                methods[found.method] += 1
                writer.writerow(
                    (
                        *ids,
                        fields.get("email"),
                        fields.get("company"),
                        found.account.id,
                        found.account.name,
                        f"{found.confidence:.3f}",
                        found.method,
                        "yes" if found.strong else "no",
                        found.reason,
                    )
                )
            bar.update(task, completed=row)
    _print_summary(grades, methods, len(index), out)
    _print_problems(accounts, problems, bad_rows)


def _print_summary(grades: Counter[str], methods: Counter[str], accounts: int, out: Path) -> None:
    total = sum(grades.values())
    console.print(f"[bold]{total}[/] leads matched against {accounts} accounts → {out}")
    table = Table(title="Matches", title_justify="left")
    table.add_column("Result")
    table.add_column("Leads", justify="right")
    table.add_column("Share", justify="right")
    # The matches, then how sure and by what evidence (indented under "matched"), then the rest.
    rows = [("matched", grades["strong"] + grades["weak"])]
    rows.append(("  strong", grades["strong"]))
    rows.append(("  weak (grey zone)", grades["weak"]))
    rows.extend((f"  by {method}", count) for method, count in methods.most_common())
    rows.append(("not matched", grades["none"]))
    for label, count in rows:
        table.add_row(label, str(count), f"{count / total:.0%}" if total else "-")
    console.print(table)


def _header(path: Path) -> list[str]:
    """The leads file's column names, as `batch.read_rows` reads them."""
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        return next(csv.reader(handle), [])


def _print_problems(accounts: Path, problems: list[RowProblem], bad_rows: list[BadRow]) -> None:
    if problems:
        errors.print(f"[bold yellow]{len(problems)} problems in {accounts}:[/]")
        for problem in problems[:_SHOWN]:
            errors.print(f"  {problem}", soft_wrap=True)
        if len(problems) > _SHOWN:
            errors.print(f"  … {len(problems) - _SHOWN} more")
    if bad_rows:
        errors.print(f"[bold red]{len(bad_rows)} lead rows could not be read:[/]")
        for bad in bad_rows[:_SHOWN]:
            errors.print(f"  row {bad.row} (line {bad.line}): {bad.field}: {bad.problem}")
        if len(bad_rows) > _SHOWN:
            errors.print(f"  … {len(bad_rows) - _SHOWN} more")
