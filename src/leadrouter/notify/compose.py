"""From "this happened to this lead" to one Message per channel, rendered from the templates.

A rep's notices go by email to the rep (when email is on) and to the team's Slack and webhook
when those are configured; team notices (a lead in a fallback queue) go to Slack and the
webhook. Pure apart from reading template files once: no clock, no sending.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from leadrouter.model import EMPTY, Rep
from leadrouter.notify.message import Channel, Message
from leadrouter.notify.templates import Templates


@dataclass(frozen=True, slots=True)
class Notification:
    """What to tell, before rendering: the event, the lead, the reader and the why."""

    event: str  # template name: assigned, sla_reminder, sla_alert, sla_reassigned, queue_alert
    key: str  # unique per event, e.g. "sla:<timer id>"; channel keys derive from it
    lead_id: str
    lead: Mapping[str, Any] = field(default_factory=lambda: EMPTY)  # normalized lead fields
    rep: Rep | None = None  # the reader; None for the team channel
    owner: str | None = None  # the lead's owner when the reader is someone else
    why: tuple[str, ...] = ()  # the decision's trace summary, one line each
    rule: str | None = None
    deadline: datetime | None = None
    sla: str | None = None
    queue: str | None = None
    detail: str = ""  # the timeline event's wording


def compose(
    notification: Notification, templates: Templates, channels: frozenset[Channel]
) -> tuple[Message, ...]:
    """One message per enabled channel that can reach the reader, all with the same text."""
    n = notification
    reachable = sorted(
        c
        for c in channels
        if c is not Channel.CRM and (c is not Channel.EMAIL or (n.rep and n.rep.email))
    )
    if not reachable:
        return ()
    subject, text = templates.render(n.event, _context(n))
    data = {
        "lead_id": n.lead_id,
        "rep": n.rep.id if n.rep else None,
        "owner": n.owner,
        "rule": n.rule,
        "why": list(n.why),
        "deadline": n.deadline.isoformat() if n.deadline else None,
        "sla": n.sla,
        "queue": n.queue,
        "detail": n.detail,
    }
    messages = []
    for channel in reachable:
        to = n.rep.email if channel is Channel.EMAIL and n.rep else ""
        messages.append(Message(f"{n.key}:{channel}", channel, n.event, subject, text, to, data))
    return tuple(messages)


def _context(n: Notification) -> dict[str, Any]:
    return {
        "lead_id": n.lead_id,
        "lead": n.lead,
        "rep": n.rep,
        "owner": n.owner,
        "why": n.why,
        "rule": n.rule,
        "deadline": n.deadline,
        "sla": n.sla,
        "queue": n.queue,
        "detail": n.detail,
    }
