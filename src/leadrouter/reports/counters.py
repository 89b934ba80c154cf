"""The `/metrics` counters, kept in the database and advanced by what was added since last time.

Leads routed (by rule and kind), the routing-latency histogram and SLA breaches are Prometheus
counters: totals since the database began. Instead of recomputing them over a window at every
scrape, `advance` folds in only the decisions and SLA events added since the last fold (their
ids only grow; `metric_marks` holds the last id counted), so a scrape's cost depends on the
leads routed since the previous scrape, not on how many the database holds, and every server
process reports the same numbers. A row is folded once it is `SETTLE` old: a transaction that
took its ids earlier but commits later (a manual assignment beside routing's turn) is not
skipped. At most `CATCH_UP` ids are folded per call, so the first scrape of a large database
does not stall (the counters catch up over the next scrapes). Never touches the routing tables'
writes; reads them by primary key only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Float, Select, bindparam, case, cast, func, literal, select, union_all
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from leadrouter.leads.models import DecisionRow, LeadRow
from leadrouter.reports import queries
from leadrouter.reports.models import MetricCountRow, MetricMarkRow
from leadrouter.sla.models import SlaEventRow
from leadrouter.store import Database

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
ROUTED = "leadrouter_leads_routed_total"
LATENCY = "leadrouter_routing_latency_seconds"
BREACHES = "leadrouter_sla_breaches_total"
POOL_LEADS = "leadrouter_pool_leads_total"
SETTLE = timedelta(seconds=2)
CATCH_UP = 50_000
BREACHED = "SLA_BREACHED"


def label(value: str) -> str:
    """A label value escaped for the exposition format."""
    return value.replace("\\", r"\\").replace('"', r"\"").replace("\n", r"\n")


def _bucket(bound: float) -> str:
    return f'le="{bound}"'


def zero() -> dict[tuple[str, str], float]:
    """The samples every scrape shows even before anything was counted."""
    samples = {(f"{LATENCY}_bucket", _bucket(b)): 0.0 for b in LATENCY_BUCKETS}
    samples |= {(f"{LATENCY}_bucket", 'le="+Inf"'): 0.0, (f"{LATENCY}_sum", ""): 0.0}
    samples |= {(f"{LATENCY}_count", ""): 0.0, (BREACHES, ""): 0.0}
    return samples


@dataclass(frozen=True, slots=True)
class _Source:
    name: str  # the mark's key
    id: Any
    at: Any


_DECISIONS = _Source("decisions", DecisionRow.id, DecisionRow.at)
_SLA_EVENTS = _Source("sla_events", SlaEventRow.id, SlaEventRow.at)


Part = Select[tuple[str, str, str, float]]
"""A select of (part, name, labels, value) rows: what one scrape reads, in one statement."""


def _value(column: Any) -> Any:
    return cast(column, Float)


def _parts() -> list[Part]:
    """The counters and, per source, the last id counted and the last id settled by
    `:settled`. Built once: a scrape only binds the time."""
    parts: list[Part] = [
        select(
            literal("count"),
            MetricCountRow.name,
            MetricCountRow.labels,
            _value(MetricCountRow.value),
        )
    ]
    settled = bindparam("settled")
    for source in (_DECISIONS, _SLA_EVENTS):
        mark = select(MetricMarkRow.last_id).where(MetricMarkRow.source == source.name)
        # The newest rows are few: scanning the primary key backwards from the end finds the
        # last settled one at once.
        newest = select(source.id).where(source.at <= settled).order_by(source.id.desc())
        parts.append(
            select(
                literal("mark"), literal(source.name), literal(""), _value(mark.scalar_subquery())
            )
        )
        parts.append(
            select(
                literal("newest"),
                literal(source.name),
                literal(""),
                _value(newest.limit(1).scalar_subquery()),
            )
        )
    return parts


_PARTS = _parts()


@lru_cache(maxsize=8)
def _reading(extra: tuple[Part, ...]) -> Any:
    return union_all(*_PARTS, *extra)


@dataclass(frozen=True, slots=True)
class Reading:
    """What one statement read: the counter samples (zeros included), per source the ids to
    fold (last counted, last to count), and the rows of the caller's own parts."""

    samples: dict[tuple[str, str], float]
    ends: dict[str, tuple[int, int]]
    rows: tuple[tuple[str, str, str, float], ...]
    folded: bool = False  # whether this reading counted new rows

    @property
    def behind(self) -> bool:
        return any(mark < end for mark, end in self.ends.values())


def _read(session: Session, now: datetime, extra: Sequence[Part], catch_up: int) -> Reading:
    samples = zero()
    marks: dict[str, int] = {}
    newest: dict[str, int] = {}
    rows = []
    statement = _reading(tuple(extra))
    for part, name, labels, value in session.execute(statement, {"settled": now - SETTLE}):
        if part == "count":
            samples[name, labels] = value
        elif part == "mark":
            marks[name] = int(value or 0)
        elif part == "newest":
            newest[name] = int(value or 0)
        else:
            rows.append((part, name, labels, value))
    ends = {
        name: (mark, min(max(mark, newest.get(name, 0)), mark + catch_up))
        for name in (_DECISIONS.name, _SLA_EVENTS.name)
        for mark in (marks.get(name, 0),)
    }
    return Reading(samples, ends, tuple(rows))


_ROUTED: dict[bool, Any] = {}  # the query below, built once per dialect (postgres or not)


