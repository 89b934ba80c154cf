"""Signed generic webhooks: HMAC-SHA256 over `timestamp + "." + body`, plus an idempotency key.

Senders and receivers share a secret. Each POST carries `X-Leadrouter-Signature: t=<unix
seconds>,v1=<hex digest>` and `Idempotency-Key: <outbox key>`. A receiver checks the signature
and the timestamp's age with `verify_signature` (which defeats replays older than the tolerance)
and remembers idempotency keys for at least that long (which defeats replays and our own
redeliveries inside it). See docs/notifications.md.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx

from leadrouter.errors import IntegrationError
from leadrouter.notify.http import post
from leadrouter.notify.message import Message

SIGNATURE_HEADER = "X-Leadrouter-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
EVENT_HEADER = "X-Leadrouter-Event"
DEFAULT_TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class WebhookConfig:
    url: str
    secret: str = field(repr=False)


class InvalidSignature(IntegrationError):
    """A webhook request whose signature or timestamp does not check out; reject it (HTTP 400)."""


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for `body` sent at `timestamp` (Unix seconds)."""
    return f"t={timestamp},v1={_digest(secret, timestamp, body)}"


def webhook_body(message: Message) -> bytes:
    """The exact bytes POSTed (and signed): the event as compact, key-sorted JSON."""
    document = {"id": message.key, "event": message.event, "subject": message.subject}
    document["data"] = dict(message.data)
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def send_webhook(
    client: httpx.Client, config: WebhookConfig, message: Message, now: datetime
) -> None:
    """POST the signed event to the configured URL; DeliveryFailed on any failure."""
    body = webhook_body(message)
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(config.secret, int(now.timestamp()), body),
        IDEMPOTENCY_HEADER: message.key,
        EVENT_HEADER: message.event,
    }
    post(client, config.url, body, headers)


def verify_signature(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    now: datetime,
    tolerance: timedelta = DEFAULT_TOLERANCE,
) -> None:
    """Check a received webhook: raise InvalidSignature unless signed with `secret` and fresh.

    `headers` may use any case. Several `v1=` entries are accepted (one per secret while a
    secret is being rotated); any one matching is enough.
    """
    value = next((v for k, v in headers.items() if k.lower() == SIGNATURE_HEADER.lower()), None)
    if value is None:
        raise InvalidSignature(f"missing {SIGNATURE_HEADER} header")
    timestamp: int | None = None
    candidates: list[str] = []
    for part in value.split(","):
        name, _, item = part.strip().partition("=")
        if name == "t" and item.isdigit():
            timestamp = int(item)
        elif name == "v1":
            candidates.append(item)
    if timestamp is None or not candidates:
        raise InvalidSignature(f"malformed {SIGNATURE_HEADER}: expected t=<seconds>,v1=<hex>")
    age = now.timestamp() - timestamp
    if abs(age) > tolerance.total_seconds():
        raise InvalidSignature(f"timestamp {timestamp} is {age:.0f}s from now: outside tolerance")
    expected = _digest(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, c) for c in candidates):
        raise InvalidSignature("signature does not match the body")
