"""Sequence enrollment at assignment: crm.yaml's `hubspot.sequences:` enroll a HubSpot contact
in a sequence (the Sequences API, `POST /automation/v4/sequences/enrollments`, sent as its new
owner), and `sequence_webhooks:` POST the owner and the lead, signed, to any other tool
(Outreach, Salesloft, a Zapier hook), for every lead, from a CRM or not.

Both are outbox messages on the `crm` channel, enqueued with the owner write-back
(`writeback.py`): the worker sends them with its retries (a 429's Retry-After honoured), and one
that fails for good alerts and is listed with the failing write-backs. The webhook is signed as
the notification webhooks are (`notify/webhook.py`: HMAC-SHA256 of `timestamp.body`, header
`X-Leadrouter-Signature`, an `Idempotency-Key`), with `LEADROUTER_SEQUENCE_WEBHOOK_SECRET`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from leadrouter.model import Decision, Kind
from leadrouter.notify.message import Channel, DeliveryFailed, Message
from leadrouter.notify.webhook import WebhookConfig, send_webhook
from leadrouter.policy.crm import Crm, CrmConfig, CrmSide

ENROLL = "enroll"  # HubSpot's Sequences API
SEQUENCE_WEBHOOK = "sequence_webhook"  # a signed POST to another tool


def hubspot_enrollments(
    side: CrmSide, key: str, data: Mapping[str, Any], decision: Decision
) -> list[Message]:
    """One message per `sequences:` entry the decision matches, for a HubSpot contact now owned
    by a rep; the sender (user id, email) resolved from crm.yaml now, missing or not."""
    if side.crm is not Crm.HUBSPOT or decision.kind is not Kind.REP or not decision.owner:
        return []
    sender = side.senders.get(decision.owner)
    found = []
    for i, action in enumerate(side.sequences):
        if action.applies(decision.rule, decision.pool):
            found.append(
                Message(
                    f"{key}:{ENROLL}:{i}",
                    Channel.CRM,
                    ENROLL,
                    f"sequence {action.sequence}",
                    "",
                    "",
                    dict(data)
                    | {
                        "sequence_id": action.sequence,
                        "user_id": sender.user_id if sender else None,
                        "sender_email": sender.email if sender else None,
                    },
                )
            )
    return found


def webhook_enrollments(
    config: CrmConfig,
    key: str,
    lead: Mapping[str, Any],
    owner: Mapping[str, Any],
    decision: Decision,
) -> list[Message]:
    """One signed POST per `sequence_webhooks:` entry the decision matches (a rep owns the
    lead): the sequence, the owner (`owner`: id, name, email) and the lead (`lead`)."""
    if decision.kind is not Kind.REP or not decision.owner:
        return []
    return [
        Message(
            f"{key}:{SEQUENCE_WEBHOOK}:{i}",
            Channel.CRM,
            SEQUENCE_WEBHOOK,
            f"sequence {action.sequence}",
            "",
            "",
            {
                "sequence": action.sequence,
                "url": action.url,
                "lead_id": lead["id"],
                "decision_id": lead["decision_id"],
                "rule": decision.rule,
                "pool": decision.pool,
                "owner": dict(owner),
                "lead": dict(lead["fields"]),
                "record": lead.get("record"),
            },
        )
        for i, action in enumerate(config.sequence_webhooks)
        if action.url and action.applies(decision.rule, decision.pool)
    ]


@dataclass(frozen=True, slots=True)
class SequenceWebhook:
    """The sender of `sequence_webhooks:` POSTs: one HTTP client, the signing secret."""

    client: httpx.Client
    secret: str = field(repr=False)

    def send(self, message: Message, now: datetime) -> None:
        url = message.data.get("url")
        if not url:
            raise DeliveryFailed("sequence webhook without a URL", retryable=False)
        send_webhook(self.client, WebhookConfig(str(url), self.secret), message, now)


def enroll_with(client: Any, message: Message) -> None:
    """Enroll the message's contact through `client` (`HubSpot`); DeliveryFailed when crm.yaml
    lacked the owner's sender (no retry fixes that: it alerts)."""
    data = message.data
    if not data.get("user_id") or not data.get("sender_email"):
        raise DeliveryFailed(
            f"hubspot: rep '{data.get('rep')}' has no user_id and email in crm.yaml (owners:), "
            f"needed to enroll in sequence {data.get('sequence_id')}: add them, then retry",
            retryable=False,
        )
    client.enroll(data["record"], data["sequence_id"], data["user_id"], data["sender_email"])
