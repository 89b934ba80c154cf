"""Leads: intake (raw payload stored first, in its own transaction), routing in a second
transaction, reroute, touches, outcomes and reads. `intake` takes batches: the leads that one
process receives at the same moment are stored in one transaction and routed in one more
(`leads/pipeline.py`), which is what lets two cores keep up with hundreds a second.

Storing before routing means a crash mid-routing loses nothing: the lead stays `received` and
the next request for it (a retry, or a reroute) routes it. The same Idempotency-Key or external
id never creates a second lead or a second decision, even when identical requests race: the
unique indexes stop the second insert (ON CONFLICT DO NOTHING), and routing claims the lead only
while it is still `received`, so the slower of two routings rolls back and answers with the other's.

One lead's failure is its own: a batch that fails is stored or routed again lead by lead, and a
lead whose routing fails alone goes to the policy's fallback queue with the reason in its trace
(principle 3: no lead lost or left unassigned). While no policy is active, leads are stored and
held (`Held`, listed by `waiting`); `sweep` routes what is still `received`, held or left behind.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import Connection, and_, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from leadrouter.audit import service as audit
from leadrouter.codec import decision_from_dict
from leadrouter.errors import Conflict, NotFound
from leadrouter.explain import describe
from leadrouter.leads import changes as changes_
from leadrouter.leads import roles, routing
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
    ChangeRead,
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
from leadrouter.policy.compiled import CompiledPolicy
from leadrouter.store import Database
from leadrouter.store.rows import as_json, require_row

# Attempts that find the configuration moved since this process built it, each building it
# out of routing's turn; the last attempt builds in turn whatever moved again meanwhile.
CONFIG_ATTEMPTS = 3

# ON CONFLICT DO NOTHING waits for a racing insert of the same key to commit, then skips: no
# IntegrityError to recover from, and one statement whether the lead is new or a retry. Built
# once per dialect: statement construction costs more than the insert.
log = logging.getLogger(__name__)
# The leads one sweep routes in one transaction: an intake batch's size.
SWEEP_BATCH = 32
_WHY_MAX = 300
_WAITING_MESSAGE = "stored, not routed yet: routed once a policy is active (or by the next sweep)"

_INSERT_LEAD = {
    "postgresql": pg_insert(LeadRow.__table__).on_conflict_do_nothing().returning(LeadRow.id),
    "sqlite": sqlite_insert(LeadRow.__table__).on_conflict_do_nothing().returning(LeadRow.id),
}


class Held(BaseModel):
    """The answer for a lead stored but not routed: no policy is active. It waits, listed by
    `GET /v1/leads/waiting`, and is routed once a policy is activated."""

    lead_id: str
    status: str = RECEIVED
    received_at: datetime
    message: str
    # When the policy's grace delay holds the lead: the time the worker routes it.
    route_after: datetime | None = None


Answer = DecisionSummary | Held
# An exception is what one lead's intake ends with when it cannot be stored or routed at all
# (Conflict: its key came with another payload); it goes to that lead's request alone.
Stored = tuple[routing.StoredLead, bool] | Exception
Taken = tuple[Answer, bool] | Exception
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
    inserted, failed = _insert(db, rows)
    stored: list[Stored] = []
    for lead, i in zip(fresh, intakes, strict=True):
        if lead.id in failed:
            stored.append(failed[lead.id])
            continue
        if lead.id in inserted:
            stored.append((lead, True))
            continue
        try:  # a retry (or a key used twice within this batch): the lead stored first
            with db.read() as session:
                stored.append((_same(session, i.lead_in, i.idempotency_key), False))
        except Conflict as error:
            stored.append(error)
    return stored


def _insert(db: Database, rows: list[dict[str, Any]]) -> tuple[set[str], dict[str, Exception]]:
    """Insert the lead rows (ids of those inserted, not already taken), in one statement; if it
    fails, one statement per lead, so that a lead whose own insert fails fails alone: (ids
    inserted, the exception of each lead that could not be)."""
    query = _INSERT_LEAD["postgresql" if db.postgres else "sqlite"]

    def insert(batch: list[dict[str, Any]]) -> set[str]:
        # Lazy: nobody hears of these leads before routing's `wait_for_disk`, which covers them.
        return set(
            db.write_core(
                lambda connection: connection.execute(query, batch).scalars().all(),
                lazy_commit=True,
            )
        )

    try:
        return insert(rows), {}
    except Exception as error:  # the statement failed whole: which lead made it fail?
        if len(rows) == 1:
            return set(), {rows[0]["id"]: error}
    inserted: set[str] = set()
    failed: dict[str, Exception] = {}
    for row in rows:
        try:
            inserted |= insert([row])
        except Exception as error:
            failed[row["id"]] = error
    return inserted, failed


def intake(*, db: Database, cache: ConfigCache, intakes: Sequence[Intake]) -> list[Taken]:
    """Store the leads, then route the new ones (and the unrouted repeats); for each intake, (its
    current decision, or `Held` while no policy is active; newly created) or the exception that
    stopped it (a Conflict; a lead that could not be stored). One lead's failure is its own."""
    stored = store(db=db, intakes=intakes)
    leads = [s[0] for s in stored if not isinstance(s, Exception)]
    now = max(i.now for i in intakes)
    answers = iter(route_stored(db=db, cache=cache, leads=leads, now=now) if leads else ())
    taken: list[Taken] = []
    for s in stored:
        if isinstance(s, Exception):
            taken.append(s)
            continue
        answer = next(answers)
        taken.append(answer if isinstance(answer, Exception) else (answer, s[1]))
    return taken


