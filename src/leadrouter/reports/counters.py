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
from typing import Any

from sqlalchemy import case, func, select
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


def _ends(session: Session, now: datetime, catch_up: int) -> dict[str, tuple[int, int]]:
    """Per source: (last id counted, last id to count now); equal when nothing is new."""
    marks = dict(session.execute(select(MetricMarkRow.source, MetricMarkRow.last_id)).all())
    ends = {}
    for source in (_DECISIONS, _SLA_EVENTS):
        mark = int(marks.get(source.name, 0))
        # The newest rows are few: scanning the primary key backwards from the end finds the
        # last settled one at once.
        newest = session.scalar(
            select(source.id).where(source.at <= now - SETTLE).order_by(source.id.desc()).limit(1)
        )
        ends[source.name] = (mark, min(max(mark, newest or 0), mark + catch_up))
    return ends


def _routed(session: Session, after: int, upto: int) -> dict[tuple[str, str], float]:
    seconds = queries.seconds_between(DecisionRow.at, LeadRow.received_at, session)
    buckets = [func.sum(case((seconds <= b, 1), else_=0)) for b in LATENCY_BUCKETS]
    rows = session.execute(
        select(DecisionRow.rule, DecisionRow.kind, func.count(), func.sum(seconds), *buckets)
        .join(LeadRow, LeadRow.id == DecisionRow.lead_id)
        .where(DecisionRow.id > after, DecisionRow.id <= upto, DecisionRow.cause == "new")
        .group_by(DecisionRow.rule, DecisionRow.kind)
    )
    delta: dict[tuple[str, str], float] = {}

    def add(name: str, labels: str, value: float) -> None:
        delta[name, labels] = delta.get((name, labels), 0.0) + value

    for rule, kind, count, total, *within in rows:
        add(ROUTED, f'rule="{label(rule or "")}",kind="{label(kind)}"', count)
        add(f"{LATENCY}_count", "", count)
        add(f"{LATENCY}_sum", "", float(total or 0.0))
        add(f"{LATENCY}_bucket", 'le="+Inf"', count)
        for bound, n in zip(LATENCY_BUCKETS, within, strict=True):
            add(f"{LATENCY}_bucket", _bucket(bound), n or 0)
    return delta


def _breaches(session: Session, after: int, upto: int) -> dict[tuple[str, str], float]:
    n = session.scalar(
        select(func.count()).where(
            SlaEventRow.id > after, SlaEventRow.id <= upto, SlaEventRow.reason == BREACHED
        )
    )
    return {(BREACHES, ""): float(n or 0)}


def _add(session: Session, delta: Mapping[tuple[str, str], float]) -> None:
    rows = [{"name": n, "labels": lab, "value": v} for (n, lab), v in delta.items() if v]
    if not rows:
        return
    insert = pg_insert if queries.is_postgres(session) else sqlite_insert
    statement = insert(MetricCountRow).values(rows)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["name", "labels"],
            set_={"value": MetricCountRow.value + statement.excluded.value},
        )
    )


def _mark(session: Session, marks: Sequence[tuple[str, int]]) -> None:
    insert = pg_insert if queries.is_postgres(session) else sqlite_insert
    statement = insert(MetricMarkRow).values([{"source": s, "last_id": i} for s, i in marks])
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["source"], set_={"last_id": statement.excluded.last_id}
        )
    )


def advance(db: Database, now: datetime, *, catch_up: int = CATCH_UP) -> bool:
    """Fold the decisions and SLA events added since the last call into the counters (at most
    `catch_up` ids of each); False when there was nothing new (then nothing was written)."""
    with db.read() as session:
        if all(mark == end for mark, end in _ends(session, now, catch_up).values()):
            return False

    def fold(session: Session) -> bool:
        if queries.is_postgres(session):
            # One folder at a time (the marks are read again under the lock); a scrape that
            # finds another folding skips the fold and shows the counters as they are.
            lock = func.pg_try_advisory_xact_lock(_LOCK_CLASS, func.hashtext(func.current_schema()))
            if not session.scalar(select(lock)):
                return False
        ends = _ends(session, now, catch_up)
        mark, end = ends[_DECISIONS.name]
        delta = _routed(session, mark, end) if end > mark else {}
        mark, end = ends[_SLA_EVENTS.name]
        if end > mark:
            delta |= _breaches(session, mark, end)
        _add(session, delta)
        _mark(session, [(name, end) for name, (_, end) in ends.items()])
        return True

    return db.write(fold)


# The advisory lock of `advance` on PostgreSQL, per schema: ("lrmt", the schema's hash).
_LOCK_CLASS = 0x6C726D74


def read(session: Session) -> dict[tuple[str, str], float]:
    """Every counter sample, (name, labels) -> value, zeros included."""
    samples = zero()
    samples.update({(n, lab): v for n, lab, v in session.execute(select(MetricCountRow.__table__))})
    return samples
