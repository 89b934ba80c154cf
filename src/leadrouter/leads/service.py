"""Leads: reads (a lead, its decisions), touches and outcomes. Storing and routing a new lead
is `leads/intake.py`; routing one again or moving it, `leads/placement.py`; both write through
`leads/unit_of_work.py`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadrouter.errors import NotFound
from leadrouter.leads import roles
from leadrouter.leads.decisions import detail
from leadrouter.leads.models import DecisionRow, LeadRow, OutcomeRow, TouchRow
from leadrouter.leads.rotation import move_load
from leadrouter.leads.schemas import CLOSED, DecisionRead, LeadRead, OutcomeCreate, TouchCreate
from leadrouter.leads.unit_of_work import lock_lead
from leadrouter.model import Kind
from leadrouter.store.rows import as_json, require_row


def get_or_raise(*, session: Session, lead_id: str) -> LeadRow:
    return require_row(session, LeadRow, lead_id, "lead")


def read(*, session: Session, lead_id: str) -> LeadRead:
    row = get_or_raise(session=session, lead_id=lead_id)
    owners = roles.owners(session, lead_id)
    return LeadRead.model_validate(as_json(row) | {"raw": row.raw, "owners": owners})


def current_decision(*, session: Session, lead_id: str) -> DecisionRead:
    return detail(current_row(session=session, lead_id=lead_id))


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
    lead = lock_lead(session, lead_id)
    closes = outcome_in.outcome in CLOSED and lead.outcome not in CLOSED
    if closes and lead.kind == Kind.REP:
        move_load(session, lead.owner, None)
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


def current_row(*, session: Session, lead_id: str) -> DecisionRow:
    """The lead's current decision; NotFound when it has none yet."""
    lead = get_or_raise(session=session, lead_id=lead_id)
    if lead.decision_id is None:
        raise NotFound(f"lead '{lead_id}' has no decision yet")
    return require_row(session, DecisionRow, lead.decision_id, "decision")
