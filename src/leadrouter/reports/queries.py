"""The report figures computed by the database, for SQLite and PostgreSQL alike.

Each function gives the same answer as its pure counterpart in `reports.figures` over the same
leads (the tests check this on both databases): counts and groupings run in SQL; percentiles run
as `percentile_cont` on PostgreSQL and, on SQLite (which has none), over the few fetched seconds
with `figures.percentile`. Reads only: nothing here writes a row or reads the clock.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, literal_column, or_, select
from sqlalchemy.orm import Session

from leadrouter.accounts.models import AccountRow
from leadrouter.leads.models import DecisionRow, LeadRow
from leadrouter.pools.models import PoolRow
from leadrouter.queues.models import QueueRow
from leadrouter.reports.figures import (
    QUALIFIED_OUTCOMES,
    WON_OUTCOME,
    Conversion,
    FairShare,
    QueueAge,
    SlaCompliance,
    SpeedToLead,
    fair_shares,
    percentile,
    queue_age,
)
from leadrouter.sla.models import ENDED, LATE, MET, RUNNING, SlaClockRow

ALL = ""  # the group key of a figure over all leads, not split by any dimension


class Dimension(StrEnum):
    """What a figure can be split by."""

    RULE = "rule"
    SOURCE = "source"
    SEGMENT = "segment"
    REP = "rep"
    DAY = "day"


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def seconds_between(later: Any, earlier: Any, session: Session) -> ColumnElement[Any]:
    """Seconds between two timestamp columns, to the millisecond, in this session's dialect."""
    return _seconds(later, earlier, _postgres(session))


def _seconds(later: Any, earlier: Any, postgres: bool) -> ColumnElement[Any]:
    if postgres:
        return func.round(func.extract("epoch", later - earlier), 3)
    # SQLite stores timestamps as ISO text; julianday reads it as fractional days.
    return func.round((func.julianday(later) - func.julianday(earlier)) * 86400.0, 3)


def _key(dimension: Dimension | None, postgres: bool) -> ColumnElement[Any]:
    if dimension is None:
        return literal_column("''")
    if dimension is Dimension.RULE:
        return LeadRow.rule
    if dimension is Dimension.REP:
        return LeadRow.owner
    if dimension is Dimension.SEGMENT:
        return AccountRow.segment
    if dimension is Dimension.SOURCE:
        return func.lower(LeadRow.raw["source"].as_string())
    if postgres:
        return func.to_char(func.timezone("UTC", LeadRow.received_at), "YYYY-MM-DD")
    return func.date(LeadRow.received_at)


def _leads(
    start: datetime, end: datetime, key: ColumnElement[Any], *columns: Any, grouped: bool = True
) -> Select[Any]:
    """`key` and `columns` over leads received in [start, end), grouped by `key` unless it is
    the constant of an unsplit figure (PostgreSQL refuses to group by a constant)."""
    query = (
        select(key, *columns)
        .select_from(LeadRow)
        .outerjoin(AccountRow, AccountRow.id == LeadRow.account_id)
        .where(LeadRow.received_at >= start, LeadRow.received_at < end)
    )
    return query.group_by(key) if grouped else query


def count_leads(session: Session, start: datetime, end: datetime) -> int:
    """Leads received in [start, end)."""
    return (
        session.scalar(
            select(func.count()).where(LeadRow.received_at >= start, LeadRow.received_at < end)
        )
        or 0
    )


def speed_to_lead(
    session: Session, start: datetime, end: datetime, dimension: Dimension | None = None
) -> dict[str, SpeedToLead]:
    """Median and p90 time to first touch of leads received in [start, end), per group."""
    postgres = _postgres(session)
    key = _key(dimension, postgres).label("key")
    seconds = _seconds(LeadRow.first_touch_at, LeadRow.received_at, postgres)
    touched = LeadRow.first_touch_at.is_not(None)
    if postgres:
        rows = session.execute(
            _leads(
                start,
                end,
                key,
                func.count(),
                func.percentile_cont(0.5).within_group(seconds),
                func.percentile_cont(0.9).within_group(seconds),
                grouped=dimension is not None,
            ).where(touched)
        )
        return {
            k: SpeedToLead(n, _float(median), _float(p90))
            for k, n, median, p90 in rows
            if k is not None
        }
    groups: dict[str, list[float]] = defaultdict(list)
    for k, value in session.execute(_leads(start, end, key, seconds, grouped=False).where(touched)):
        if k is not None:
            groups[k].append(value)
    return {
        k: SpeedToLead(len(values), percentile(values, 0.5), percentile(values, 0.9))
        for k, values in groups.items()
    }


