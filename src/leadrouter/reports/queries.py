"""The report figures read live from the store, for SQLite and PostgreSQL alike.

`live_groups` reads the leads of a time range as `window.Group`s in one grouped query (plus one
for SLA clocks where they run); every windowed figure is then a sum over groups, so the same
figure comes out whether its days are read here or from the rollups (`reports.rollups`). The
fallback queues are current state, not a window, and are read here directly. Reads only: nothing
here writes a row or reads the clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Interval, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from leadrouter.accounts.models import AccountRow
from leadrouter.codec import pool_state_of
from leadrouter.leads.models import LeadRow
from leadrouter.pools.models import PoolRow, PoolStateRow
from leadrouter.queues.models import QueueRow
from leadrouter.reports.figures import QUALIFIED_OUTCOMES, WON_OUTCOME, QueueAge, queue_age
from leadrouter.reports.window import Group
from leadrouter.sla.models import ENDED, LATE, MET, RUNNING, SlaClockRow
from leadrouter.sla.queue_alerts import waiting_in_fallback


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def seconds_between(later: Any, earlier: Any, session: Session) -> ColumnElement[Any]:
    """Seconds between two timestamp columns, to the millisecond, in this session's dialect."""
    if is_postgres(session):
        return func.round(func.extract("epoch", later - earlier), 3)
    # SQLite stores timestamps as ISO text; julianday reads it as fractional days.
    return func.round((func.julianday(later) - func.julianday(earlier)) * 86400.0, 3)


