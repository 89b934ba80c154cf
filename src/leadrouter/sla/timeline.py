"""A lead's timeline: everything that happened to it, oldest first, read in one place.

Arrival, routing decisions, touches, outcomes, SLA steps, messages and hand edits (the audit log),
each as a `TimelineEntry` with a sentence (`message`) and, for pages, a short `title` and detail
`lines`. The API and the dashboard's lead page both read it; they differ only in which kinds
they show and how they lay them out. Reads only.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadrouter.audit.models import AuditRow
from leadrouter.codec import decision_from_dict
from leadrouter.explain import describe, headline
from leadrouter.leads.models import DecisionRow, LeadRow, OutcomeRow, TouchRow
from leadrouter.model import EMPTY
from leadrouter.notify.models import OutboxRow
from leadrouter.notify.redact import redact
from leadrouter.sla.models import SlaEventRow

ARRIVAL, DECISION, TOUCH, OUTCOME, SLA, MESSAGE, CHANGE = (
    "arrival",
    "decision",
    "touch",
    "outcome",
    "sla",
    "message",
    "change",
)
ALL_KINDS = frozenset({ARRIVAL, DECISION, TOUCH, OUTCOME, SLA, MESSAGE, CHANGE})


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime
    kind: str  # one of the kinds above
    code: str  # reason code, decision kind, touch channel, outcome or message state
    message: str  # one sentence
    data: Mapping[str, Any] = field(default_factory=lambda: EMPTY)
    title: str = ""  # a short heading, for pages
    lines: tuple[str, ...] = ()  # details under the heading, for pages


def timeline(
    session: Session, lead_id: str, *, kinds: Collection[str] = ALL_KINDS
) -> list[TimelineEntry]:
    """The entries of `kinds` for a lead, oldest first; at one instant, causes before effects
    (a touch before the SLA it met)."""
    entries: list[TimelineEntry] = []
    if ARRIVAL in kinds and (lead := session.get(LeadRow, lead_id)) is not None:
        fields = tuple(f"{k}: {v}" for k, v in lead.raw.items())
        entries.append(
            TimelineEntry(lead.received_at, ARRIVAL, "received", "arrived", {}, "Arrived", fields)
        )
        if lead.route_after is not None:  # the grace delay held it: the wait, then the decision
            until = lead.route_after.isoformat()
            entries.append(
                TimelineEntry(
                    lead.received_at,
                    ARRIVAL,
                    "held",
                    f"held by the policy's grace delay until {until}",
                    {"route_after": until},
                    "Held (grace delay)",
                    (f"routes at {until}",),
                )
            )
    if DECISION in kinds:
        query = select(DecisionRow).where(DecisionRow.lead_id == lead_id).order_by(DecisionRow.id)
        why = _reroute_reasons(session, lead_id)
        entries += [_decision(row, why.get(row.id)) for row in session.scalars(query)]
    if TOUCH in kinds:
        for t in session.scalars(select(TouchRow).where(TouchRow.lead_id == lead_id)):
            who = t.rep or "someone"
            entries.append(
                TimelineEntry(
                    t.at,
                    TOUCH,
                    t.channel,
                    f"{who} touched the lead ({t.channel})",
                    {"rep": t.rep, "note": t.note},
                    f"Touched by {who} ({t.channel})",
                    (t.note,) if t.note else (),
                )
            )
    if OUTCOME in kinds:
        for o in session.scalars(select(OutcomeRow).where(OutcomeRow.lead_id == lead_id)):
            amount = (f"amount: {o.amount:,.2f}",) if o.amount is not None else ()
            entries.append(
                TimelineEntry(
                    o.at,
                    OUTCOME,
                    o.outcome,
                    f"outcome: {o.outcome}",
                    {"amount": o.amount},
                    f"Outcome: {o.outcome}",
                    amount,
                )
            )
    if SLA in kinds:
        query = select(SlaEventRow).where(SlaEventRow.lead_id == lead_id)
        entries += [
            TimelineEntry(e.at, SLA, e.reason, e.message, e.data, f"SLA: {e.reason}", (e.message,))
            for e in session.scalars(query)
        ]
    if MESSAGE in kinds:
        entries += [
            _message(m)
            for m in session.scalars(select(OutboxRow).where(OutboxRow.lead_id == lead_id))
        ]
    if CHANGE in kinds:
        query = select(AuditRow).where(AuditRow.entity == "lead", AuditRow.entity_id == lead_id)
        for change in session.scalars(query):
            title = f"{change.action} by {change.actor}"
            entries.append(
                TimelineEntry(
                    change.at,
                    CHANGE,
                    change.action,
                    title,
                    {"before": change.before, "after": change.after},
                    title,
                    (f"before: {change.before}", f"after: {change.after}"),
                )
            )
    return sorted(entries, key=lambda e: e.at)


def _reroute_reasons(session: Session, lead_id: str) -> dict[int, dict[str, Any]]:
    """Why a change or a hand-off routed the lead again, by the decision it caused
    (`leads.placement.change`, `leads.handoffs`)."""
    query = select(AuditRow).where(
        AuditRow.entity == "lead",
        AuditRow.entity_id == lead_id,
        AuditRow.action.in_(("reroute", "handoff")),
    )
    return {
        row.after["decision"]: row.after
        for row in session.scalars(query)
        if isinstance(row.after, dict) and row.after.get("decision") is not None
    }


def _decision(row: DecisionRow, reroute: Mapping[str, Any] | None = None) -> TimelineEntry:
    decision = decision_from_dict(row.body)
    data = {"decision": row.id, "cause": row.cause, "owner": row.owner, "queue": row.queue}
    title = "Routed" if row.cause == "new" else f"Routed again ({row.cause})"
    message, lines = headline(decision), tuple(describe(decision))
    if reroute is not None:  # a change's reroute trigger: its reason leads the entry
        data |= {"reason": reroute.get("reason"), "trigger": reroute.get("trigger")}
        message = f"{message} ({reroute.get('reason')})"
        lines = (str(reroute.get("reason")), *lines)
    return TimelineEntry(
        row.at, DECISION, row.kind, message, {**data, "rule": row.rule}, title, lines
    )


def _message(m: OutboxRow) -> TimelineEntry:
    delivery = f"sent {m.sent_at:%Y-%m-%d %H:%M:%S}" if m.sent_at else m.state
    return TimelineEntry(
        m.sent_at or m.created_at,
        MESSAGE,
        m.state,
        f"{m.channel} {m.payload['event']}: {m.payload['subject']}",
        {
            "key": m.key,
            "to": m.payload["to"],
            "attempts": m.attempts,
            # Masked again: rows stored before errors were masked hold whole URLs.
            "last_error": redact(m.last_error) if m.last_error else None,
        },
        f"Notification ({m.channel})",
        (delivery,),
    )
