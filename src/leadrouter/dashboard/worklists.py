"""The lists people work from on the Work queues page: leads waiting in a fallback queue, leads
waiting for manual review, leads whose first-touch SLA is at risk or breached, and the reps a
lead may go to, ranked.

A lead's wait counts from its arrival, never from its latest decision, so a reroute that leaves
it in the queue does not hide how long it has waited. Reps are ranked available first, then by
load against capacity; an unavailable rep stays in the list (a person may overrule), named with
the reason, and never first. Reads only; nothing here writes or reads the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from leadrouter.codec import decision_from_dict
from leadrouter.explain import why
from leadrouter.leads.models import DecisionRow, LeadRow
from leadrouter.model import Kind
from leadrouter.reports.queries import has_sla_clocks
from leadrouter.reps.models import RepLoadRow, RepRow
from leadrouter.reps.service import availability
from leadrouter.sla.models import RUNNING, SlaClockRow
from leadrouter.sla.queue_alerts import waiting_in_fallback

LIST_LIMIT = 200  # each list shows the oldest leads first, this many at most
AT_RISK = timedelta(hours=1)  # a first-touch deadline this close, untouched, is at risk
CLOSED = ("won", "lost")
CSV_HEADER = (
    "lead_id",
    "email",
    "company",
    "where",
    "received_at_utc",
    "waiting_seconds",
    "deadline_utc",
    "why",
)


class Worklist(StrEnum):
    FALLBACK = "fallback"
    REVIEW = "review"
    AT_RISK = "at-risk"
    BREACHED = "breached"


TITLES = {
    Worklist.FALLBACK: "Fallback queue",
    Worklist.REVIEW: "Manual review",
    Worklist.AT_RISK: "SLA at risk",
    Worklist.BREACHED: "SLA breached",
}


@dataclass(frozen=True, slots=True)
class WorkItem:
    id: str
    email: str
    company: str
    where: str  # the queue it waits in, or the rep who has it
    owner: str | None  # the rep who has it (SLA lists), else None
    received_at: datetime
    wait: float  # seconds since arrival
    due: datetime | None  # first-touch deadline (SLA lists)
    why: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Candidate:
    id: str
    name: str
    open: int
    capacity: int | None
    why_not: str  # "" when available now

    @property
    def available(self) -> bool:
        return not self.why_not


def candidates(session: Session, now: datetime) -> tuple[Candidate, ...]:
    """Every rep, available ones first, then least loaded against capacity, then by name."""
    loads = {row.rep_id: row for row in session.scalars(select(RepLoadRow))}
    found = []
    for row in session.scalars(select(RepRow)):
        load, why_not = availability(row, loads.get(row.id), now)
        found.append(Candidate(row.id, row.name, load.open, row.max_open, why_not))

    def rank(c: Candidate) -> tuple[bool, float, int, str]:
        share = c.open / c.capacity if c.capacity else 0.0
        return (not c.available, share, c.open, c.name)

    return tuple(sorted(found, key=rank))


def worklist(
    session: Session, which: Worklist, now: datetime, target: timedelta
) -> tuple[WorkItem, ...]:
    """The leads of one list, oldest arrival first. `target`: the first-touch SLA for leads
    without an SLA clock (as the reports count it)."""
    if which in (Worklist.FALLBACK, Worklist.REVIEW):
        return _waiting(session, which, now)
    return _sla(session, which, now, target)


def counts(session: Session, now: datetime, target: timedelta) -> dict[Worklist, int]:
    """How many leads each list holds (up to `LIST_LIMIT`), for the page's tabs."""
    return {w: len(worklist(session, w, now, target)) for w in Worklist}


def _waiting(session: Session, which: Worklist, now: datetime) -> tuple[WorkItem, ...]:
    where = waiting_in_fallback() if which == Worklist.FALLBACK else LeadRow.kind == Kind.REVIEW
    rows = session.execute(
        select(
            LeadRow.id,
            LeadRow.raw,
            LeadRow.kind,
            LeadRow.queue,
            LeadRow.received_at,
            DecisionRow.body,
        )
        .join(DecisionRow, DecisionRow.id == LeadRow.decision_id)
        .where(where)
        .order_by(LeadRow.received_at, LeadRow.id)
        .limit(LIST_LIMIT)
    )
    return tuple(
        _item(
            lead_id,
            raw,
            f"{kind} {queue}",
            None,
            received,
            now,
            None,
            why(decision_from_dict(body)),
        )
        for lead_id, raw, kind, queue, received, body in rows
    )


def sla_condition(
    session: Session, now: datetime, target: timedelta, breached: bool
) -> tuple[ColumnElement[bool], ColumnElement[object]]:
    """(the condition on an open, untouched rep-owned lead of being breached, or at risk; its
    deadline): from running SLA clocks where the worker runs them, else `target` after
    arrival."""
    untouched = and_(
        LeadRow.kind == Kind.REP.value,
        LeadRow.first_touch_at.is_(None),
        or_(LeadRow.outcome.is_(None), LeadRow.outcome.not_in(CLOSED)),
    )
    if has_sla_clocks(session):
        deadline: ColumnElement[object] = SlaClockRow.deadline  # type: ignore[assignment]
        due = and_(SlaClockRow.state == RUNNING, SlaClockRow.lead_id == LeadRow.id)
        span = (
            SlaClockRow.deadline < now
            if breached
            else SlaClockRow.deadline.between(now, now + AT_RISK)
        )
        return and_(untouched, due, span), deadline
    if breached:
        span = LeadRow.received_at < now - target
    else:
        span = LeadRow.received_at.between(now - target, now - target + AT_RISK)
    return and_(untouched, span), LeadRow.received_at  # type: ignore[return-value]


def _sla(
    session: Session, which: Worklist, now: datetime, target: timedelta
) -> tuple[WorkItem, ...]:
    breached = which == Worklist.BREACHED
    condition, deadline = sla_condition(session, now, target, breached)
    clocks = has_sla_clocks(session)
    query = select(
        LeadRow.id, LeadRow.raw, LeadRow.owner, LeadRow.received_at, LeadRow.rule, deadline
    )
    if clocks:
        query = query.select_from(LeadRow).join(SlaClockRow, SlaClockRow.lead_id == LeadRow.id)
    rows = session.execute(
        query.where(condition).order_by(LeadRow.received_at, LeadRow.id).limit(LIST_LIMIT)
    )
    items = []
    for lead_id, raw, owner, received, rule, due in rows:
        deadline_at = due if clocks else received + target
        late = (now - deadline_at).total_seconds()
        note = f"{_span(late)} past the deadline" if late > 0 else f"due in {_span(-late)}"
        why_late = (f"not touched yet: {note}", f"routed by rule {rule}")
        items.append(
            _item(lead_id, raw, f"rep {owner}", owner, received, now, deadline_at, why_late)
        )
    return tuple(items)


def _item(
    lead_id: str,
    raw: dict[str, Any],
    where: str,
    owner: str | None,
    received: datetime,
    now: datetime,
    due: datetime | None,
    why: tuple[str, ...],
) -> WorkItem:
    """A list's line for a lead: its email and company as it arrived, its wait until `now`."""
    return WorkItem(
        lead_id,
        str(raw.get("email", "")),
        str(raw.get("company", "")),
        where,
        owner,
        received,
        (now - received).total_seconds(),
        due,
        why,
    )


def _span(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes / 60
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} days"
