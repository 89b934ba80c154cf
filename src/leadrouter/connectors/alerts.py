"""The alert when a CRM write-back fails for good (retries spent, or a failure no retry fixes:
an unknown CRM user, a deleted record): the team hears of it on its channels, and the dead
write-back waits on `GET /v1/connectors/writebacks/failing` for a fix and a retry."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from leadrouter.notify.compose import Notification, compose
from leadrouter.notify.message import Channel, DeliveryFailed, Message
from leadrouter.notify.outbox import enqueue
from leadrouter.notify.templates import Templates


def alert_failed_writeback(
    session: Session,
    row_id: int,
    message: Message,
    error: DeliveryFailed,
    *,
    templates: Templates,
    channels: frozenset[Channel],
    now: datetime,
) -> int:
    """Enqueue the team's alert for the dead write-back `row_id`; how many messages."""
    data = message.data
    what = {"owner": "owner", "task": f"task '{message.subject}'"}.get(
        message.event, f"enrollment in {message.subject}"
    )
    # A sequence webhook's URL may be its credential (a Zapier hook): never in an alert.
    where = f"{data['crm']} record {data.get('record')}" if "crm" in data else "its webhook"
    detail = (
        f"Writing the {what} of lead {data.get('lead_id')} to {where} failed: {error}. "
        f"Dead letter {row_id}."
    )
    notification = Notification(
        event="crm_writeback_failed",
        key=f"outbox:{row_id}:dead",
        lead_id=str(data.get("lead_id", "")),
        rule=data.get("rule"),
        detail=detail,
    )
    return enqueue(
        session,
        compose(notification, templates, channels),
        lead_id=data.get("lead_id"),
        now=now,
    )
