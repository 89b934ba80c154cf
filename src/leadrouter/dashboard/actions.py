"""What a dashboard button does to a lead: assign it from a queue to a rep by hand.

A manual assignment is recorded as a decision (cause "manual", reason MANUAL_ASSIGNMENT, the
person named in the trace) so the lead's timeline and the queue's history show it, and the move
itself goes through `leads.service.assign`, which keeps rep loads right and writes the audit
log; all in one transaction. Rerouting is not here: the button calls `leads.service.reroute`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadrouter.codec import decision_to_dict
from leadrouter.errors import Conflict, NotFound
from leadrouter.leads import service as leads
from leadrouter.leads.models import DecisionRow, LeadRow
from leadrouter.model import Decision, Effects, Kind, Note, Reason, Trace
from leadrouter.reps.models import RepRow
from leadrouter.store import Database

MANUAL = "manual"  # the decision's cause, rule and policy version when a person assigned it


def assign(*, db: Database, lead_id: str, rep_id: str, now: datetime, actor: str) -> None:
    """Give a waiting lead to `rep_id`, in a transaction of its own."""
    db.write(
        lambda session: assign_lead(session, lead_id=lead_id, rep_id=rep_id, now=now, actor=actor)
    )


def assign_lead(session: Session, *, lead_id: str, rep_id: str, now: datetime, actor: str) -> None:
    """Give a waiting lead to `rep_id` in the caller's transaction; Conflict when it is no
    longer waiting in a queue."""
    # Locked first, so two people clicking at once cannot both take it out of the queue.
    lead = session.scalar(select(LeadRow).where(LeadRow.id == lead_id).with_for_update())
    if lead is None:
        raise NotFound(f"lead '{lead_id}' not found")
    if lead.kind != Kind.QUEUE:
        raise Conflict(f"lead '{lead_id}' is not waiting in a queue any more")
    rep = session.get(RepRow, rep_id)
    if rep is None or not rep.active:
        raise NotFound(f"no active rep '{rep_id}'")
    decision = _manual(lead.queue, rep_id, now, actor)
    row = DecisionRow(
        lead_id=lead_id,
        at=now,
        cause=MANUAL,
        kind=decision.kind.value,
        owner=rep_id,
        queue=None,
        rule=MANUAL,
        policy_version=decision.policy_version,
        fallback=False,
        body=decision_to_dict(decision),
    )
    session.add(row)
    session.flush()
    lead.decision_id, lead.pool = row.id, None
    # The audit log names who did it, as for every other change a person makes.
    leads.assign(session=session, lead_id=lead_id, rep=rep_id, queue=None, now=now, cause=actor)


def _manual(queue: str | None, rep_id: str, now: datetime, actor: str) -> Decision:
    note = Note(
        Reason.MANUAL_ASSIGNMENT, f"assigned by {actor} from queue {queue} on the dashboard"
    )
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
