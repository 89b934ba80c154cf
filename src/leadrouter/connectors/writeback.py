"""What an assignment writes to the CRM a lead came from, and the sender that writes it.

`enqueue_writebacks` runs when the worker takes in a decision (`sla/intake.py`), in that
transaction: for a lead whose external id names a CRM record, one outbox message writes the
owner (a rep's CRM user; in Salesforce a queue's id for a lead left in a mapped queue) and one
per matching `tasks:` entry creates a task for the owner. The message carries the CRM user id
resolved from crm.yaml at that moment; a rep without one still gets a message, which fails for
good with that reason and alerts (no write-back is silently dropped). Sequence enrollments
(`sequences.py`) ride along: HubSpot's per matching `sequences:` entry, and the signed
`sequence_webhooks:` POSTs for every lead a rep gets. `CrmWriter` is the
outbox's sender for the `crm` channel: the worker delivers these with its backoff and dead
letters, honouring the CRM's Retry-After.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadrouter.connectors.sequences import (
    ENROLL,
    SEQUENCE_WEBHOOK,
    SequenceWebhook,
    enroll_with,
    hubspot_enrollments,
    webhook_enrollments,
)
from leadrouter.leads.models import DecisionRow, LeadRow
from leadrouter.model import Decision, Kind
from leadrouter.notify.message import Channel, DeliveryFailed, Message
from leadrouter.notify.models import DEAD, PENDING, SENT, OutboxRow
from leadrouter.notify.outbox import enqueue
from leadrouter.policy.crm import Crm, CrmConfig
from leadrouter.reps.models import RepRow

OWNER = "owner"
TASK = "task"


def external_id(crm: Crm, record_id: str) -> str:
    """The lead's external id for a CRM record: `hubspot:<contact id>`, `salesforce:<Lead Id>`."""
    return f"{crm}:{record_id}"


def crm_record(external: str | None) -> tuple[Crm, str] | None:
    """(CRM, record id) of a lead's external id, or None for a lead from elsewhere."""
    if not external:
        return None
    name, _, record = external.partition(":")
    if name in {c.value for c in Crm} and record:
        return Crm(name), record
    return None


def _fill(template: str, fields: Mapping[str, Any]) -> str:
    class Blank(dict[str, Any]):
        def __missing__(self, key: str) -> str:
            return ""

    try:
        return template.format_map(Blank(fields))
    except (ValueError, IndexError, AttributeError):
        return template


def writebacks(
    config: CrmConfig, row: DecisionRow, lead_row: LeadRow, decision: Decision
) -> list[Message]:
    """The CRM messages a decision makes: the owner, then its tasks; none for a lead from
    elsewhere, or from a CRM that crm.yaml does not configure."""
    found = crm_record(lead_row.external_id)
    side = config.get(found[0]) if found else None
    if found is None or side is None:
        return []
    crm, record = found
    data: dict[str, Any] = {
        "crm": str(crm),
        "record": record,
        "lead_id": lead_row.id,
        "decision_id": row.id,
        "rule": decision.rule,
        "property": side.owner_property,
    }
    key = f"decision:{row.id}:crm"
    if decision.kind is Kind.REP and decision.owner:
        owner = side.owners.get(decision.owner)
        data |= {"rep": decision.owner, "owner_id": owner}
    elif decision.kind is not Kind.REP and decision.queue in side.queues:
        data |= {"queue": decision.queue, "owner_id": side.queues[decision.queue]}
    else:
        return []  # a queue the CRM does not know: nobody to write
    who = decision.owner or decision.queue or ""
    messages = [Message(f"{key}:{OWNER}", Channel.CRM, OWNER, f"{crm} owner: {who}", "", "", data)]
    if decision.kind is Kind.REP:
        raw = lead_row.raw if isinstance(lead_row.raw, dict) else {}
        for i, task in enumerate(side.tasks):
            if task.applies(decision.rule, decision.pool):
                subject = _fill(task.subject, raw)
                due = decision.at + timedelta(hours=task.due_in_hours)
                body = f"Routed by leadrouter (rule {decision.rule}): /v1/leads/{lead_row.id}"
                messages.append(
                    Message(
                        f"{key}:{TASK}:{i}",
                        Channel.CRM,
                        TASK,
                        subject,
                        body,
                        "",
                        data | {"due_at": due.isoformat()},
                    )
                )
        messages += hubspot_enrollments(side, key, data, decision)
    return messages


