"""Delivering one outbox message through its channel, with the endpoints from settings.

The worker calls `Deliverer.deliver` for each claimed message and records the outcome; this
module only routes a Message to the right sender. A channel that is not configured is a
permanent failure (the message dead-letters with that reason instead of retrying forever). Every
failure leaves here with the endpoints' secrets masked (`notify.redact`), whatever the sender or
the library under it put in its text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

import httpx

from leadrouter.notify.message import Channel, DeliveryFailed, Message
from leadrouter.notify.redact import redact
from leadrouter.notify.slack import send_slack
from leadrouter.notify.smtp import SmtpConfig, send_email
from leadrouter.notify.webhook import WebhookConfig, send_webhook


class CrmSender(Protocol):
    """Writes a CRM message (an owner, a task) to the CRM it names (`connectors/`)."""

    @property
    def secrets(self) -> tuple[str, ...]: ...

    def send(self, message: Message, now: datetime) -> None: ...


@dataclass(frozen=True, slots=True)
class Endpoints:
    smtp: SmtpConfig | None = None
    slack_url: str | None = field(default=None, repr=False)  # the URL is the credential
    webhook: WebhookConfig | None = None
    crm: CrmSender | None = None

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every credential of the configured endpoints: what `redact` masks in their errors."""
        found = (
            self.slack_url,
            self.smtp.password if self.smtp else None,
            self.webhook.secret if self.webhook else None,
            self.webhook.url if self.webhook else None,
        )
        crm = self.crm.secrets if self.crm else ()
        return tuple(s for s in (*found, *crm) if s)

    @property
    def channels(self) -> frozenset[Channel]:
        """The channels that can deliver, for `compose`."""
        enabled = {
            Channel.EMAIL: self.smtp is not None,
            Channel.SLACK: self.slack_url is not None,
            Channel.WEBHOOK: self.webhook is not None,
            Channel.CRM: self.crm is not None,
        }
        return frozenset(channel for channel, on in enabled.items() if on)


class Deliverer:
    """Sends messages through one shared HTTP client (connection reuse across messages)."""

    def __init__(self, endpoints: Endpoints, client: httpx.Client) -> None:
        self.endpoints = endpoints
        self.client = client

    def deliver(self, message: Message, now: datetime) -> None:
        """Send one message; raise DeliveryFailed (with `retryable`) when it did not go out."""
        try:
            self._send(message, now)
        except DeliveryFailed as error:
            text = redact(str(error), self.endpoints.secrets)
            # Not chained: the library's exception under it may print the whole URL.
            raise DeliveryFailed(
                text, retryable=error.retryable, retry_after=error.retry_after
            ) from None

    def _send(self, message: Message, now: datetime) -> None:
        e = self.endpoints
        if message.channel is Channel.EMAIL and e.smtp is not None:
            send_email(e.smtp, message, now)
        elif message.channel is Channel.SLACK and e.slack_url is not None:
            send_slack(self.client, e.slack_url, message)
        elif message.channel is Channel.WEBHOOK and e.webhook is not None:
            send_webhook(self.client, e.webhook, message, now)
        elif message.channel is Channel.CRM and e.crm is not None:
            e.crm.send(message, now)
        else:
            raise DeliveryFailed(f"channel {message.channel} is not configured", retryable=False)