def route_stored(
    *, db: Database, cache: ConfigCache, leads: Sequence[routing.StoredLead], now: datetime
) -> list[Answer | Exception]:
    """Route the stored leads not routed yet, one after another in one transaction; for each
    lead, its current decision (`Held` while no policy is active), or the exception that left
    it unrouted (the database failing, not the lead: a retry or the worker's sweep routes it).

    Leads come in the order they arrived, so each is decided exactly as its own transaction
    would have decided it; a lead routed already (a retry) answers with the decision it has.
    A lead whose routing fails on its own goes to the fallback queue with the reason in its
    trace, and never takes the others of its batch with it.
    """
    unrouted = list({lead.id: lead for lead in leads if lead.status != ROUTED}.values())
    answers: dict[str, Answer | Exception] = {}
    if unrouted:
        _route(db, cache, unrouted, now, answers)
    for lead in leads:  # routed by an earlier request (or the racing one): its decision stands
        if lead.id not in answers:
            with db.read() as session:
                answers[lead.id] = summary(_current(session, lead.id))
    # The decisions and the leads' storing committed lazily; an answer promises they are kept.
    # One wait for the batch, after routing's turn: the disk holds up nobody else.
    db.wait_for_disk()
    return [_with_booking(answers[lead.id], cache) for lead in leads]


def _with_booking(answer: Answer | Exception, cache: ConfigCache) -> Answer | Exception:
    """The answer with its owner's booking link, for a form to offer at once."""
    config = cache.latest()
    if not isinstance(answer, DecisionSummary) or answer.owner is None or config is None:
        return answer
    rep = config.team.reps.get(answer.owner)
    if rep is None or rep.booking_url is None:
        return answer
    return answer.model_copy(update={"booking_url": rep.booking_url})


def _route(
    db: Database,
    cache: ConfigCache,
    leads: list[routing.StoredLead],
    now: datetime,
    answers: dict[str, Answer | Exception],
) -> None:
    """Route `leads` in one transaction, putting each one's answer in `answers`; if that fails,
    each on its own, so that a failure belongs to the one lead it comes from."""
    try:
        routed = _write_routed(
            lambda work: db.write_core(work, lazy_commit=True),
            lambda connection, lock: routing.decide(
                connection, cache, leads, now, cause="new", lock=lock
            ),
            _refresher(db, cache),
        )
    except routing.NoActivePolicy as error:
        answers.update({lead.id: _held(lead, error) for lead in leads})
    except routing.AlreadyRouted:
        # A racing retry of one of these leads, in another process, routed it first; alone,
        # its decision stands (the caller reads it).
        if len(leads) > 1:  # route each on its own: only that one loses
            for lead in leads:
                _route(db, cache, [lead], now, answers)
    except Exception as error:
        if len(leads) > 1:
            for lead in leads:
                _route(db, cache, [lead], now, answers)
        else:
            _fall_back(db, cache, leads[0], now, error, answers)
    else:
        for r in routed:
            answers[r.lead_id] = _summary(r) if isinstance(r, routing.Routed) else _waits(r)


