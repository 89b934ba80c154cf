"""Accounts: upsert one or many (JSON or CSV import), list, and conversion to the core's
`Account`. Imports are one transaction: all rows or none, each change audited, the accounts'
config version bumped once and stamped on every row written (`changed_in`), so each process
updates its account index with those rows only.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadrouter.accounts.models import AccountRow
from leadrouter.accounts.schemas import AccountIn, ImportResult
from leadrouter.audit import service as audit
from leadrouter.matching import load_accounts_csv
from leadrouter.model import Account, AccountType
from leadrouter.normalize.text import category
from leadrouter.store.config_version import Part, bump_config_version
from leadrouter.store.rows import require_row


def get_or_raise(*, session: Session, account_id: str) -> AccountRow:
    return require_row(session, AccountRow, account_id, "account")


def list_(*, session: Session, limit: int = 1000, offset: int = 0) -> list[AccountRow]:
    query = select(AccountRow).order_by(AccountRow.id).limit(limit).offset(offset)
    return list(session.scalars(query))


def upsert(
    *, session: Session, accounts: Iterable[AccountIn], actor: str, now: datetime
) -> ImportResult:
    """Create the new accounts and update the changed ones; audited row by row."""
    created = updated = unchanged = 0
    version: int | None = None  # the accounts counter, bumped at the first change
    for account_in in accounts:
        values = account_in.model_dump()
        row = session.get(AccountRow, account_in.id)
        changes = (
            values if row is None else {k: v for k, v in values.items() if getattr(row, k) != v}
        )
        if not changes:
            unchanged += 1
            continue
        if version is None:
            version = bump_config_version(session, Part.ACCOUNTS)
        if row is None:
            row = AccountRow(**values, changed_in=version)
            audit.add_config_row(
                session=session, row=row, entity="account", actor=actor, now=now, bump=False
            )
            created += 1
            continue
        audit.change_config_row(
            session=session,
            row=row,
            changes={**changes, "changed_in": version},
            entity="account",
            actor=actor,
            now=now,
            bump=False,
        )
        updated += 1
    return ImportResult(created=created, updated=updated, unchanged=unchanged)


def parse_csv(text: str) -> tuple[list[AccountIn], list[str]]:
    """Accounts from CSV text, read by the same loader as the CLI; unreadable rows reported."""
    # The loader reads files (it is shared with the CLI's accounts.csv); hand it one.
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "accounts.csv"
        path.write_text(text, encoding="utf-8")
        accounts, problems = load_accounts_csv(path)
    return [from_account(a) for a in accounts], [str(p) for p in problems]


def to_account(row: AccountRow) -> Account:
    return Account(
        id=row.id,
        name=row.name,
        domains=tuple(row.domains),
        country=row.country,
        owner=row.owner,
        parent=row.parent,
        type=AccountType(row.type),
        segment=row.segment,
        aliases=tuple(row.aliases),
        phone=row.phone,
        last_activity=row.last_activity,
        employees=row.employees,
        # As a lead's industry reads: an account sent as JSON may spell it any way.
        industry=category(row.industry) if row.industry else None,
    )


def from_account(account: Account) -> AccountIn:
    # The two share every field by name: pydantic reads them off the dataclass.
    return AccountIn.model_validate(account, from_attributes=True)