def _routed_query(session: Session) -> Any:
    """New first decisions by rule, kind, pool and owner: count, latency sum, and how many fell
    in each bucket, for the ids in (`:after`, `:upto`]. One pass over the decisions and their
    leads serves both the routed counters and the pool-leads counter (the join is what a fold
    costs)."""
    postgres = queries.is_postgres(session)
    if postgres in _ROUTED:
        return _ROUTED[postgres]
    seconds = queries.seconds_between(DecisionRow.at, LeadRow.received_at, session)
    buckets = [func.sum(case((seconds <= b, 1), else_=0)) for b in LATENCY_BUCKETS]
    _ROUTED[postgres] = query = (
        select(
            DecisionRow.rule,
            DecisionRow.kind,
            LeadRow.pool,
            DecisionRow.owner,
            func.count(),
            func.sum(seconds),
            *buckets,
        )
        .join(LeadRow, LeadRow.id == DecisionRow.lead_id)
        .where(
            DecisionRow.id > bindparam("after"),
            DecisionRow.id <= bindparam("upto"),
            DecisionRow.cause == "new",
        )
        .group_by(DecisionRow.rule, DecisionRow.kind, LeadRow.pool, DecisionRow.owner)
    )
    return query


_BREACHES = select(func.count()).where(
    SlaEventRow.id > bindparam("after"),
    SlaEventRow.id <= bindparam("upto"),
    SlaEventRow.reason == BREACHED,
)


def _routed(session: Session, after: int, upto: int) -> dict[tuple[str, str], float]:
    query = _routed_query(session)
    rows = session.execute(query, {"after": after, "upto": upto})
    delta: dict[tuple[str, str], float] = {}

    def add(name: str, labels: str, value: float) -> None:
        delta[name, labels] = delta.get((name, labels), 0.0) + value

    for rule, kind, pool, owner, count, total, *within in rows:
        add(ROUTED, f'rule="{label(rule or "")}",kind="{label(kind)}"', count)
        add(f"{LATENCY}_count", "", count)
        add(f"{LATENCY}_sum", "", float(total or 0.0))
        add(f"{LATENCY}_bucket", 'le="+Inf"', count)
        for bound, n in zip(LATENCY_BUCKETS, within, strict=True):
            add(f"{LATENCY}_bucket", _bucket(bound), n or 0)
        # Leads each rep took through each pool: what fairness is judged from.
        if kind == "rep" and pool is not None:
            add(POOL_LEADS, f'pool="{label(pool)}",rep="{label(owner or "")}"', count)
    return delta


def _breaches(session: Session, after: int, upto: int) -> dict[tuple[str, str], float]:
    n = session.scalar(_BREACHES, {"after": after, "upto": upto})
    return {(BREACHES, ""): float(n or 0)}


@lru_cache(maxsize=2)
def _upserts(postgres: bool) -> tuple[Any, Any]:
    """(add to a counter, move a mark): one statement each, run with a list of rows."""
    insert = pg_insert if postgres else sqlite_insert
    counts = insert(MetricCountRow)
    marks = insert(MetricMarkRow)
    return (
        counts.on_conflict_do_update(
            index_elements=["name", "labels"],
            set_={"value": MetricCountRow.value + counts.excluded.value},
        ),
        marks.on_conflict_do_update(
            index_elements=["source"], set_={"last_id": marks.excluded.last_id}
        ),
    )


def _add(session: Session, delta: Mapping[tuple[str, str], float]) -> None:
    rows = [{"name": n, "labels": lab, "value": v} for (n, lab), v in delta.items() if v]
    if rows:
        session.execute(_upserts(queries.is_postgres(session))[0], rows)


def _mark(session: Session, marks: Sequence[tuple[str, int]]) -> None:
    rows = [{"source": s, "last_id": i} for s, i in marks]
    session.execute(_upserts(queries.is_postgres(session))[1], rows)


def advance(
    db: Database, now: datetime, *, extra: Sequence[Part] = (), catch_up: int = CATCH_UP
) -> Reading:
    """Fold the decisions and SLA events added since the last call into the counters (at most
    `catch_up` ids of each), and read the counters and the rows of `extra` (parts of the same
    shape: a caller's gauges). One statement when nothing is new (then nothing is written)."""
    with db.read() as session:
        before = _read(session, now, extra, catch_up)
    if not before.behind:
        return before

    def fold(session: Session) -> Reading:
        if queries.is_postgres(session):
            # One folder at a time (the marks are read again under the lock); a scrape that
            # finds another folding shows the counters as they were. The commit need not wait
            # for the disk: a crash loses the fold and its marks together, and the next scrape
            # folds those rows again.
            lock = func.pg_try_advisory_xact_lock(_LOCK_CLASS, func.hashtext(func.current_schema()))
            lazily = func.set_config("synchronous_commit", "off", True)
            if not session.execute(select(lock, lazily)).scalar():
                return before
        reading = _read(session, now, extra, catch_up)
        mark, end = reading.ends[_DECISIONS.name]
        delta = _routed(session, mark, end) if end > mark else {}
        mark, end = reading.ends[_SLA_EVENTS.name]
        if end > mark:
            delta |= _breaches(session, mark, end)
        _add(session, delta)
        _mark(session, [(name, end) for name, (_, end) in reading.ends.items()])
        samples = dict(reading.samples)
        for key, value in delta.items():
            samples[key] = samples.get(key, 0.0) + value
        ends = {name: (end, end) for name, (_, end) in reading.ends.items()}
        return Reading(samples, ends, reading.rows, folded=True)

    return db.write(fold)


# The advisory lock of `advance` on PostgreSQL, per schema: ("lrmt", the schema's hash).
_LOCK_CLASS = 0x6C726D74


def read(session: Session, now: datetime) -> dict[tuple[str, str], float]:
    """Every counter sample as stored, (name, labels) -> value, zeros included."""
    return _read(session, now, (), CATCH_UP).samples
