"""Daily rollups of the report figures: whole UTC days before today stored as groups
(`reports.models`), so a 30-day window reads ~30 days of small rows plus two partial days live.

`refresh` computes the days a window needs, lazily and idempotently: a page view, `leadrouter
report` or the worker may call it, and it writes only when a day is missing or stale. A stored
day goes stale when a row that can change its leads' figures is added after it was computed (a
touch, an outcome, a decision, an SLA event, a lead's audit entry: found by their ids, which only
grow), when one of its pending SLAs falls due, or when the SLA basis changes (another target, or
SLA clocks started running). `load_window` then reads usable days from the rollups and the rest
live, so figures equal the live computation at every moment. Never touches the routing tables.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from leadrouter.audit.models import AuditRow
from leadrouter.leads.models import DecisionRow, LeadRow, OutcomeRow, TouchRow
from leadrouter.reports import queries
from leadrouter.reports.models import FigureDayRow, FigureMarkRow, FigureRow
from leadrouter.reports.window import Group, Window, earliest_recheck
from leadrouter.sla.models import SlaEventRow
from leadrouter.store import Database

DAY = timedelta(days=1)
MARKS = 1  # the id of the one FigureMarkRow
# Tables whose new rows change the figures of their lead's day: (mark column, id, lead id).
_SOURCES: tuple[tuple[str, Any, Any], ...] = (
    ("touches", TouchRow.id, TouchRow.lead_id),
    ("outcomes", OutcomeRow.id, OutcomeRow.lead_id),
    ("decisions", DecisionRow.id, DecisionRow.lead_id),
    ("sla_events", SlaEventRow.id, SlaEventRow.lead_id),
    ("audit", AuditRow.id, AuditRow.entity_id),
)


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def full_days(start: datetime, end: datetime) -> list[date]:
    """The UTC days lying wholly inside [start, end)."""
    first = start.astimezone(UTC).date()
    if day_start(first) < start:
        first += DAY
    days = []
    while day_start(first) + DAY <= end:
        days.append(first)
        first += DAY
    return days


def _usable(row: FigureDayRow, now: datetime, target: timedelta, by_clocks: bool) -> bool:
    same_basis = row.by_clocks == by_clocks and (
        by_clocks or row.sla_target_seconds == target.total_seconds()
    )
    return same_basis and (row.recheck_at is None or now < row.recheck_at)


def _stored(session: Session, days: Sequence[date]) -> dict[date, FigureDayRow]:
    if not days:
        return {}
    rows = session.scalars(
        select(FigureDayRow).where(FigureDayRow.day >= days[0], FigureDayRow.day <= days[-1])
    )
    return {row.day: row for row in rows}


@dataclass(frozen=True, slots=True)
class _Plan:
    marks: dict[str, int | None]  # the highest id of each source table now
    drop: frozenset[date]  # stored days that new rows changed
    compute: tuple[date, ...]  # days of the window to (re)compute

    def __bool__(self) -> bool:
        return bool(self.drop or self.compute)


def _current_marks(session: Session) -> dict[str, int | None]:
    row = session.execute(
        select(*(select(func.max(column)).scalar_subquery() for _, column, _ in _SOURCES))
    ).one()
    return {name: value for (name, _, _), value in zip(_SOURCES, row, strict=True)}


def _changed_days(
    session: Session, since: FigureMarkRow | None, now_marks: dict[str, int | None]
) -> set[date]:
    """The UTC days of the leads that rows added since `since` belong to."""
    if since is None:  # first refresh: every day is computed fresh, nothing is stale yet
        return set()
    days: set[date] = set()
    day = queries.utc_day(LeadRow.received_at, session)
    for name, column, lead_id in _SOURCES:
        before, now = getattr(since, name) or 0, now_marks[name]
        if now is None or now <= before:
            continue
        query = (
            select(day)
            .distinct()
            .select_from(column.table)
            .join(LeadRow, LeadRow.id == lead_id)
            .where(column > before, column <= now)
        )
        if name == "audit":
            query = query.where(AuditRow.entity == "lead")
        days.update(date.fromisoformat(d) for d in session.scalars(query))
    return days


def _plan(
    session: Session, days: Sequence[date], now: datetime, target: timedelta, by_clocks: bool
) -> _Plan:
    marks = _current_marks(session)
    changed = _changed_days(session, session.get(FigureMarkRow, MARKS), marks)
    stored = _stored(session, days)
    compute = tuple(
        d
        for d in days
        if d in changed or d not in stored or not _usable(stored[d], now, target, by_clocks)
    )
    stored_changed = set(
        session.scalars(select(FigureDayRow.day).where(FigureDayRow.day.in_(changed)))
        if changed
        else ()
    )
    return _Plan(marks, frozenset(stored_changed), compute)


def _runs(days: Sequence[date]) -> Iterator[tuple[date, date]]:
    """Consecutive days as (first, last) runs, so each run is one live query."""
    first = last = None
    for day in days:
        if last is not None and day == last + DAY:
            last = day
            continue
        if first is not None and last is not None:
            yield first, last
        first = last = day
    if first is not None and last is not None:
        yield first, last


def _lock_marks(session: Session) -> FigureMarkRow:
    """The marks row, locked: one refresh at a time writes rollups."""
    insert = pg_insert if queries.is_postgres(session) else sqlite_insert
    session.execute(insert(FigureMarkRow).values(id=MARKS).on_conflict_do_nothing())
    return session.scalars(
        select(FigureMarkRow).where(FigureMarkRow.id == MARKS).with_for_update()
    ).one()


def _apply(
    session: Session,
    plan: _Plan,
    now: datetime,
    target: timedelta,
    by_clocks: bool,
    refresh: str,
) -> None:
    gone = sorted(plan.drop | set(plan.compute))
    if gone:
        session.execute(delete(FigureRow).where(FigureRow.day.in_(gone)))
        session.execute(delete(FigureDayRow).where(FigureDayRow.day.in_(gone)))
    for first, last in _runs(plan.compute):
        by_day: dict[str, list[Group]] = defaultdict(list)
        for group in queries.live_groups(
            session, day_start(first), day_start(last) + DAY, now, target, by_clocks
        ):
            by_day[group.day].append(group)
        day = first
        while day <= last:
            groups = by_day.get(day.isoformat(), [])
            session.add_all(_row(day, g) for g in groups)
            session.add(
                FigureDayRow(
                    day=day,
                    computed_at=now,
                    by_clocks=by_clocks,
                    sla_target_seconds=target.total_seconds(),
                    recheck_at=earliest_recheck(groups),
                    refresh=refresh,
                )
            )
            day += DAY


# What a stored rollup row and a window's Group hold alike, by the same names (the day and the
# touch times change type between them).
_SHARED = (
    "rule",
    "owner",
    "pool",
    "kind",
    "queue",
    "segment",
    "source",
    "leads",
    "qualified",
    "won",
    "sla_met",
    "sla_breached",
    "sla_pending",
)


def _row(day: date, g: Group) -> FigureRow:
    shared = {name: getattr(g, name) for name in _SHARED}
    return FigureRow(day=day, touch_seconds=list(g.touch_seconds), **shared)


def refresh(db: Database, now: datetime, since: timedelta, target: timedelta) -> int:
    """Store the rollups of every whole day of the `since` before `now` that is missing or
    stale, SLA counted against `target` (or the SLA clocks, where they run); returns the number
    of days computed. Cheap (a few indexed reads, no write) when nothing changed."""
    today = day_start(now.astimezone(UTC).date())
    days = full_days(now - since, today)
    with db.read() as session:
        by_clocks = queries.has_sla_clocks(session)
        if not _plan(session, days, now, target, by_clocks):
            return 0

    def work(session: Session) -> int:
        marks = _lock_marks(session)
        plan = _plan(session, days, now, target, by_clocks)
        _apply(session, plan, now, target, by_clocks, uuid.uuid4().hex)
        for name, value in plan.marks.items():
            setattr(marks, name, value)
        return len(plan.compute)

    return db.write(work)


class _DayCache:
    """Stored days' groups by (day, refresh id): a stored day never changes under the same
    refresh id, so pages after the first read only the days' headers, not their rows."""

    def __init__(self, size: int) -> None:
        self._days: OrderedDict[tuple[date, str], tuple[Group, ...]] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def groups(self, session: Session, days: Mapping[date, str]) -> list[Group]:
        """The groups of `days` (day -> refresh id), reading only the missing ones."""
        with self._lock:
            cached = {key: self._days.get(key) for key in days.items()}
        missing = [day for (day, _), groups in cached.items() if groups is None]
        if missing:
            read: dict[date, list[Group]] = {day: [] for day in missing}
            rows = session.execute(
                select(*_FIGURE_COLUMNS).where(
                    FigureRow.day >= min(missing), FigureRow.day <= max(missing)
                )
            )
            for row in rows:
                if row.day in read:
                    read[row.day].append(_group(row))
            for day, groups in read.items():
                cached[(day, days[day])] = tuple(groups)
        with self._lock:
            for key, groups in cached.items():
                self._days[key] = groups  # type: ignore[assignment]
                self._days.move_to_end(key)
            while len(self._days) > self._size:
                self._days.popitem(last=False)
        return [g for groups in cached.values() for g in groups or ()]