def sla_compliance(
    session: Session,
    start: datetime,
    end: datetime,
    now: datetime,
    target: timedelta,
    dimension: Dimension | None = None,
) -> dict[str, SlaCompliance]:
    """Met, breached and pending first touches of leads received in [start, end), per group,
    with every lead due `target` (wall clock) after it arrived."""
    postgres = _postgres(session)
    key = _key(dimension, postgres).label("key")
    limit = target.total_seconds()
    seconds = _seconds(LeadRow.first_touch_at, LeadRow.received_at, postgres)
    touched = LeadRow.first_touch_at.is_not(None)
    untouched = LeadRow.first_touch_at.is_(None)
    # A lead is overdue once now > received_at + target, i.e. received_at < now - target.
    overdue = LeadRow.received_at < now - target
    met = _count_if(and_(touched, seconds <= limit))
    breached = _count_if(or_(and_(touched, seconds > limit), and_(untouched, overdue)))
    pending = _count_if(and_(untouched, ~overdue))
    rows = session.execute(
        _leads(start, end, key, met, breached, pending, grouped=dimension is not None)
    )
    return {k: SlaCompliance(int(m), int(b), int(p)) for k, m, b, p in rows if k is not None}


def sla_clock_compliance(
    session: Session,
    start: datetime,
    end: datetime,
    now: datetime,
    dimension: Dimension | None = None,
) -> dict[str, SlaCompliance]:
    """Met, breached and pending SLA clocks (each with its own deadline, in business time) of
    leads received in [start, end), per group. A clock that ended without a touch (the lead was
    moved) counts as breached only if its deadline had passed by then."""
    postgres = _postgres(session)
    key = _key(dimension, postgres).label("key")
    clock = SlaClockRow
    overdue_end = and_(clock.state == ENDED, clock.ended_at > clock.deadline)
    met = _count_if(clock.state == MET)
    breached = _count_if(
        or_(clock.state == LATE, and_(clock.state == RUNNING, clock.deadline < now), overdue_end)
    )
    pending = _count_if(and_(clock.state == RUNNING, clock.deadline >= now))
    query = _leads(start, end, key, met, breached, pending, grouped=dimension is not None).join(
        clock, clock.lead_id == LeadRow.id
    )
    return {
        k: SlaCompliance(int(m), int(b), int(p))
        for k, m, b, p in session.execute(query)
        if k is not None
    }


def has_sla_clocks(session: Session) -> bool:
    """Whether SLA clocks run here (the worker started at least one)."""
    return session.scalar(select(SlaClockRow.id).limit(1)) is not None


def sla(
    session: Session,
    start: datetime,
    end: datetime,
    now: datetime,
    target: timedelta,
    dimension: Dimension | None = None,
) -> dict[str, SlaCompliance]:
    """SLA compliance from the SLA clocks where they run, else against the wall-clock `target`."""
    if has_sla_clocks(session):
        return sla_clock_compliance(session, start, end, now, dimension)
    return sla_compliance(session, start, end, now, target, dimension)


def conversion(
    session: Session, start: datetime, end: datetime, dimension: Dimension
) -> tuple[Conversion, ...]:
    """Leads received in [start, end), qualified and won, per group, ordered by key."""
    key = _key(dimension, _postgres(session)).label("key")
    qualified = _count_if(LeadRow.outcome.in_(QUALIFIED_OUTCOMES))
    won = _count_if(LeadRow.outcome == WON_OUTCOME)
    rows = session.execute(
        _leads(start, end, key, func.count(), qualified, won).where(key.is_not(None)).order_by(key)
    )
    return tuple(Conversion(k, n, int(q), int(w)) for k, n, q, w in rows)


def received_by_pool(session: Session, start: datetime, end: datetime) -> dict[str, dict[str, int]]:
    """Leads received in [start, end) and now owned through each pool, per pool and rep."""
    rows = session.execute(
        select(LeadRow.pool, LeadRow.owner, func.count())
        .where(
            LeadRow.received_at >= start,
            LeadRow.received_at < end,
            LeadRow.pool.is_not(None),
            LeadRow.owner.is_not(None),
        )
        .group_by(LeadRow.pool, LeadRow.owner)
    )
    received: dict[str, dict[str, int]] = defaultdict(dict)
    for pool, rep, n in rows:
        received[pool][rep] = n
    return received


def fairness(session: Session, start: datetime, end: datetime) -> dict[str, tuple[FairShare, ...]]:
    """Per pool, each member's leads received vs. their weighted fair share."""
    received = received_by_pool(session, start, end)
    return {
        pool.id: fair_shares(
            received.get(pool.id, {}), {rep: int(pool.weights.get(rep, 1)) for rep in pool.members}
        )
        for pool in session.scalars(select(PoolRow).order_by(PoolRow.id))
    }


def fallback_queues(session: Session, now: datetime) -> tuple[QueueAge, ...]:
    """Each fallback queue's waiting leads and how long they have waited since landing there."""
    names = session.scalars(select(QueueRow.id).where(QueueRow.fallback).order_by(QueueRow.id))
    waiting: dict[str, list[datetime]] = {name: [] for name in names}
    rows = session.execute(
        select(LeadRow.queue, DecisionRow.at)
        .join(DecisionRow, DecisionRow.id == LeadRow.decision_id)
        .where(LeadRow.kind == "queue", LeadRow.queue.in_(list(waiting)))
    )
    for queue, at in rows:
        waiting[queue].append(at)
    return tuple(queue_age(queue, since, now) for queue, since in waiting.items())


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    # coalesce: SUM over no rows is NULL, and an empty window must count 0.
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)