def enqueue_writebacks(
    session: Session,
    config: CrmConfig | None,
    row: DecisionRow,
    lead_row: LeadRow,
    decision: Decision,
    now: datetime,
) -> int:
    """Put the decision's CRM messages and sequence webhooks in the outbox, in the caller's
    transaction."""
    if config is None:
        return 0
    messages = writebacks(config, row, lead_row, decision)
    hooks = config.sequence_webhooks
    rep = session.get(RepRow, decision.owner) if hooks and decision.owner else None
    if rep is not None:
        found = crm_record(lead_row.external_id)
        lead = {
            "id": lead_row.id,
            "decision_id": row.id,
            "fields": lead_row.raw if isinstance(lead_row.raw, dict) else {},
            "record": {"crm": str(found[0]), "id": found[1]} if found else None,
        }
        owner = {"id": rep.id, "name": rep.name, "email": rep.email}
        messages += webhook_enrollments(config, f"decision:{row.id}:crm", lead, owner, decision)
    return enqueue(session, messages, lead_id=lead_row.id, now=now)


class CrmClient(Protocol):
    """What a CRM's client does for the write-backs (`hubspot/client.py`, `salesforce/...`)."""

    @property
    def secrets(self) -> tuple[str, ...]: ...

    def set_owner(self, record_id: str, owner_id: str, prop: str) -> None: ...

    def create_task(
        self, record_id: str, owner_id: str, subject: str, body: str, due: datetime
    ) -> str: ...


@dataclass(frozen=True, slots=True)
class CrmWriter:
    """The outbox's sender for the `crm` channel: one client per configured CRM."""

    clients: Mapping[Crm, CrmClient]
    sequence_webhook: SequenceWebhook | None = None

    @property
    def secrets(self) -> tuple[str, ...]:
        hook = (self.sequence_webhook.secret,) if self.sequence_webhook else ()
        return (*(s for client in self.clients.values() for s in client.secrets), *hook)

    def send(self, message: Message, now: datetime) -> None:
        data = message.data
        if message.event == SEQUENCE_WEBHOOK:
            if self.sequence_webhook is None:
                raise DeliveryFailed(
                    "sequence webhooks need LEADROUTER_SEQUENCE_WEBHOOK_SECRET on this worker",
                    retryable=False,
                )
            self.sequence_webhook.send(message, now)
            return
        crm = Crm(data["crm"])
        client = self.clients.get(crm)
        if client is None:
            raise DeliveryFailed(f"{crm} is not configured on this worker", retryable=False)
        owner = data.get("owner_id")
        if not owner:
            raise DeliveryFailed(
                f"{crm}: rep '{data.get('rep')}' has no {crm} user in crm.yaml (owners:): "
                "add it, then retry this write-back",
                retryable=False,
            )
        if message.event == OWNER:
            client.set_owner(data["record"], owner, data.get("property") or "")
        elif message.event == TASK:
            due = datetime.fromisoformat(data["due_at"])
            client.create_task(data["record"], owner, message.subject, message.text, due)
        elif message.event == ENROLL:
            enroll_with(client, message)
        else:
            raise DeliveryFailed(f"unknown CRM action '{message.event}'", retryable=False)


def written_owner(session: Session, lead_id: str) -> Mapping[str, Any] | None:
    """The data of the lead's latest owner write-back the CRM accepted, or None."""
    row = session.scalar(
        select(OutboxRow)
        .where(
            OutboxRow.lead_id == lead_id,
            OutboxRow.channel == str(Channel.CRM),
            OutboxRow.state == SENT,
            OutboxRow.key.like(f"%:crm:{OWNER}"),
        )
        .order_by(OutboxRow.id.desc())
        .limit(1)
    )
    return row.payload["data"] if row is not None else None


@dataclass(frozen=True, slots=True)
class Writeback:
    id: int
    lead_id: str | None
    crm: str
    action: str
    state: str
    attempts: int
    last_error: str | None
    next_attempt_at: datetime
    created_at: datetime


def failing(session: Session, *, limit: int = 100) -> list[Writeback]:
    """CRM write-backs that failed at least once and are not sent: dead (alerted, waiting for
    a fix and a retry) or still retrying; newest first."""
    rows = session.scalars(
        select(OutboxRow)
        .where(
            OutboxRow.channel == str(Channel.CRM),
            OutboxRow.state.in_((DEAD, PENDING)),
            OutboxRow.attempts > 0,
        )
        .order_by(OutboxRow.id.desc())
        .limit(limit)
    )
    return [
        Writeback(
            row.id,
            row.lead_id,
            str(row.payload["data"].get("crm", "webhook")),
            str(row.payload.get("event", "")),
            row.state,
            row.attempts,
            row.last_error,
            row.next_attempt_at,
            row.created_at,
        )
        for row in rows
    ]
