"""The lead explorer's filters: a period (a preset such as the last 30 days, or dates), rule,
rep, pool, queue, where the lead waits, SLA state, source, segment, outcome, and text search;
sorted by a column, one page at a time or every row for a CSV export.

The SLA states are the reports' own (`reports.queries`): counted from the SLA clocks where the
worker runs them, else from the default first-touch target after arrival; so the explorer opened
from an overview figure lists exactly the leads that figure counts. Reads only; `now` is given.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from leadrouter.accounts.models import AccountRow
from leadrouter.dashboard.worklists import sla_condition
from leadrouter.leads.models import LeadRow
from leadrouter.model import Kind
from leadrouter.reports.queries import has_sla_clocks, touched_late
from leadrouter.sla.models import ENDED, LATE, MET, RUNNING, SlaClockRow
from leadrouter.sla.queue_alerts import waiting_in_fallback

PAGE = 200  # rows shown on the page
CSV_MAX = 50_000  # rows in one CSV export
PERIODS = {
    "today": "today (UTC)",
    "7d": "last 7 days",
    "30d": "last 30 days",
    "90d": "last 90 days",
}
SLA_STATES = ("met", "breached", "pending", "at-risk")
SORTS = {
    "received": LeadRow.received_at,
    "email": LeadRow.email_key,
    "rule": LeadRow.rule,
    "rep": LeadRow.owner,
    "outcome": LeadRow.outcome,
}


@dataclass(frozen=True, slots=True)
class LeadFilter:
    """What the explorer's form and links send (query parameters of the same names)."""

    q: str = ""
    period: str = ""  # a PERIODS key; else `start`/`end`
    start: str = ""  # YYYY-MM-DD (from 00:00 UTC) or an ISO time
    end: str = ""  # YYYY-MM-DD (through 24:00 UTC) or an ISO time
    rule: str = ""
    rep: str = ""
    pool: str = ""
    queue: str = ""
    waiting: str = ""  # "fallback" or "review"
    sla: str = ""  # one of SLA_STATES
    source: str = ""
    segment: str = ""
    outcome: str = ""
    sort: str = "received"
    order: str = "desc"

    @classmethod
    def of(cls, params: Mapping[str, str]) -> LeadFilter:
        names = {f.name for f in fields(cls)}
        return cls(**{k: str(v).strip() for k, v in params.items() if k in names})

    def link(self, **changes: str) -> str:
        """This filter's query string, with `changes` (for sort headers and exports)."""
        chosen = replace(self, **changes)
        defaults = LeadFilter()
        return urlencode(
            {
                f.name: getattr(chosen, f.name)
                for f in fields(chosen)
                if getattr(chosen, f.name) != getattr(defaults, f.name)
            }
        )

    @property
    def active(self) -> bool:
        """Whether anything narrows the list (else the page shows the latest leads)."""
        return any(getattr(self, f.name) for f in fields(self) if f.name not in ("sort", "order"))

    def span(self, now: datetime) -> tuple[datetime | None, datetime | None]:
        """The period as [start, end) in UTC (None: open)."""
        if self.period == "today":
            return datetime.combine(now.date(), time(), UTC), now
        if self.period in PERIODS:
            return now - timedelta(days=int(self.period.removesuffix("d"))), now
        return _moment(self.start, False), _moment(self.end, True)


