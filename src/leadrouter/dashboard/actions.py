"""What a dashboard button does to a lead: assign it from a queue to a rep by hand.

A manual assignment is a decision like any other: appended to the lead's decisions with a trace
that says who did it, copied onto the lead, counted in the rep's load and written to the audit
log, in one transaction. Rerouting is not here: the button calls `leads.service.reroute`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadrouter.audit import service as audit
from leadrouter.codec import decision_to_dict
from leadrouter.errors import Conflict, NotFound
from leadrouter.leads.models import ROUTED, DecisionRow, LeadRow
from leadrouter.model import Decision, Effects, Kind, Note, Reason, Trace
from leadrouter.reps.models import RepLoadRow, RepRow
from leadrouter.store import Database

MANUAL = "manual"  # the decision's cause, and its rule, when a person assigned the lead


def assign(*, db: Database, lead_id: str, rep_id: str, now: datetime, actor: str) -> None:
    """Give a waiting lead to `rep_id`; Conflict when it is no longer waiting in a queue."""

    def work(session: Session) -> None:
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
        before = {"kind": lead.kind, "owner": lead.owner, "queue": lead.queue}
        lead.status, lead.kind, lead.owner, lead.queue = ROUTED, Kind.REP.value, rep_id, None
        lead.pool = None
        lead.decision_id = row.id
        load = session.scalar(
            select(RepLoadRow).where(RepLoadRow.rep_id == rep_id).with_for_update()
        )
        if load is not None:
            load.open += 1
            load.version += 1
        audit.record(
            session=session,
            actor=actor,
            action="assign",
            entity="lead",
            entity_id=lead_id,
            at=now,
            before=before,
            after={"kind": lead.kind, "owner": rep_id, "queue": None},
        )

    db.write(work)


def _manual(queue: str | None, rep_id: str, now: datetime, actor: str) -> Decision:
    # No reason code says "a person chose" yet; OWNER_ASSIGNED with the actor in the message
    # is the closest, until the model gains MANUAL_ASSIGNMENT.
    note = Note(Reason.OWNER_ASSIGNED, f"assigned by {actor} from queue {queue} on the dashboard")
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
