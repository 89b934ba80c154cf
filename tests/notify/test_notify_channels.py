"""Channel senders against real receivers: signed webhooks, Slack JSON, SMTP email."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from leadrouter.notify.message import Channel, DeliveryFailed, Message
from leadrouter.notify.slack import send_slack
from leadrouter.notify.smtp import SmtpConfig, send_email
from leadrouter.notify.webhook import (
    InvalidSignature,
    WebhookConfig,
    send_webhook,
    sign,
    verify_signature,
)

from .servers import SECRET, HttpReceiver, http_receiver, smtp_sink

MESSAGE = Message(
    "sla:42:webhook",
    Channel.WEBHOOK,
    "sla_reminder",
    "Reminder: contact Jo Park",
    "Hi Ana, ...",
    data={"lead_id": "L1", "deadline": "2026-11-24T15:05:00+00:00"},
)
NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


@pytest.fixture
def receiver() -> Iterator[HttpReceiver]:
    with http_receiver() as server:
        yield server


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5) as c:
        yield c


def test_send_webhook__real_receiver_verifies_signature_and_sees_idempotency_key(
    receiver: HttpReceiver, client: httpx.Client
) -> None:
    config = WebhookConfig(f"{receiver.url}/hook", SECRET)
    send_webhook(client, config, MESSAGE, datetime.now(UTC))
    (request,) = receiver.requests
    assert receiver.rejected == [] and receiver.delivered_keys == ["sla:42:webhook"]
    assert request.headers["X-Leadrouter-Event"] == "sla_reminder"
    assert request.json()["data"]["lead_id"] == "L1"


def test_send_webhook__receiver_dedupes_a_redelivery_by_idempotency_key(
    receiver: HttpReceiver, client: httpx.Client
) -> None:
    config = WebhookConfig(f"{receiver.url}/hook", SECRET)
    send_webhook(client, config, MESSAGE, datetime.now(UTC))
    send_webhook(client, config, MESSAGE, datetime.now(UTC))  # a worker died before marking
    assert len(receiver.requests) == 2 and receiver.delivered_keys == ["sla:42:webhook"]


def test_send_webhook__wrong_secret_is_rejected_and_not_retryable(
    receiver: HttpReceiver, client: httpx.Client
) -> None:
    config = WebhookConfig(f"{receiver.url}/hook", "not-the-secret")
    with pytest.raises(DeliveryFailed, match="HTTP 400") as caught:
        send_webhook(client, config, MESSAGE, datetime.now(UTC))
    assert not caught.value.retryable
    assert receiver.rejected == ["signature does not match the body"]


def test_send_webhook__a_stale_timestamp_is_rejected_as_a_replay(
    receiver: HttpReceiver, client: httpx.Client
) -> None:
    config = WebhookConfig(f"{receiver.url}/hook", SECRET)
    with pytest.raises(DeliveryFailed):
        send_webhook(client, config, MESSAGE, datetime.now(UTC) - timedelta(hours=1))
    assert "outside tolerance" in receiver.rejected[0]


def test_post__server_errors_and_refused_connections_are_retryable(
    receiver: HttpReceiver, client: httpx.Client
) -> None:
    receiver.failures["/hook"] = 1
    config = WebhookConfig(f"{receiver.url}/hook", SECRET)
    with pytest.raises(DeliveryFailed, match="HTTP 503") as caught:
        send_webhook(client, config, MESSAGE, NOW)
    assert caught.value.retryable
    closed = WebhookConfig("http://127.0.0.1:9/hook", SECRET)  # discard port: nothing listens
    with pytest.raises(DeliveryFailed, match="ConnectError") as caught:
        send_webhook(client, closed, MESSAGE, NOW)
    assert caught.value.retryable


def test_verify_signature__accepts_its_own_signature_within_tolerance() -> None:
    body = b'{"x":1}'
    header = sign(SECRET, int(NOW.timestamp()), body)
    verify_signature(SECRET, {"x-leadrouter-signature": header}, body, NOW + timedelta(minutes=4))


def test_verify_signature__rejects_a_tampered_body() -> None:
    header = sign(SECRET, int(NOW.timestamp()), b'{"x":1}')
    with pytest.raises(InvalidSignature, match="does not match"):
        verify_signature(SECRET, {"X-Leadrouter-Signature": header}, b'{"x":2}', NOW)


def test_verify_signature__rejects_timestamps_outside_tolerance_either_way() -> None:
    body = b"{}"
    for skew in (timedelta(minutes=6), -timedelta(minutes=6)):
        header = sign(SECRET, int((NOW + skew).timestamp()), body)
        with pytest.raises(InvalidSignature, match="outside tolerance"):
            verify_signature(SECRET, {"X-Leadrouter-Signature": header}, body, NOW)


def test_verify_signature__accepts_any_v1_while_secrets_rotate() -> None:
    body, ts = b"{}", int(NOW.timestamp())
    old = sign("old-secret", ts, body)
    new = sign(SECRET, ts, body).split(",")[1]
    verify_signature(SECRET, {"X-Leadrouter-Signature": f"{old},{new}"}, body, NOW)


@pytest.mark.parametrize("header", [None, "v1=abc", "t=abc,v1=abc", "t=1700000000"])
def test_verify_signature__rejects_missing_or_malformed_headers(header: str | None) -> None:
    headers = {} if header is None else {"X-Leadrouter-Signature": header}
    with pytest.raises(InvalidSignature):
        verify_signature(SECRET, headers, b"{}", NOW)


def test_send_slack__posts_incoming_webhook_json_with_bold_subject(
    receiver: HttpReceiver, client: httpx.Client
) -> None:
    send_slack(client, f"{receiver.url}/slack", MESSAGE)
    (request,) = receiver.requests
    assert request.headers["Content-Type"] == "application/json"
    assert request.json() == {"text": "*Reminder: contact Jo Park*\nHi Ana, ..."}


def test_send_slack__a_revoked_hook_is_a_permanent_failure(
    receiver: HttpReceiver, client: httpx.Client
) -> None:
    with pytest.raises(DeliveryFailed, match="HTTP 404") as caught:
        send_slack(client, f"{receiver.url}/gone", MESSAGE)
    assert not caught.value.retryable


def test_send_email__real_smtp_server_receives_text_with_message_id_from_the_key() -> None:
    email = Message(
        "sla:42:email", Channel.EMAIL, "sla_reminder", "Reminder", "Call Jo.\n", "ana@acme.example"
    )
    with smtp_sink() as (sink, port):
        send_email(SmtpConfig("127.0.0.1", port, "routing@acme.example"), email, NOW)
    (received,) = sink.messages
    assert received["To"] == "ana@acme.example" and received["Subject"] == "Reminder"
    assert received["X-Leadrouter-Key"] == "sla:42:email"
    assert received["Message-ID"].endswith("@leadrouter>")
    assert received.get_payload().strip() == "Call Jo."


def test_send_email__a_refused_mailbox_is_permanent_and_a_dead_server_is_retryable() -> None:
    email = Message("k", Channel.EMAIL, "sla_reminder", "s", "t", "gone@acme.example")
    with smtp_sink() as (sink, port):
        sink.refuse.add("gone@acme.example")
        with pytest.raises(DeliveryFailed) as caught:
            send_email(SmtpConfig("127.0.0.1", port), email, NOW)
        assert not caught.value.retryable
    with pytest.raises(DeliveryFailed) as caught:
        send_email(SmtpConfig("127.0.0.1", port, timeout=2), email, NOW)
    assert caught.value.retryable


def test_message__round_trips_through_its_outbox_json() -> None:
    assert Message.from_dict(MESSAGE.to_dict()) == MESSAGE
