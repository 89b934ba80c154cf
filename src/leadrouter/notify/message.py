"""A notification as a value: what the outbox stores and a channel sender delivers.

One Message per event and channel, with a `key` that is unique for that pair: the outbox refuses
a second row with the same key, and webhook receivers see it as the `Idempotency-Key`. Nothing
here does I/O. `DeliveryFailed` is what every channel sender raises.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from leadrouter.errors import IntegrationError
from leadrouter.model import EMPTY


class Channel(StrEnum):
    SLACK = "slack"  # an incoming-webhook URL from settings
    EMAIL = "email"  # SMTP, to `Message.to`
    WEBHOOK = "webhook"  # a signed POST of `Message.data` to the URL from settings
    CRM = "crm"  # a write-back to a CRM (`connectors/`): the owner, a task


@dataclass(frozen=True, slots=True)
class Message:
    key: str  # "<event key>:<channel>"; unique in the outbox, the webhook Idempotency-Key
    channel: Channel
    event: str  # the template / event name, e.g. "sla_reminder"
    subject: str
    text: str
    to: str = ""  # an email address; empty for Slack and webhooks (one configured endpoint)
    data: Mapping[str, Any] = field(default_factory=lambda: EMPTY)  # JSON-ready event payload

    def to_dict(self) -> dict[str, Any]:
        """The JSON form stored in the outbox's payload column."""
        return {
            "key": self.key,
            "channel": str(self.channel),
            "event": self.event,
            "subject": self.subject,
            "text": self.text,
            "to": self.to,
            "data": dict(self.data),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Message:
        return cls(
            d["key"], Channel(d["channel"]), d["event"], d["subject"], d["text"], d["to"], d["data"]
        )


class DeliveryFailed(IntegrationError):
    """A channel could not deliver a message; `retryable` is False when trying again is useless."""

    def __init__(self, message: str, *, retryable: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        # Seconds the endpoint asked us to wait (HTTP Retry-After): no retry comes sooner.
        self.retry_after = retry_after