def _moment(text: str, end: bool) -> datetime | None:
    if not text:
        return None
    try:
        if len(text) == 10:
            day = date.fromisoformat(text) + timedelta(days=1 if end else 0)
            return datetime.combine(day, time(), UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def conditions(
    session: Session, wanted: LeadFilter, now: datetime, target: timedelta
) -> list[ColumnElement[bool]]:
    """The SQL conditions on `LeadRow` of a filter."""
    found: list[ColumnElement[bool]] = []
    start, end = wanted.span(now)
    if start is not None:
        found.append(LeadRow.received_at >= start)
    if end is not None:
        found.append(LeadRow.received_at < end)
    for name, column in (
        ("rule", LeadRow.rule),
        ("rep", LeadRow.owner),
        ("pool", LeadRow.pool),
        ("queue", LeadRow.queue),
        ("outcome", LeadRow.outcome),
    ):
        value = getattr(wanted, name)
        if value == "none":
            found.append(column.is_(None))
        elif value:
            found.append(column == value)
    if wanted.waiting == "fallback":
        found.append(waiting_in_fallback())
    elif wanted.waiting == "review":
        found.append(LeadRow.kind == Kind.REVIEW.value)
    if wanted.source:
        found.append(func.lower(LeadRow.raw["source"].as_string()) == wanted.source.lower())
    if wanted.segment:
        segment = select(AccountRow.id).where(AccountRow.segment == wanted.segment)
        found.append(LeadRow.account_id.in_(segment))
    if wanted.sla in SLA_STATES:
        found.append(_sla(session, wanted.sla, now, target))
    needle = wanted.q.lower()
    if needle:
        company = func.lower(LeadRow.raw["company"].as_string())
        found.append(
            or_(
                LeadRow.email_key.startswith(needle, autoescape=True),
                company.contains(needle, autoescape=True),
                LeadRow.id == wanted.q,
            )
        )
    return found


def _sla(session: Session, state: str, now: datetime, target: timedelta) -> ColumnElement[bool]:
    """A lead in an SLA state as the reports count it."""
    if state == "at-risk":
        condition, _ = sla_condition(session, now, target, breached=False)
        if has_sla_clocks(session):
            clock = select(SlaClockRow.id).where(condition).exists()
            return clock
        return condition
    if has_sla_clocks(session):
        clock = SlaClockRow
        states = {
            "met": clock.state == MET,
            "breached": or_(
                clock.state == LATE,
                and_(clock.state == RUNNING, clock.deadline < now),
                and_(clock.state == ENDED, clock.ended_at > clock.deadline),
            ),
            "pending": and_(clock.state == RUNNING, clock.deadline >= now),
        }
        return exists().where(clock.lead_id == LeadRow.id, states[state])
    late = touched_late(target, session)
    touched = LeadRow.first_touch_at.is_not(None)
    untouched = LeadRow.first_touch_at.is_(None)
    overdue = LeadRow.received_at < now - target
    return {
        "met": and_(touched, ~late),
        "breached": or_(and_(touched, late), and_(untouched, overdue)),
        "pending": and_(untouched, ~overdue),
    }[state]


def _select(session: Session, wanted: LeadFilter, now: datetime, target: timedelta) -> Select[Any]:
    column = SORTS.get(wanted.sort, LeadRow.received_at)
    ordered = column.asc() if wanted.order == "asc" else column.desc()
    if column is not LeadRow.received_at:
        # Blanks last; not on the arrival time, never blank, whose index then serves the order.
        ordered = ordered.nulls_last()
    return (
        select(LeadRow)
        .where(*conditions(session, wanted, now, target))
        .order_by(ordered, LeadRow.id)
    )


def page(
    session: Session, wanted: LeadFilter, now: datetime, target: timedelta
) -> tuple[LeadRow, ...]:
    """The first `PAGE` leads of the filter, in its order."""
    return tuple(session.scalars(_select(session, wanted, now, target).limit(PAGE)))


def count(session: Session, wanted: LeadFilter, now: datetime, target: timedelta) -> int:
    """How many leads the filter finds."""
    query = (
        select(func.count()).select_from(LeadRow).where(*conditions(session, wanted, now, target))
    )
    return session.scalar(query) or 0


def previous(session: Session, wanted: LeadFilter, now: datetime, target: timedelta) -> int | None:
    """How many leads the same filter found over the period just before (None: no period)."""
    start, end = wanted.span(now)
    if start is None or end is None:
        return None
    length = end - start
    before = replace(wanted, period="", start=(start - length).isoformat(), end=start.isoformat())
    return count(session, before, now, target)


CSV_HEADER = (
    "lead_id",
    "received_at_utc",
    "email",
    "company",
    "source",
    "kind",
    "rep",
    "queue",
    "pool",
    "rule",
    "first_touch_at_utc",
    "seconds_to_first_touch",
    "outcome",
)


def csv_rows(
    session: Session, wanted: LeadFilter, now: datetime, target: timedelta
) -> Iterator[tuple[Any, ...]]:
    """Every lead of the filter (up to `CSV_MAX`) as a CSV row of `CSV_HEADER`."""
    for lead in session.scalars(_select(session, wanted, now, target).limit(CSV_MAX)):
        touch = lead.first_touch_at
        yield (
            lead.id,
            lead.received_at.isoformat(),
            lead.raw.get("email", ""),
            lead.raw.get("company", ""),
            lead.raw.get("source", ""),
            lead.kind or "",
            lead.owner or "",
            lead.queue or "",
            lead.pool or "",
            lead.rule or "",
            touch.isoformat() if touch else "",
            round((touch - lead.received_at).total_seconds()) if touch else "",
            lead.outcome or "",
        )
