"""The accounts CSV: rows to `Account` values, every problem reported with its row number.

Columns (header names matched case-insensitively, spaces and dashes read as underscores): id,
name, domains (or domain / website / websites; several separated by ";", "," or spaces), country,
owner, parent (or parent_id), type (customer / prospect / partner / other), segment, aliases
(";"-separated), phone, last_activity (ISO date or date-time), employees (or headcount) and
industry, both read as a lead's are. A row without an id or a name, or with an id seen before, is
skipped; a bad value (domain, country, phone, type, date, head count, unknown or cyclic parent) is
dropped from its account and reported, and the rest of the row imported. Row 1
is the header, so the first account is row 2. Only the file named is read; this module must never
guess a value it could not parse.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from leadrouter.errors import DataFileError, SourceError
from leadrouter.matching.hierarchy import cyclic_ids
from leadrouter.model import Account, AccountType
from leadrouter.normalize import normalize_lead
from leadrouter.normalize.countries import country_code
from leadrouter.normalize.domains import is_free_email_domain, registrable_domain
from leadrouter.normalize.phones import e164


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Something wrong in one row of the accounts file; `row` counts the header as row 1."""

    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.field}: {self.message}"


_COLUMNS = {
    "id": "id",
    "account_id": "id",
    "name": "name",
    "account_name": "name",
    "domains": "domains",
    "domain": "domains",
    "website": "domains",
    "websites": "domains",
    "country": "country",
    "owner": "owner",
    "parent": "parent",
    "parent_id": "parent",
    "type": "type",
    "segment": "segment",
    "aliases": "aliases",
    "phone": "phone",
    "last_activity": "last_activity",
    "employees": "employees",
    "headcount": "employees",
    "industry": "industry",
}
_HEADER_SEPARATORS = re.compile(r"[\s\-]+")
_DOMAIN_SEPARATORS = re.compile(r"[;,\s]+")


def _column(header: str) -> str | None:
    return _COLUMNS.get(_HEADER_SEPARATORS.sub("_", header.strip().casefold()))


def _activity(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def load_accounts_csv(path: Path) -> tuple[list[Account], list[RowProblem]]:
    """Accounts from a CSV file and the problems found; raises DataFileError if unreadable."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DataFileError(SourceError(str(path), 0, 0, f"cannot read accounts: {exc}")) from exc
    if header is None:
        raise DataFileError(SourceError(str(path), 1, 0, "the file is empty: no header row"))
    columns = [_column(h) for h in header]
    missing = [c for c in ("id", "name") if c not in columns]
    if missing:
        message = f"missing column(s) {', '.join(missing)}; the header is: {', '.join(header)}"
        raise DataFileError(SourceError(str(path), 1, 0, message))

    problems: list[RowProblem] = []
    accounts: dict[str, Account] = {}
    rows_of: dict[str, int] = {}
    for number, cells in enumerate(rows, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values: dict[str, str] = {}
        for column, cell in zip(columns, cells, strict=False):
            if column is not None and cell.strip():
                # "domain" and "website" columns may both be present: keep every value.
                values[column] = (
                    f"{values[column]};{cell.strip()}" if column in values else cell.strip()
                )
        account = _account(values, number, problems, rows_of)
        if account is not None:
            accounts[account.id] = account
            rows_of[account.id] = number
    return _check_parents(accounts, rows_of, problems), problems


def _account(
    values: dict[str, str], row: int, problems: list[RowProblem], rows_of: dict[str, int]
) -> Account | None:
    account_id, name = values.get("id"), values.get("name")
    if not account_id:
        problems.append(RowProblem(row, "id", "missing id: row skipped"))
        return None
    if account_id in rows_of:
        message = f"duplicate id {account_id!r} (first on row {rows_of[account_id]}): row skipped"
        problems.append(RowProblem(row, "id", message))
        return None
    if not name:
        problems.append(RowProblem(row, "name", f"account {account_id!r} has no name: row skipped"))
        return None

    def problem(field: str, message: str) -> None:
        problems.append(RowProblem(row, field, message))

    domains: list[str] = []
    for text in _DOMAIN_SEPARATORS.split(values.get("domains", "")):
        if not text:
            continue
        domain = registrable_domain(text)
        if domain is None:
            problem("domains", f"{text!r} is not a domain: ignored")
        elif is_free_email_domain(domain):
            problem("domains", f"{domain} is a free-mail domain: ignored (it would match anyone)")
        elif domain not in domains:
            domains.append(domain)
    country = None
    if "country" in values:
        country = country_code(values["country"])
        if country is None:
            problem("country", f"unknown country {values['country']!r}: ignored")
    account_type = AccountType.PROSPECT
    if "type" in values:
        try:
            account_type = AccountType(values["type"].casefold())
        except ValueError:
            known = ", ".join(t.value for t in AccountType)
            problem("type", f"unknown type {values['type']!r} (expected {known}): prospect assumed")
    phone = None
    if "phone" in values:
        phone = e164(values["phone"], country)
        if phone is None:
            problem("phone", f"{values['phone']!r} is not a phone number: ignored")
    last_activity = None
    if "last_activity" in values:
        try:
            last_activity = _activity(values["last_activity"])
        except ValueError:
            problem("last_activity", f"{values['last_activity']!r} is not an ISO date: ignored")
    aliases = tuple(a.strip() for a in values.get("aliases", "").split(";") if a.strip())
    # Read by the leads' own normalizer, so a filled field compares as the lead's would have.
    given = {k: values[k] for k in ("employees", "industry") if k in values}
    firmographics = normalize_lead(given).fields if given else {}
    if "employees" in given and "employees" not in firmographics:
        problem("employees", f"{values['employees']!r} is not a head count: ignored")
    employees = firmographics.get("employees")
    industry = firmographics.get("industry")
    return Account(
        id=account_id,
        name=name,
        domains=tuple(domains),
        country=country,
        owner=values.get("owner"),
        parent=values.get("parent"),
        type=account_type,
        segment=values.get("segment"),
        aliases=aliases,
        phone=phone,
        last_activity=last_activity,
        employees=employees if isinstance(employees, float) else None,
        industry=industry if isinstance(industry, str) else None,
    )


def _check_parents(
    accounts: dict[str, Account], rows_of: dict[str, int], problems: list[RowProblem]
) -> list[Account]:
    """Drop parent links to unknown accounts and inside cycles, reporting each."""
    for account in list(accounts.values()):
        if account.parent is not None and account.parent not in accounts:
            problems.append(
                RowProblem(
                    rows_of[account.id],
                    "parent",
                    f"unknown parent {account.parent!r} of {account.id!r}: link ignored",
                )
            )
            accounts[account.id] = replace(account, parent=None)
    cyclic = cyclic_ids({a.id: a.parent for a in accounts.values()})
    for account_id in sorted(cyclic, key=rows_of.__getitem__):
        account = accounts[account_id]
        problems.append(
            RowProblem(
                rows_of[account_id],
                "parent",
                f"{account_id!r} is its own ancestor (parent {account.parent!r} closes a cycle):"
                " link ignored",
            )
        )
        accounts[account_id] = replace(account, parent=None)
    problems.sort(key=lambda p: p.row)
    return list(accounts.values())
