"""Leads: intake (raw payload stored first, in its own transaction), routing in a second
transaction, reroute, touches, outcomes and reads.

Storing before routing means a crash mid-routing loses nothing: the lead stays `received` and
the next request for it (a retry, or a reroute) routes it. The same Idempotency-Key or external
id never creates a second lead or a second decision, even when identical requests race: the
unique indexes stop the second insert, and routing re-checks the lead's status under a row lock.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leadrouter.audit import service as audit
from leadrouter.codec import decision_from_dict
from leadrouter.errors import Conflict, NotFound
from leadrouter.explain import describe
from leadrouter.leads import routing
from leadrouter.leads.models import ROUTED, DecisionRow, LeadRow, OutcomeRow, TouchRow
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
from leadrouter.model import Decision, Kind
from leadrouter.policies.snapshot import ConfigCache
from leadrouter.store import Database
from leadrouter.store.rows import as_json, require_row


def get_or_raise(*, session: Session, lead_id: str) -> LeadRow:
    return require_row(session, LeadRow, lead_id, "lead")


def receive(
    *, db: Database, lead_in: LeadCreate, idempotency_key: str | None, now: datetime
) -> tuple[str, bool]:
    """Store the raw lead, committed before any routing; returns (lead id, newly created)."""

    def store(session: Session) -> tuple[str, bool]:
        existing = _find_same(session, lead_in, idempotency_key)
        if existing is not None:
            return existing, False
        row = LeadRow(
            id=uuid.uuid4().hex,
            idempotency_key=idempotency_key,
            external_id=lead_in.external_id,
            raw=lead_in.lead,
            received_at=now,
        )
        session.add(row)
        session.flush()
        return row.id, True

    try:
        return db.write(store)
    except IntegrityError:
        # An identical request inserted the same key between our check and our insert.
        return db.write(lambda session: (_require_same(session, lead_in, idempotency_key), False))


def route(*, db: Database, cache: ConfigCache, lead_id: str, now: datetime) -> DecisionSummary:
    """Route the lead unless it already was; the current decision either way."""

    def work(session: Session) -> DecisionSummary:
        lead = _lock(session, lead_id)
        if lead.status == ROUTED and lead.decision_id is not None:
            return summary(require_row(session, DecisionRow, lead.decision_id, "decision"))
        row, decision = routing.decide(session, cache.get(session), lead, now, cause="new")
        return _summary(row, decision)

    return db.write(work)


def reroute(
    *, db: Database, cache: ConfigCache, lead_id: str, now: datetime, actor: str
) -> DecisionSummary:
    """Route the lead again under the current configuration; a new decision, history kept."""

    def work(session: Session) -> DecisionSummary:
        lead = _lock(session, lead_id)
        before = {"kind": lead.kind, "owner": lead.owner, "queue": lead.queue}
        if lead.status == ROUTED and lead.kind == Kind.REP and lead.owner is not None:
            routing.release(session, lead.owner)
        row, decision = routing.decide(session, cache.get(session), lead, now, cause="reroute")
        audit.record(
            session=session,
            actor=actor,
            action="reroute",
            entity="lead",
            entity_id=lead_id,
            at=now,
            before=before,
            after={"kind": lead.kind, "owner": lead.owner, "queue": lead.queue},
        )
        return _summary(row, decision)

    return db.write(work)


def read(*, session: Session, lead_id: str) -> LeadRead:
    row = get_or_raise(session=session, lead_id=lead_id)
    return LeadRead.model_validate(as_json(row) | {"raw": row.raw})


def current_decision(*, session: Session, lead_id: str) -> DecisionRead:
    lead = get_or_raise(session=session, lead_id=lead_id)
    if lead.decision_id is None:
        raise NotFound(f"lead '{lead_id}' has no decision yet")
    return detail(require_row(session, DecisionRow, lead.decision_id, "decision"))


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
    if closes and lead.kind == Kind.REP and lead.owner is not None:
        routing.release(session, lead.owner)
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
    return _summary(row, decision_from_dict(row.body))


def detail(row: DecisionRow) -> DecisionRead:
    base = summary(row)
    return DecisionRead(**base.model_dump(), cause=row.cause, trace=row.body["trace"])


def _summary(row: DecisionRow, decision: Decision) -> DecisionSummary:
    score = decision.trace.score
    return DecisionSummary(
        lead_id=row.lead_id,
        decision_id=row.id,
        kind=decision.kind.value,
        owner=decision.owner,
        queue=decision.queue,
        pool=decision.pool,
        rule=decision.rule,
        score=score.total if score is not None else None,
        policy_version=decision.policy_version,
        fallback=decision.fallback,
        at=row.at,
        warnings=[
            WarningRead(field=w.field, code=w.code.value, message=w.message)
            for w in decision.trace.warnings
        ],
        explanation=describe(decision),
    )


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


def _matching(session: Session, lead_in: LeadCreate, key: str | None) -> LeadRow | None:
    conditions = []
    if key is not None:
        conditions.append(LeadRow.idempotency_key == key)
    if lead_in.external_id is not None:
        conditions.append(LeadRow.external_id == lead_in.external_id)
    if not conditions:
        return None
    return session.scalar(select(LeadRow).where(or_(*conditions)).limit(1))


def _find_same(session: Session, lead_in: LeadCreate, key: str | None) -> str | None:
    """The id of the lead this request repeats, if any; Conflict if it repeats it differently."""
    row = _matching(session, lead_in, key)
    if row is None:
        return None
    if row.raw != lead_in.lead:
        raise Conflict(
            f"lead '{row.id}' was received with this idempotency key or external id "
            "and a different payload"
        )
    return row.id


def _require_same(session: Session, lead_in: LeadCreate, key: str | None) -> str:
    lead_id = _find_same(session, lead_in, key)
    if lead_id is None:
        raise Conflict("the lead conflicts with another one being stored; retry")
    return lead_id
