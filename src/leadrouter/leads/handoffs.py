"""SDR→AE hand-offs: a stage change (`POST /v1/leads/{id}/stage`) routes the lead to the next
role's pools by the policy's `handoffs:` rules (`policy/handoffs.py`), keeping the owner it had
as its owner in the `from` role. Each hand-off is a decision (cause `handoff`) and an audit
entry saying the stage and both owners, so the whole chain is on the lead's timeline."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from leadrouter.audit import service as audit
from leadrouter.errors import Conflict
from leadrouter.leads import roles, routing
from leadrouter.leads import service as leads
from leadrouter.leads.models import ROUTED
from leadrouter.leads.schemas import CLOSED, HandoffRead
from leadrouter.model import Kind
from leadrouter.policies.snapshot import ConfigCache
from leadrouter.policy.handoffs import stage_key
from leadrouter.store import Database


def hand_off(
    *, db: Database, cache: ConfigCache, lead_id: str, stage: str, now: datetime, actor: str
) -> HandoffRead:
    """Route the lead on `stage` to the next role by the policy's hand-off for it; 409 when the
    policy has none for the stage, the lead is not routed, or it was handed off on it already."""
    key = stage_key(stage)

    def work(session: Session, lock: bool) -> HandoffRead:
        lead = leads._lock(session, lead_id)
        policy = cache.get(session).policy
        handoff = policy.handoffs.get(key) if policy is not None else None
        if handoff is None:
            known = ", ".join(sorted(policy.handoffs)) if policy is not None else ""
            raise Conflict(
                f"the active policy has no hand-off on stage '{key}'"
                + (f" (it has: {known})" if known else " (add a handoffs: section)")
            )
        if lead.status != ROUTED:
            raise Conflict(f"lead '{lead_id}' is not routed yet: nothing to hand off")
        held = roles.owners(session, lead_id)
        if handoff.to_role in held:
            raise Conflict(
                f"lead '{lead_id}' was handed off to its {handoff.to_role} already "
                f"({held[handoff.to_role]})"
            )
        was = {"kind": lead.kind, "owner": lead.owner, "queue": lead.queue}
        from_owner = lead.owner if lead.kind == Kind.REP else None
        if handoff.from_role not in held:  # the owner it has now, kept in the `from` role
            roles.set_owner(session, lead_id, handoff.from_role, from_owner, now, lead.decision_id)
        if from_owner is not None and lead.outcome not in CLOSED:
            routing.move_load(session, from_owner, None)
        (routed,) = routing.decide(
            session.connection(),
            cache,
            [routing.stored(lead)],
            now,
            cause="handoff",
            lock=lock,
            rules_of=lambda p: replace(p, rules=handoff.rules),
        )
        decision = routed.decision
        to_owner = decision.owner if decision.kind == Kind.REP else None
        roles.set_owner(session, lead_id, handoff.to_role, to_owner, now, routed.decision_id)
        where = to_owner or f"{decision.kind.value} {decision.queue}"
        reason = (
            f"hand-off on {key}: {handoff.from_role} {from_owner or '(none)'} keeps the lead as "
            f"its {handoff.from_role}; routed to its {handoff.to_role} by rule "
            f"'{decision.rule}': {where}"
        )
        audit.record(
            session=session,
            actor=actor,
            action="handoff",
            entity="lead",
            entity_id=lead_id,
            at=now,
            before=was,
            after={
                "kind": decision.kind.value,
                "owner": decision.owner,
                "queue": decision.queue,
                "decision": routed.decision_id,
                "stage": key,
                "trigger": f"handoff {key}",
                "reason": reason,
            },
        )
        return HandoffRead(
            lead_id=lead_id,
            stage=key,
            from_role=handoff.from_role,
            to_role=handoff.to_role,
            reason=reason,
            owners=roles.owners(session, lead_id),
            decision=leads._summary(routed),
        )

    return leads._write_routed(db.write, work, leads._refresher(db, cache))
