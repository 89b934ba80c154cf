"""What a person does to a lead by hand (on the dashboard or through `POST /v1/leads/{id}/assign`):
assign it from a queue (fallback or manual review) or take it from a rep who let its SLA slip,
and undo that within a minute.

A manual assignment is recorded as a decision (cause "manual", reason MANUAL_ASSIGNMENT, the
person named in the trace) so the lead's timeline and the queue's history show it, and the move
itself goes through `leads.placement.assign`, which keeps rep loads right and writes the audit
log; all in one transaction. A rep who cannot take leads now (inactive, out of office, outside
working hours, at capacity) is given one only when the person confirmed it (`NeedsConfirmation`
otherwise). When the lead moved meanwhile, the Conflict says who has it and who moved it.
Rerouting is not here: the button calls `leads.placement.reroute`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadrouter.audit.models import AuditRow
from leadrouter.codec import decision_to_dict
from leadrouter.errors import Conflict, NotFound
from leadrouter.leads import placement
from leadrouter.leads.models import DecisionRow, LeadRow
from leadrouter.leads.unit_of_work import lock_lead
from leadrouter.model import Decision, Effects, Kind, Note, Reason, Trace
from leadrouter.reps.models import RepLoadRow, RepRow
from leadrouter.reps.service import availability
from leadrouter.store import Database

MANUAL = "manual"  # the decision's cause, rule and policy version when a person assigned it
UNDO = "undo"  # the cause of the decision that puts a lead back where it was
UNDO_WINDOW = timedelta(minutes=1)
WAITING = frozenset({Kind.QUEUE.value, Kind.REVIEW.value})  # kinds a person assigns from


class NeedsConfirmation(Conflict):
    """The rep cannot take leads now; the person must confirm the assignment."""

    def __init__(self, rep_id: str, rep_name: str, why: str) -> None:
        self.rep_id, self.rep_name, self.why = rep_id, rep_name, why
        super().__init__(f"{rep_name} is unavailable ({why}): confirm to assign anyway")


@dataclass(frozen=True, slots=True)
class Assigned:
    lead_id: str
    rep_id: str
    rep_name: str
    came_from: str  # "queue unrouted", "review deal_desk", "rep bob"


def assign_lead(
    session: Session,
    *,
    lead_id: str,
    rep_id: str,
    now: datetime,
    actor: str,
    confirmed: bool = True,
    from_owner: str | None = None,
) -> Assigned:
    """Give a lead to `rep_id` in the caller's transaction. The lead must be waiting in a queue
    (fallback or review), or, with `from_owner`, still be with that rep; Conflict otherwise,
    naming who has it. An unavailable rep needs `confirmed` (NeedsConfirmation)."""
    # Locked first, so two people clicking at once cannot both take it.
    lead = lock_lead(session, lead_id)
    if from_owner is None and lead.kind not in WAITING:
        raise Conflict(taken_by(session, lead))
    if from_owner is not None and (lead.kind != Kind.REP.value or lead.owner != from_owner):
        raise Conflict(taken_by(session, lead))
    rep = session.get(RepRow, rep_id)
    if rep is None:
        raise NotFound(f"no rep '{rep_id}'")
    if not confirmed and (why := why_unavailable(session, rep, now)):
        raise NeedsConfirmation(rep.id, rep.name, why)
    came_from = f"rep {lead.owner}" if from_owner else f"{lead.kind} {lead.queue}"
    decision = _manual(came_from, rep_id, now, actor)
    _record(session, lead, decision, MANUAL, now)
    lead.pool = None
    # The audit log names who did it, as for every other change a person makes.
    placement.assign(session=session, lead_id=lead_id, rep=rep_id, queue=None, now=now, cause=actor)
    return Assigned(lead_id, rep.id, rep.name, came_from)


def why_unavailable(session: Session, rep: RepRow, now: datetime) -> str:
    """Why `rep` cannot take a lead now ("" when they can): inactive, out of office, outside
    working hours, at capacity; as routing would say it."""
    return availability(rep, session.get(RepLoadRow, rep.id), now)[1]


def taken_by(session: Session, lead: LeadRow) -> str:
    """Where the lead is now and who put it there, for a person whose click came too late."""
    where = f"{lead.owner} has it" if lead.kind == Kind.REP.value else f"it is in {lead.kind}"
    if lead.kind != Kind.REP.value and lead.queue:
        where += f" {lead.queue}"
    moved = session.scalar(
        select(AuditRow)
        .where(AuditRow.entity == "lead", AuditRow.entity_id == lead.id)
        .order_by(AuditRow.id.desc())
        .limit(1)
    )
    if moved is not None:
        at = moved.at.strftime("%H:%M UTC")
        return (
            f"Lead {lead.id} was already taken: {where} ({moved.action} by {moved.actor} at {at})."
        )
    return f"Lead {lead.id} was already taken: {where} (routed by rule {lead.rule})."


def undo(*, db: Database, lead_id: str, now: datetime, actor: str) -> str:
    """Put a lead assigned by hand less than `UNDO_WINDOW` ago back where it was; returns
    where that is. Conflict when the window passed or the lead moved since."""
    return db.write(lambda session: undo_assignment(session, lead_id=lead_id, now=now, actor=actor))


def undo_assignment(session: Session, *, lead_id: str, now: datetime, actor: str) -> str:
    """`undo` in the caller's transaction: a new decision (cause "undo") repeating the one
    before the manual assignment, so the history keeps both."""
    lead = lock_lead(session, lead_id)
    manual = session.get(DecisionRow, lead.decision_id) if lead.decision_id else None
    if manual is None or manual.cause != MANUAL or lead.owner != manual.owner:
        raise Conflict(f"Nothing to undo: {taken_by(session, lead)}")
    if now - manual.at > UNDO_WINDOW:
        raise Conflict(f"Too late to undo: {lead_id} was assigned over a minute ago.")
    before = session.scalar(
        select(DecisionRow)
        .where(DecisionRow.lead_id == lead_id, DecisionRow.id < manual.id)
        .order_by(DecisionRow.id.desc())
        .limit(1)
    )
    if before is None:
        raise Conflict(f"Nothing to undo: {lead_id} had no placement before.")
    row = DecisionRow(
        lead_id=lead_id,
        at=now,
        cause=UNDO,
        kind=before.kind,
        owner=before.owner,
        queue=before.queue,
        rule=before.rule,
        policy_version=before.policy_version,
        fallback=before.fallback,
        body=before.body,
    )
    session.add(row)
    session.flush()
    lead.decision_id, lead.rule = row.id, before.rule
    lead.pool = before.body.get("pool") if before.kind == Kind.REP.value else None
    kind = Kind(before.kind)
    placement.assign(
        session=session,
        lead_id=lead_id,
        rep=before.owner if kind == Kind.REP else None,
        queue=before.queue,
        now=now,
        cause=actor,
        kind=kind,
    )
    return f"rep {before.owner}" if kind == Kind.REP else f"{before.kind} {before.queue}"


def _record(
    session: Session, lead: LeadRow, decision: Decision, cause: str, now: datetime
) -> DecisionRow:
    row = DecisionRow(
        lead_id=lead.id,
        at=now,
        cause=cause,
        kind=decision.kind.value,
        owner=decision.owner,
        queue=decision.queue,
        rule=MANUAL,
        policy_version=decision.policy_version,
        fallback=False,
        body=decision_to_dict(decision),
    )
    session.add(row)
    session.flush()
    lead.decision_id = row.id
    return row


def _manual(came_from: str, rep_id: str, now: datetime, actor: str) -> Decision:
    note = Note(Reason.MANUAL_ASSIGNMENT, f"assigned by {actor} from {came_from} by hand")
    return Decision(
        kind=Kind.REP,
        owner=rep_id,
        queue=None,
        rule=MANUAL,
        policy_version=MANUAL,
        at=now,
        trace=Trace(notes=(note,)),
        effects=Effects(assigned_rep=rep_id),
    )
