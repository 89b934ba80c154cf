"""Leads: intake (raw payload stored first, in its own transaction), routing in a second
transaction, reroute, touches, outcomes and reads. `intake` takes batches: the leads that one
process receives at the same moment are stored in one transaction and routed in one more
(`leads/pipeline.py`), which is what lets two cores keep up with hundreds a second.

Storing before routing means a crash mid-routing loses nothing: the lead stays `received` and
the next request for it (a retry, or a reroute) routes it. The same Idempotency-Key or external
id never creates a second lead or a second decision, even when identical requests race: the
unique indexes stop the second insert (ON CONFLICT DO NOTHING), and routing claims the lead only
while it is still `received`, so the slower of two routings rolls back and answers with the other's.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Connection, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from leadrouter.audit import service as audit
from leadrouter.codec import decision_from_dict
from leadrouter.errors import Conflict, NotFound
from leadrouter.explain import describe
from leadrouter.leads import routing
from leadrouter.leads.models import (
    RECEIVED,
    ROUTED,
    DecisionRow,
    LeadRow,
    OutcomeRow,
    TouchRow,
)
from leadrouter.leads.schemas import (
    CLOSED,
    DecisionRead,
    DecisionSummary,
    LeadCreate,
    LeadRead,
    OutcomeCreate,
    TouchCreate,
    WarningRead,
)
from leadrouter.model import Kind
from leadrouter.policies.snapshot import ConfigCache
from leadrouter.store import Database
from leadrouter.store.rows import as_json, require_row

# Attempts that find the configuration moved since this process built it, each building it
# out of routing's turn; the last attempt builds in turn whatever moved again meanwhile.
CONFIG_ATTEMPTS = 3

# ON CONFLICT DO NOTHING waits for a racing insert of the same key to commit, then skips: no
# IntegrityError to recover from, and one statement whether the lead is new or a retry. Built
# once per dialect: statement construction costs more than the insert.
_INSERT_LEAD = {
    "postgresql": pg_insert(LeadRow.__table__).on_conflict_do_nothing().returning(LeadRow.id),
    "sqlite": sqlite_insert(LeadRow.__table__).on_conflict_do_nothing().returning(LeadRow.id),
}


Stored = tuple[routing.StoredLead, bool] | Conflict
Taken = tuple[DecisionSummary, bool] | Conflict
Routing = TypeVar("Routing")
Handle = TypeVar("Handle", Session, Connection)


def get_or_raise(*, session: Session, lead_id: str) -> LeadRow:
    return require_row(session, LeadRow, lead_id, "lead")


@dataclass(frozen=True, slots=True)
class Intake:
    """A request to store and route one lead, received at `now`."""

    lead_in: LeadCreate
    idempotency_key: str | None
    now: datetime


def store(*, db: Database, intakes: Sequence[Intake]) -> list[Stored]:
    """Insert the raw leads whose key or external id is not taken, committed on return; for each
    intake, (its stored lead, newly created) or the Conflict that stopped it."""
    fresh = [routing.StoredLead(uuid.uuid4().hex, i.lead_in.lead, i.now, RECEIVED) for i in intakes]
    rows = [
        {
            "id": lead.id,
            "idempotency_key": i.idempotency_key,
            "external_id": i.lead_in.external_id,
            "raw": lead.raw,
            "received_at": lead.received_at,
            "status": RECEIVED,
        }
        for lead, i in zip(fresh, intakes, strict=True)
    ]
    query = _INSERT_LEAD["postgresql" if db.postgres else "sqlite"]
    # Lazy: nobody hears of these leads before routing's `wait_for_disk`, which covers them.
    inserted = set(
        db.write_core(
            lambda connection: connection.execute(query, rows).scalars().all(), lazy_commit=True
        )
    )
    stored: list[Stored] = []
    for lead, i in zip(fresh, intakes, strict=True):
        if lead.id in inserted:
            stored.append((lead, True))
            continue
        try:  # a retry (or a key used twice within this batch): the lead stored first
            with db.read() as session:
                stored.append((_same(session, i.lead_in, i.idempotency_key), False))
        except Conflict as error:
            stored.append(error)
    return stored


def intake(*, db: Database, cache: ConfigCache, intakes: Sequence[Intake]) -> list[Taken]:
    """Store the leads, then route the new ones (and the unrouted repeats); for each intake, (its
    current decision, newly created) or the Conflict that stopped it."""
    stored = store(db=db, intakes=intakes)
    leads = [s[0] for s in stored if not isinstance(s, Conflict)]
    now = max(i.now for i in intakes)
    summaries = iter(route_stored(db=db, cache=cache, leads=leads, now=now) if leads else ())
    return [s if isinstance(s, Conflict) else (next(summaries), s[1]) for s in stored]


def route_stored(
    *, db: Database, cache: ConfigCache, leads: Sequence[routing.StoredLead], now: datetime
) -> list[DecisionSummary]:
    """Route the stored leads not routed yet, one after another in one transaction; for each
    lead, its current decision.

    Leads come in the order they arrived, so each is decided exactly as its own transaction
    would have decided it; a lead routed already (a retry) answers with the decision it has.
    """
    unrouted = list({lead.id: lead for lead in leads if lead.status != ROUTED}.values())
    summaries: dict[str, DecisionSummary] = {}
    if unrouted:
        try:
            routed = _write_routed(
                lambda work: db.write_core(work, lazy_commit=True),
                lambda connection, lock: routing.decide(
                    connection, cache, unrouted, now, cause="new", lock=lock
                ),
                _refresher(db, cache),
            )
            summaries = {r.lead_id: _summary(r) for r in routed}
        except routing.AlreadyRouted:
            # A racing retry of one of these leads, in another process, routed it first.
            if len(unrouted) > 1:  # route each on its own: only that one loses
                summaries = {
                    lead.id: route_stored(db=db, cache=cache, leads=[lead], now=now)[0]
                    for lead in unrouted
                }
    for lead in leads:  # routed by an earlier request (or the racing one): its decision stands
        if lead.id not in summaries:
            with db.read() as session:
                summaries[lead.id] = summary(_current(session, lead.id))
    # The decisions and the leads' storing committed lazily; an answer promises they are kept.
    # One wait for the batch, after routing's turn: the disk holds up nobody else.
    db.wait_for_disk()
    return [summaries[lead.id] for lead in leads]


def receive(
    *, db: Database, lead_in: LeadCreate, idempotency_key: str | None, now: datetime
) -> tuple[str, bool]:
    """Store the raw lead, committed before any routing; returns (lead id, newly created)."""
    stored = store(db=db, intakes=[Intake(lead_in, idempotency_key, now)])[0]
    if isinstance(stored, Conflict):
        raise stored
    db.wait_for_disk()
    return stored[0].id, stored[1]


def route(*, db: Database, cache: ConfigCache, lead_id: str, now: datetime) -> DecisionSummary:
    """Route the stored lead unless it already was; the current decision either way."""
    with db.read() as session:
        lead = routing.stored(get_or_raise(session=session, lead_id=lead_id))
    return route_stored(db=db, cache=cache, leads=[lead], now=now)[0]


def reroute(
    *, db: Database, cache: ConfigCache, lead_id: str, now: datetime, actor: str
) -> DecisionSummary:
    """Route the lead again under the current configuration; a new decision, history kept."""

    def work(session: Session, lock: bool) -> routing.Routed:
        lead = _lock(session, lead_id)
        before = {"kind": lead.kind, "owner": lead.owner, "queue": lead.queue}
        if lead.status == ROUTED and lead.kind == Kind.REP and lead.outcome not in CLOSED:
            routing.move_load(session, lead.owner, None)
        (routed,) = routing.decide(
            session.connection(), cache, [routing.stored(lead)], now, cause="reroute", lock=lock
        )
        decision = routed.decision
        audit.record(
            session=session,
            actor=actor,
            action="reroute",
            entity="lead",
            entity_id=lead_id,
            at=now,
            before=before,
            after={"kind": decision.kind.value, "owner": decision.owner, "queue": decision.queue},
        )
        return routed

    return _summary(_write_routed(db.write, work, _refresher(db, cache)))


def assign(
    *,
    session: Session,
    lead_id: str,
    rep: str | None,
    queue: str | None,
    now: datetime,
    cause: str,
) -> None:
    """Move the lead to `rep` (or, with rep None, to `queue`) outside routing, keeping rep loads.

    The old owner gets one open lead fewer and the new one one more, unless the lead is closed
    (won or lost already released it). `cause` (an actor's name, or `sla`) goes into the audit
    log. No decision is added: the lead's decisions stay the routing history. Nothing committed.
    """
    lead = get_or_raise(session=session, lead_id=lead_id)
    before = {"kind": lead.kind, "owner": lead.owner, "queue": lead.queue}
    old = lead.owner if lead.kind == Kind.REP else None
    if rep is not None:
        lead.kind, lead.owner, lead.queue = Kind.REP.value, rep, None
    else:
        lead.kind, lead.owner, lead.queue = Kind.QUEUE.value, None, queue
    if lead.outcome not in CLOSED and old != rep:
        routing.move_load(session, old, rep)
    audit.record(
        session=session,
        actor=cause,
        action="assign",
        entity="lead",
        entity_id=lead_id,
        at=now,
        before=before,
        after={"kind": lead.kind, "owner": lead.owner, "queue": lead.queue},
    )


def read(*, session: Session, lead_id: str) -> LeadRead:
    row = get_or_raise(session=session, lead_id=lead_id)
    return LeadRead.model_validate(as_json(row) | {"raw": row.raw})


def current_decision(*, session: Session, lead_id: str) -> DecisionRead:
    return detail(_current(session, lead_id))


def decisions(*, session: Session, lead_id: str) -> list[DecisionRead]:
    """Every decision for the lead, oldest first."""
    get_or_raise(session=session, lead_id=lead_id)
    rows = session.scalars(
        select(DecisionRow).where(DecisionRow.lead_id == lead_id).order_by(DecisionRow.id)
    )
    return [detail(row) for row in rows]


def add_touch(*, session: Session, lead_id: str, touch_in: TouchCreate, now: datetime) -> TouchRow:
    """Record a rep's call, email or meeting; the first one stops the SLA clock."""
    lead = get_or_raise(session=session, lead_id=lead_id)
    at = touch_in.at or now
    row = TouchRow(
        lead_id=lead_id,
        rep=touch_in.rep or lead.owner,
        channel=touch_in.channel.value,
        at=at,
        note=touch_in.note,
    )
    session.add(row)
    if lead.first_touch_at is None or at < lead.first_touch_at:
        lead.first_touch_at = at
    session.flush()
    return row


def set_outcome(
    *, session: Session, lead_id: str, outcome_in: OutcomeCreate, now: datetime
) -> LeadRead:
    """Record how the lead turned out; won or lost closes it and frees the owner's capacity."""
    lead = _lock(session, lead_id)
    closes = outcome_in.outcome in CLOSED and lead.outcome not in CLOSED
    if closes and lead.kind == Kind.REP:
        routing.move_load(session, lead.owner, None)
    session.add(
        OutcomeRow(
            lead_id=lead_id,
            outcome=outcome_in.outcome.value,
            amount=outcome_in.amount,
            at=outcome_in.at or now,
        )
    )
    lead.outcome = outcome_in.outcome.value
    if outcome_in.amount is not None:
        lead.amount = outcome_in.amount
    session.flush()
    return LeadRead.model_validate(as_json(lead) | {"raw": lead.raw})


def summary(row: DecisionRow) -> DecisionSummary:
    return _summary(routing.Routed(row.id, row.lead_id, row.at, decision_from_dict(row.body)))


def detail(row: DecisionRow) -> DecisionRead:
    base = summary(row)
    return DecisionRead(**base.model_dump(), cause=row.cause, trace=row.body["trace"])


def _summary(routed: routing.Routed) -> DecisionSummary:
    decision = routed.decision
    score = decision.trace.score
    return DecisionSummary(
        lead_id=routed.lead_id,
        decision_id=routed.decision_id,
        kind=decision.kind.value,
        owner=decision.owner,
        queue=decision.queue,
        pool=decision.pool,
        rule=decision.rule,
        score=score.total if score is not None else None,
        policy_version=decision.policy_version,
        fallback=decision.fallback,
        at=routed.at,
        warnings=[
            WarningRead(field=w.field, code=w.code.value, message=w.message)
            for w in decision.trace.warnings
        ],
        explanation=describe(decision),
    )


def _write_routed(
    write: Callable[[Callable[[Handle], Routing]], Routing],
    work: Callable[[Handle, bool], Routing],
    refresh: Callable[[], object],
) -> Routing:
    """Run routing `work` in a write transaction (`Database.write` or `write_core`): optimistic
    first, then locking the state; `refresh` builds the configuration when it moved."""
    for _ in range(CONFIG_ATTEMPTS):
        try:
            return write(lambda handle: work(handle, False))
        except routing.StateMoved:
            break
        except routing.ConfigMoved:
            # Built here, out of routing's turn, which the other processes wait for.
            refresh()
    # Another request changed a rotation row this decision rested on (or the configuration
    # kept moving); this attempt locks every state row before reading, so it cannot be
    # overtaken.
    return write(lambda handle: work(handle, True))


def _refresher(db: Database, cache: ConfigCache) -> Callable[[], object]:
    """What builds the configuration for routing when it finds it moved; run at once when this
    process has none yet, so that its first routing takes no turn in vain."""

    def refresh() -> None:
        with db.read() as session:
            cache.get(session)

    if cache.latest() is None:
        refresh()
    return refresh


def _current(session: Session, lead_id: str) -> DecisionRow:
    lead = get_or_raise(session=session, lead_id=lead_id)
    if lead.decision_id is None:
        raise NotFound(f"lead '{lead_id}' has no decision yet")
    return require_row(session, DecisionRow, lead.decision_id, "decision")


def _lock(session: Session, lead_id: str) -> LeadRow:
    lead = session.scalar(
        select(LeadRow)
        .where(LeadRow.id == lead_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if lead is None:
        raise NotFound(f"lead '{lead_id}' not found")
    return lead


def _same(session: Session, lead_in: LeadCreate, key: str | None) -> routing.StoredLead:
    """The stored lead this request repeats; Conflict if it repeats it with another payload."""
    conditions = []
    if key is not None:
        conditions.append(LeadRow.idempotency_key == key)
    if lead_in.external_id is not None:
        conditions.append(LeadRow.external_id == lead_in.external_id)
    row = session.scalar(select(LeadRow).where(or_(*conditions)).limit(1))
    if row is None:
        raise Conflict("the lead conflicts with another one being stored; retry")
    if row.raw != lead_in.lead:
        raise Conflict(
            f"lead '{row.id}' was received with this idempotency key or external id "
            "and a different payload"
        )
    return routing.stored(row)