_cache = _DayCache(size=400)
_FIGURE_COLUMNS = (
    FigureRow.day,
    FigureRow.rule,
    FigureRow.owner,
    FigureRow.pool,
    FigureRow.kind,
    FigureRow.queue,
    FigureRow.segment,
    FigureRow.source,
    FigureRow.leads,
    FigureRow.qualified,
    FigureRow.won,
    FigureRow.sla_met,
    FigureRow.sla_breached,
    FigureRow.sla_pending,
    FigureRow.touch_seconds,
)


def load_window(
    session: Session, start: datetime, end: datetime, now: datetime, target: timedelta
) -> Window:
    """The leads received in [start, end) as groups, SLA as of `now`: usable stored days from
    the rollups, everything else (partial days, days not rolled up) read live."""
    by_clocks = queries.has_sla_clocks(session)
    stored = {
        day: row.refresh
        for day, row in _stored(session, full_days(start, end)).items()
        if _usable(row, now, target, by_clocks)
    }
    groups = _cache.groups(session, stored) if stored else []
    cursor = start
    for day in sorted(stored):
        if cursor < day_start(day):
            groups.extend(
                queries.live_groups(session, cursor, day_start(day), now, target, by_clocks)
            )
        cursor = day_start(day) + DAY
    if cursor < end:
        groups.extend(queries.live_groups(session, cursor, end, now, target, by_clocks))
    return Window(tuple(groups))


def _group(row: Any) -> Group:
    shared = {name: getattr(row, name) for name in _SHARED}
    return Group(day=row.day.isoformat(), touch_seconds=tuple(row.touch_seconds), **shared)