def touched_late(target: timedelta, session: Session) -> ColumnElement[bool]:
    """A lead first touched more than `target` after it arrived, its seconds counted to the
    millisecond as `seconds_between` gives them (untouched leads: NULL, never true)."""
    if not is_postgres(session):
        seconds = seconds_between(LeadRow.first_touch_at, LeadRow.received_at, session)
        return seconds > target.total_seconds()
    # The same test on the timestamps themselves, not on the rounded seconds, so that counting a
    # month's leads from the arrival index computes no number per lead: rounded to the
    # millisecond (half up), the seconds exceed the target from the next whole millisecond on.
    next_ms = timedelta(milliseconds=target // timedelta(milliseconds=1) + 1)
    edge = literal(next_ms - timedelta(microseconds=500), Interval())
    return LeadRow.first_touch_at >= LeadRow.received_at + edge


def utc_day(column: Any, session: Session) -> ColumnElement[Any]:
    """The UTC date of a timestamp column as YYYY-MM-DD text."""
    if is_postgres(session):
        return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD")
    return func.date(column)


KEYS = 8  # a group's key: day, rule, owner, pool, kind, queue, segment, source


def _keys(session: Session) -> list[ColumnElement[Any]]:
    return [
        utc_day(LeadRow.received_at, session).label("day"),
        LeadRow.rule,
        LeadRow.owner,
        LeadRow.pool,
        LeadRow.kind,
        LeadRow.queue,
        AccountRow.segment,
        func.lower(LeadRow.raw["source"].as_string()).label("source"),
    ]


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    # coalesce: SUM over no rows is NULL, and an empty group must count 0.
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def count_leads(session: Session, start: datetime, end: datetime) -> int:
    """Leads received in [start, end): an index-only count, cheaper than a window's groups."""
    query = select(func.count()).where(LeadRow.received_at >= start, LeadRow.received_at < end)
    return session.scalar(query) or 0


def has_sla_clocks(session: Session) -> bool:
    """Whether SLA clocks run here (the worker started at least one)."""
    return session.scalar(select(SlaClockRow.id).limit(1)) is not None


def live_groups(
    session: Session,
    start: datetime,
    end: datetime,
    now: datetime,
    target: timedelta,
    by_clocks: bool,
) -> list[Group]:
    """The leads received in [start, end) as groups, SLA counted as of `now`: from the SLA
    clocks' own deadlines when `by_clocks`, else every lead due `target` after it arrived."""
    postgres = is_postgres(session)
    keys = _keys(session)
    seconds = seconds_between(LeadRow.first_touch_at, LeadRow.received_at, session)
    touched = LeadRow.first_touch_at.is_not(None)
    if postgres:
        touch_list: ColumnElement[Any] = func.array_agg(seconds).filter(touched)
    else:
        touch_list = func.group_concat(seconds)  # NULL seconds (untouched) are skipped
    if by_clocks:
        sla_columns: list[ColumnElement[Any]] = []
    else:
        late = touched_late(target, session)
        # A lead is overdue once now > received_at + target, i.e. received_at < now - target.
        overdue = LeadRow.received_at < now - target
        untouched = LeadRow.first_touch_at.is_(None)
        pending = and_(untouched, ~overdue)
        sla_columns = [
            _count_if(and_(touched, ~late)),
            _count_if(or_(and_(touched, late), and_(untouched, overdue))),
            _count_if(pending),
            func.min(case((pending, LeadRow.received_at))),
        ]
    query = (
        select(
            *keys,
            func.count(),
            _count_if(LeadRow.outcome.in_(QUALIFIED_OUTCOMES)),
            _count_if(LeadRow.outcome == WON_OUTCOME),
            touch_list,
            *sla_columns,
        )
        .select_from(LeadRow)
        .outerjoin(AccountRow, AccountRow.id == LeadRow.account_id)
        .where(LeadRow.received_at >= start, LeadRow.received_at < end)
        .group_by(*keys)
    )
    clocks = _clock_counts(session, start, end, now, keys) if by_clocks else {}
    groups = []
    for row in session.execute(query):
        key = tuple(row[:KEYS])
        leads, qualified, won, touch_list_value = row[KEYS : KEYS + 4]
        if by_clocks:
            met, breached, pending_count, recheck = clocks.get(key, (0, 0, 0, None))
        else:
            met, breached, pending_count, first_pending = row[KEYS + 4 : KEYS + 8]
            recheck = None if first_pending is None else _aware(first_pending) + target
        groups.append(
            Group(
                *key,
                leads=leads,
                qualified=int(qualified),
                won=int(won),
                sla_met=int(met),
                sla_breached=int(breached),
                sla_pending=int(pending_count),
                touch_seconds=_seconds(touch_list_value),
                recheck_at=recheck,
            )
        )
    return groups


def _clock_counts(
    session: Session,
    start: datetime,
    end: datetime,
    now: datetime,
    keys: list[ColumnElement[Any]],
) -> dict[tuple[Any, ...], tuple[int, int, int, datetime | None]]:
    """Met, breached and pending SLA clocks per group key, and the earliest pending deadline.
    A clock that ended without a touch (the lead was moved) counts as breached only if its
    deadline had passed by then."""
    clock = SlaClockRow
    pending = and_(clock.state == RUNNING, clock.deadline >= now)
    overdue_end = and_(clock.state == ENDED, clock.ended_at > clock.deadline)
    query = (
        select(
            *keys,
            _count_if(clock.state == MET),
            _count_if(
                or_(
                    clock.state == LATE,
                    and_(clock.state == RUNNING, clock.deadline < now),
                    overdue_end,
                )
            ),
            _count_if(pending),
            func.min(case((pending, clock.deadline))),
        )
        .select_from(LeadRow)
        .join(clock, clock.lead_id == LeadRow.id)
        .outerjoin(AccountRow, AccountRow.id == LeadRow.account_id)
        .where(LeadRow.received_at >= start, LeadRow.received_at < end)
        .group_by(*keys)
    )
    return {
        tuple(row[:KEYS]): (
            int(row[KEYS]),
            int(row[KEYS + 1]),
            int(row[KEYS + 2]),
            None if row[KEYS + 3] is None else _aware(row[KEYS + 3]),
        )
        for row in session.execute(query)
    }


def _aware(value: datetime | str) -> datetime:
    # Aggregates lose the column type: SQLite hands back the stored ISO text, PostgreSQL a
    # timestamptz.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _seconds(value: Iterable[Any] | str | None) -> tuple[float, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(sorted(float(s) for s in value.split(",")))
    return tuple(sorted(float(s) for s in value))


def pool_weights(session: Session) -> dict[str, dict[str, int]]:
    """Each pool's members and their weights (1 where none is given), by pool id."""
    return {
        pool.id: {rep: int(pool.weights.get(rep, 1)) for rep in pool.members}
        for pool in session.scalars(select(PoolRow).order_by(PoolRow.id))
    }


def pool_calibration(session: Session) -> dict[str, dict[str, int]]:
    """Per pool, the leads calibration credited each member (only those credited any)."""
    found: dict[str, dict[str, int]] = {}
    for state in session.scalars(select(PoolStateRow)):
        baseline = pool_state_of(state.cursor, state.current).fairness.baseline
        credited = {rep: n for rep, n in baseline.items() if n}
        if credited:
            found[state.pool_id] = credited
    return found


def fallback_queues(session: Session, now: datetime) -> tuple[QueueAge, ...]:
    """Each fallback queue's waiting leads and how long they have waited since they arrived (a
    reroute that left a lead in the queue does not restart its wait)."""
    names = session.scalars(select(QueueRow.id).where(QueueRow.fallback).order_by(QueueRow.id))
    waiting: dict[str, list[datetime]] = {name: [] for name in names}
    rows = session.execute(select(LeadRow.queue, LeadRow.received_at).where(waiting_in_fallback()))
    for queue, at in rows:
        waiting[queue].append(at)
    return tuple(queue_age(queue, since, now) for queue, since in waiting.items())
