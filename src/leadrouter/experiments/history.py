"""Past leads to replay: from a CSV export or from the service's store, each with its own arrival
time and, where recorded, who had it, its first touch and when it closed.

A backtest replays these through both policies; the recorded touches feed the speed-to-lead
estimate, and the recorded closes free capacity in the replay as they freed it live. Reads only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from leadrouter.batch import BadRow, read_rows
from leadrouter.leads.models import ROUTED, LeadRow, OutcomeRow
from leadrouter.matching import KnownLead
from leadrouter.model.frozen import quick_init
from leadrouter.policy.lead_time import CREATED_AT_KEYS


@quick_init
@dataclass(frozen=True, slots=True)
class Arrival:
    """One past lead: its payload and arrival, and what was recorded of it afterwards."""

    id: str
    raw: Mapping[str, Any]
    at: datetime
    owner: str | None = None  # who had it (live), when known
    rule: str | None = None
    queue: str | None = None  # where it waits when no rep has it: `<kind>:<queue>`
    first_touch_at: datetime | None = None
    closed_at: datetime | None = None  # its first outcome: from then on it no longer loads its rep


# Column names (lower case, spaces and dashes as "_") a CSV export may give for what was recorded.
_TOUCH_KEYS = ("first_touch_at", "first_touch", "first_touched_at", "touched_at")
_OWNER_KEYS = ("owner", "lead_owner", "rep", "assigned_to")
_RULE_KEYS = ("rule", "routing_rule")
_CLOSED_KEYS = ("closed_at", "outcome_at")
_ID_KEYS = ("lead_id", "id")


def _column(row: Mapping[str, str], keys: tuple[str, ...]) -> str | None:
    for key, value in row.items():
        if key.strip().lower().replace(" ", "_").replace("-", "_") in keys and value.strip():
            return value.strip()
    return None


def _time(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def arrival_time(row: Mapping[str, str]) -> datetime | None:
    """The row's creation time: ISO 8601 (UTC when no zone is given) or US `MM/DD/YYYY HH:MM`
    as CRM exports write it (UTC)."""
    for key, value in row.items():
        if key.strip().lower() not in CREATED_AT_KEYS or not value.strip():
            continue
        text = value.strip()
        found = _time(text)
        if found is not None:
            return found
        for pattern in ("%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y"):
            try:
                return datetime.strptime(text, pattern).replace(tzinfo=UTC)
            except ValueError:
                continue
        return None
    return None


def csv_arrivals(path: Path, bad: Callable[[BadRow], None]) -> list[Arrival]:
    """The rows of a lead export that have a readable creation time (`Created At`, ...), oldest
    first.

    Rows without a readable creation time cannot be replayed at their own arrival: each is
    reported through `bad`. Optional columns: `Lead Id`, `Owner`, `Rule`, `First Touch At`,
    `Closed At`."""
    arrivals = []
    for number, row in read_rows(path, bad):
        at = arrival_time(row)
        if at is None:
            bad(BadRow(number, 0, "created_at", "no creation time to replay the lead at"))
            continue
        arrivals.append(
            Arrival(
                _column(row, _ID_KEYS) or f"row-{number}",
                row,
                at,
                _column(row, _OWNER_KEYS),
                _column(row, _RULE_KEYS),
                None,
                _time(_column(row, _TOUCH_KEYS)),
                _time(_column(row, _CLOSED_KEYS)),
            )
        )
    arrivals.sort(key=lambda a: a.at)  # stable: rows of one instant keep the file's order
    return arrivals


def _aware(at: datetime | None) -> datetime | None:
    return at if at is None or at.tzinfo is not None else at.replace(tzinfo=UTC)


def stored_arrivals(
    session: Session, start: datetime | None, end: datetime, *, last: int | None = None
) -> list[Arrival]:
    """The routed leads received in [start, end) (or the `last` of them), oldest first, with
    their current owner, rule, first touch and first outcome."""
    closed = (
        select(OutcomeRow.lead_id, func.min(OutcomeRow.at).label("at"))
        .group_by(OutcomeRow.lead_id)
        .subquery()
    )
    query = (
        select(LeadRow, closed.c.at)
        .outerjoin(closed, closed.c.lead_id == LeadRow.id)
        .where(LeadRow.status == ROUTED, LeadRow.received_at < end)
    )
    if start is not None:
        query = query.where(LeadRow.received_at >= start)
    if last is not None:
        query = query.order_by(LeadRow.received_at.desc(), LeadRow.decision_id.desc()).limit(last)
    else:
        query = query.order_by(LeadRow.received_at, LeadRow.decision_id)
    rows = list(session.execute(query))
    if last is not None:
        rows.reverse()
    return [
        Arrival(
            row.id,
            row.raw,
            _aware(row.received_at),  # type: ignore[arg-type]
            row.owner,
            row.rule,
            f"{row.kind}:{row.queue}" if row.kind != "rep" and row.queue else None,
            _aware(row.first_touch_at),
            _aware(closed_at),
        )
        for row, closed_at in rows
    ]


def known_before(session: Session, start: datetime) -> list[KnownLead]:
    """The routed leads before `start`, oldest first, as later leads find them for duplicates:
    both sides of a backtest start knowing them, as live routing did."""
    query = (
        select(
            LeadRow.id,
            LeadRow.owner,
            LeadRow.email_key,
            LeadRow.phone,
            LeadRow.name_key,
            LeadRow.account_id,
        )
        .where(LeadRow.status == ROUTED, LeadRow.received_at < start)
        .order_by(LeadRow.received_at, LeadRow.decision_id)
    )
    return [KnownLead(*row) for row in session.execute(query)]


def first_arrival(arrivals: Iterable[Arrival]) -> datetime | None:
    return min((a.at for a in arrivals), default=None)


def shifted(arrivals: Sequence[Arrival], to: date) -> list[Arrival]:
    """The arrivals moved by whole weeks so the first falls on or after `to`: weekdays and hours
    stay what they were ("last month's leads, as if they came over the holidays"). Recorded
    touches and closes move with them."""
    if not arrivals:
        return []
    days = (to - arrivals[0].at.date()).days
    offset = timedelta(weeks=-(-days // 7)) if days > 0 else -timedelta(weeks=-days // 7)

    def moved(at: datetime | None) -> datetime | None:
        return None if at is None else at + offset

    return [
        replace(
            a,
            at=a.at + offset,
            first_touch_at=moved(a.first_touch_at),
            closed_at=moved(a.closed_at),
        )
        for a in arrivals
    ]
