"""SDR→AE hand-offs: a stage change (`POST /v1/leads/{id}/stage`) routes the lead to the next
role's pools by the policy's `handoffs:` rules (`policy/handoffs.py`), keeping the owner it had
as its owner in the `from` role. Each hand-off is a decision (cause `handoff`) and an audit
entry saying the stage and both owners, so the whole chain is on the lead's timeline."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from leadrouter.errors import Conflict
from leadrouter.leads import roles, routing, unit_of_work
from leadrouter.leads.decisions import summary_of
from leadrouter.leads.models import ROUTED
from leadrouter.leads.placement import route_again
from leadrouter.leads.schemas import HandoffRead
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
        lead = unit_of_work.lock_lead(session, lead_id)
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
        from_owner = lead.owner if lead.kind == Kind.REP else None
        if handoff.from_role not in held:  # the owner it has now, kept in the `from` role
            roles.set_owner(session, lead_id, handoff.from_role, from_owner, now, lead.decision_id)

        noted: dict[str, object] = {"stage": key, "trigger": f"handoff {key}"}

        def note(routed: routing.Routed) -> dict[str, object]:
            decision = routed.decision
            owner = decision.owner if decision.kind == Kind.REP else None
            where = owner or f"{decision.kind.value} {decision.queue}"
            noted["decision"] = routed.decision_id
            noted["reason"] = (
                f"hand-off on {key}: {handoff.from_role} {from_owner or '(none)'} keeps the lead"
                f" as its {handoff.from_role}; routed to its {handoff.to_role} by rule"
                f" '{decision.rule}': {where}"
            )
            return noted

        routed = route_again(
            session,
            cache,
            lead,
            now,
            cause="handoff",
            lock=lock,
            actor=actor,
            action="handoff",
            noted=note,
            rules_of=lambda p: replace(p, rules=handoff.rules),
        )
        to_owner = routed.decision.owner if routed.decision.kind == Kind.REP else None
        roles.set_owner(session, lead_id, handoff.to_role, to_owner, now, routed.decision_id)
        return HandoffRead(
            lead_id=lead_id,
            stage=key,
            from_role=handoff.from_role,
            to_role=handoff.to_role,
            reason=str(noted["reason"]),
            owners=roles.owners(session, lead_id),
            decision=summary_of(routed),
        )

    return unit_of_work.write(db=db, cache=cache, work=work)