def _fall_back(
    db: Database,
    cache: ConfigCache,
    lead: routing.StoredLead,
    now: datetime,
    error: Exception,
    answers: dict[str, Answer | Exception],
) -> None:
    """The lead failed to route on its own: record it in the fallback queue with `error` in its
    trace (people are alerted), unless the database itself is failing; then it stays received."""
    if _connection_failure(error):
        answers[lead.id] = error
        return
    why = _why(error)
    log.warning("routing lead %s failed (%s): fallback queue", lead.id, why, exc_info=error)
    try:
        routed = db.write_core(
            lambda connection: routing.record_failure(connection, cache, lead, now, why),
            lazy_commit=True,
        )
    except routing.AlreadyRouted:
        return  # another request routed it meanwhile: its decision stands
    except routing.NoActivePolicy as held:
        answers[lead.id] = _held(lead, held)
    except Exception:  # the lead stays received: a retry or the worker's sweep routes it
        log.exception("recording lead %s in the fallback queue failed", lead.id)
        answers[lead.id] = error
    else:
        answers[lead.id] = _summary(routed)


def _connection_failure(error: Exception) -> bool:
    """The database (unreachable, restarting, locked), not the lead, failed."""
    return isinstance(error, OperationalError | InterfaceError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    )


def _why(error: Exception) -> str:
    """The failure in a few words for a lead's trace: the driver's own message, never the
    statement or its values (those of the other leads of the batch)."""
    cause = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    lines = str(cause).strip().splitlines()
    text = f"{type(cause).__name__}: {lines[0]}" if lines else type(cause).__name__
    return text[:_WHY_MAX]


def _waits(held: routing.GraceHeld) -> Held:
    """The answer for a lead the policy's grace delay holds until the worker routes it."""
    return Held(
        lead_id=held.lead_id,
        received_at=held.received_at,
        message=f"held by the policy's {held.grace}: routed at {held.route_after.isoformat()}",
        route_after=held.route_after,
    )


def _held(lead: routing.StoredLead, error: routing.NoActivePolicy) -> Held:
    return Held(
        lead_id=lead.id,
        received_at=lead.received_at,
        message=f"{error}; the lead is stored and waits: it is routed once a policy is active",
    )


def sweep(*, db: Database, cache: ConfigCache, received_by: datetime, now: datetime) -> int:
    """Route the leads still `received` that arrived by `received_by`, oldest first, in
    batches (those a failed intake left behind, those held while no policy was active); how
    many were routed. A lead that cannot be routed now stays for the next sweep."""
    routed = 0
    while True:
        with db.read() as session:
            rows = session.scalars(
                select(LeadRow)
                .where(
                    LeadRow.status == RECEIVED,
                    or_(
                        and_(LeadRow.route_after.is_(None), LeadRow.received_at <= received_by),
                        LeadRow.route_after <= now,  # held by a grace delay, due now
                    ),
                )
                .order_by(LeadRow.received_at, LeadRow.id)
                .limit(SWEEP_BATCH)
            ).all()
            leads = [routing.stored(row) for row in rows]
        if not leads:
            return routed
        answers = route_stored(db=db, cache=cache, leads=leads, now=now)
        done = sum(isinstance(a, DecisionSummary) for a in answers)
        routed += done
        if done < len(leads) or len(leads) < SWEEP_BATCH:  # what is left waits for next time
            return routed


def waiting(*, session: Session, limit: int) -> list[Held]:
    """The leads stored and not routed yet, oldest first."""
    rows = session.scalars(
        select(LeadRow)
        .where(LeadRow.status == RECEIVED)
        .order_by(LeadRow.received_at, LeadRow.id)
        .limit(limit)
    )
    return [
        Held(
            lead_id=row.id,
            received_at=row.received_at,
            message=_WAITING_MESSAGE
            if row.route_after is None
            else f"held by the policy's grace delay: routed at {row.route_after.isoformat()}",
            route_after=row.route_after,
        )
        for row in rows
    ]


def receive(
    *, db: Database, lead_in: LeadCreate, idempotency_key: str | None, now: datetime
) -> tuple[str, bool]:
    """Store the raw lead, committed before any routing; returns (lead id, newly created)."""
    stored = store(db=db, intakes=[Intake(lead_in, idempotency_key, now)])[0]
    if isinstance(stored, Conflict):
        raise stored
    db.wait_for_disk()
    return stored[0].id, stored[1]


def route(*, db: Database, cache: ConfigCache, lead_id: str, now: datetime) -> Answer:
    """Route the stored lead unless it already was; the current decision either way (`Held`
    while no policy is active)."""
    with db.read() as session:
        lead = routing.stored(get_or_raise(session=session, lead_id=lead_id))
    answer = route_stored(db=db, cache=cache, leads=[lead], now=now)[0]
    if isinstance(answer, Exception):
        raise answer
    return answer


