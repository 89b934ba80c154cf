"""Where a routed lead goes next: routed again under the current configuration (a reroute, a
change whose `reroute:` trigger fires, a hand-off: `route_again`), or moved by hand or by an
SLA step outside routing (`assign`). Each frees or takes a rep's open-lead slot as the move
requires, and writes an audit entry from the lead's old place to its new one, so the timeline
shows every move. Nothing here commits: the caller's unit of work does (`leads/unit_of_work.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from leadrouter.audit import service as audit
from leadrouter.leads import changes as changes_
from leadrouter.leads import routing, unit_of_work
from leadrouter.leads.decisions import summary_of
from leadrouter.leads.models import ROUTED, LeadRow
from leadrouter.leads.rotation import move_load
from leadrouter.leads.schemas import CLOSED, ChangeRead, DecisionSummary
from leadrouter.leads.service import get_or_raise
from leadrouter.model import Kind
from leadrouter.policies.snapshot import ConfigCache
from leadrouter.policy.compiled import CompiledPolicy
from leadrouter.store import Database

_AUDIT = audit.Recorder("lead")


def reroute(
    *, db: Database, cache: ConfigCache, lead_id: str, now: datetime, actor: str
) -> DecisionSummary:
    """Route the lead again under the current configuration; a new decision, history kept."""

    def work(session: Session, lock: bool) -> routing.Routed:
        lead = unit_of_work.lock_lead(session, lead_id)
        return route_again(
            session, cache, lead, now, cause="reroute", lock=lock, actor=actor, action="reroute"
        )

    return summary_of(unit_of_work.write(db=db, cache=cache, work=work))


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
    was = _place(lead)
    if lead.status == ROUTED and lead.kind == Kind.REP and lead.outcome not in CLOSED:
        move_load(session, lead.owner, None)
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
    now_at = {"kind": decision.kind.value, "owner": decision.owner, "queue": decision.queue}
    _AUDIT.record(
        session, lead.id, action, actor=actor, at=now, before=was, after=now_at | noted(routed)
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
        lead = unit_of_work.lock_lead(session, lead_id)
        before = dict(lead.raw)
        raw = {k: v for k, v in (before | changes).items() if v is not None}
        if raw == before:
            return ChangeRead(lead_id=lead_id, rerouted=False, reason="nothing changed")
        lead.raw = raw
        was, now_is = ({k: fields.get(k) for k in changes} for fields in (before, raw))
        _AUDIT.record(session, lead_id, "change", actor=actor, at=now, before=was, after=now_is)
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
            decision=summary_of(routed),
        )

    return unit_of_work.write(db=db, cache=cache, work=work)


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
    before = _place(lead)
    old = lead.owner if lead.kind == Kind.REP else None
    if rep is not None:
        lead.kind, lead.owner, lead.queue = Kind.REP.value, rep, None
    else:
        lead.kind, lead.owner, lead.queue = kind.value, None, queue
    if lead.outcome not in CLOSED and old != rep:
        move_load(session, old, rep)
    _AUDIT.record(
        session, lead_id, "assign", actor=cause, at=now, before=before, after=_place(lead)
    )


def _place(lead: LeadRow) -> dict[str, Any]:
    """Where the lead is, as the audit log records a move."""
    return {"kind": lead.kind, "owner": lead.owner, "queue": lead.queue}