def reroute(
    *, db: Database, cache: ConfigCache, lead_id: str, now: datetime, actor: str
) -> DecisionSummary:
    """Route the lead again under the current configuration; a new decision, history kept."""

    def work(session: Session, lock: bool) -> routing.Routed:
        lead = _lock(session, lead_id)
        return route_again(
            session, cache, lead, now, cause="reroute", lock=lock, actor=actor, action="reroute"
        )

    return _summary(_write_routed(db.write, work, _refresher(db, cache)))


def route_again(
    session: Session,
    cache: ConfigCache,
    lead: LeadRow,
    now: datetime,
    *,
    cause: str,
    lock: bool,
    actor: str,
    action: str,
    noted: Callable[[routing.Routed], dict[str, Any]] = lambda _: {},
    rules_of: Callable[[CompiledPolicy], CompiledPolicy] | None = None,
) -> routing.Routed:
    """Route a locked lead again (a reroute, a change, a hand-off): its owner's open lead freed
    unless closed, a new decision with `cause`, and an `action` audit entry from its old place to
    its new one, with what `noted` adds for the timeline."""
    was = {"kind": lead.kind, "owner": lead.owner, "queue": lead.queue}
    if lead.status == ROUTED and lead.kind == Kind.REP and lead.outcome not in CLOSED:
        routing.move_load(session, lead.owner, None)
    (routed,) = routing.decide(
        session.connection(),
        cache,
        [routing.stored(lead)],
        now,
        cause=cause,
        lock=lock,
        rules_of=rules_of,
    )
    decision = routed.decision
    audit.record(
        session=session,
        actor=actor,
        action=action,
        entity="lead",
        entity_id=lead.id,
        at=now,
        before=was,
        after={"kind": decision.kind.value, "owner": decision.owner, "queue": decision.queue}
        | noted(routed),
    )
    return routed


def change(
    *,
    db: Database,
    cache: ConfigCache,
    lead_id: str,
    changes: dict[str, Any],
    now: datetime,
    actor: str,
) -> ChangeRead:
    """Apply new field values (None removes a field) and re-route the lead when the policy's
    `reroute:` triggers say the change moves it (`leads/changes.py`; without them, a lead waiting
    in a queue, nurture or review is routed again and an owned lead keeps its owner): a new
    decision with cause `change`, its reason in the audit log. A touched lead never moves."""

    def work(session: Session, lock: bool) -> ChangeRead:
        lead = _lock(session, lead_id)
        before = dict(lead.raw)
        raw = {k: v for k, v in (before | changes).items() if v is not None}
        if raw == before:
            return ChangeRead(lead_id=lead_id, rerouted=False, reason="nothing changed")
        lead.raw = raw
        audit.record(
            session=session,
            actor=actor,
            action="change",
            entity="lead",
            entity_id=lead_id,
            at=now,
            before={k: before.get(k) for k in changes},
            after={k: raw.get(k) for k in changes},
        )
        session.flush()
        if lead.status != ROUTED:
            return ChangeRead(lead_id=lead_id, rerouted=False, reason="not routed yet")
        judged = changes_.judge(session, cache, lead, before, now)
        if not judged.reroute:
            return ChangeRead(lead_id=lead_id, rerouted=False, reason=judged.reason)
        # An untouched owner lets it go; the reason goes on the timeline with its decision.
        routed = route_again(
            session,
            cache,
            lead,
            now,
            cause="change",
            lock=lock,
            actor=actor,
            action="reroute",
            noted=lambda r: {
                "decision": r.decision_id,
                "trigger": judged.trigger,
                "reason": judged.reason,
            },
        )
        return ChangeRead(
            lead_id=lead_id,
            rerouted=True,
            reason=judged.reason,
            trigger=judged.trigger,
            decision=_summary(routed),
        )

    return _write_routed(db.write, work, _refresher(db, cache))


def assign(
    *,
    session: Session,
    lead_id: str,
    rep: str | None,
    queue: str | None,
    now: datetime,
    cause: str,
    kind: Kind = Kind.QUEUE,
) -> None:
    """Move the lead to `rep` (or, with rep None, to `queue`, as `kind`: a queue, or review)
    outside routing, keeping rep loads.

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
        lead.kind, lead.owner, lead.queue = kind.value, None, queue
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
    owners = roles.owners(session, lead_id)
    return LeadRead.model_validate(as_json(row) | {"raw": row.raw, "owners": owners})


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
    return DecisionRead(
        **base.model_dump(),
        cause=row.cause,
        trace=row.body["trace"],
        propensity=row.body.get("propensity"),
    )


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
