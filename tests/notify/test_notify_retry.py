"""Retry policy: exponential backoff with full jitter, then dead letter, against a real endpoint."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import httpx
from hypothesis import given
from hypothesis import strategies as st

from leadrouter.notify.deliver import Deliverer, Endpoints
from leadrouter.notify.message import Channel, DeliveryFailed, Message
from leadrouter.notify.retry import RetryPolicy
from leadrouter.notify.webhook import WebhookConfig

from .servers import SECRET, http_receiver

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
POLICY = RetryPolicy(max_attempts=5, base=timedelta(seconds=10), cap=timedelta(minutes=1))


@given(st.integers(1, 4), st.integers(0, 2**32))
def test_next_attempt__waits_between_zero_and_the_exponential_ceiling(
    attempts: int, seed: int
) -> None:
    due = POLICY.next_attempt(attempts, NOW, random.Random(seed))
    assert due is not None
    ceiling = min(timedelta(minutes=1), timedelta(seconds=10) * 2 ** (attempts - 1))
    assert NOW <= due <= NOW + ceiling


def test_next_attempt__is_reproducible_from_the_seed() -> None:
    first = [POLICY.next_attempt(n, NOW, random.Random(7)) for n in range(1, 5)]
    again = [POLICY.next_attempt(n, NOW, random.Random(7)) for n in range(1, 5)]
    assert first == again


def test_next_attempt__none_after_max_attempts_means_dead_letter() -> None:
    assert POLICY.next_attempt(5, NOW, random.Random(1)) is None


def test_ceiling__doubles_then_stays_at_the_cap_even_for_huge_counts() -> None:
    assert [POLICY.ceiling(n).total_seconds() for n in (1, 2, 3, 4, 5)] == [10, 20, 40, 60, 60]
    assert POLICY.ceiling(10_000) == timedelta(minutes=1)


def test_delivery__failing_endpoint_is_retried_with_backoff_then_dead_lettered() -> None:
    message = Message("k:webhook", Channel.WEBHOOK, "queue_alert", "s", "t", data={"x": 1})
    rng, now, attempts, waits = random.Random(3), NOW, 0, []
    with http_receiver() as receiver, httpx.Client(timeout=5) as client:
        receiver.failures["/hook"] = 100
        deliverer = Deliverer(
            Endpoints(webhook=WebhookConfig(f"{receiver.url}/hook", SECRET)), client
        )
        while True:
            try:
                deliverer.deliver(message, now)
            except DeliveryFailed as error:
                assert error.retryable
                attempts += 1
                due = POLICY.next_attempt(attempts, now, rng)
                if due is None:
                    break
                waits.append(due - now)
                now = due
        assert len(receiver.requests) == attempts == 5 and receiver.delivered_keys == []
    assert all(w <= POLICY.ceiling(n) for n, w in enumerate(waits, start=1))


def test_delivery__endpoint_that_recovers_gets_the_message_once() -> None:
    message = Message("k:webhook", Channel.WEBHOOK, "queue_alert", "s", "t")
    with http_receiver() as receiver, httpx.Client(timeout=5) as client:
        receiver.failures["/hook"] = 2
        deliverer = Deliverer(
            Endpoints(webhook=WebhookConfig(f"{receiver.url}/hook", SECRET)), client
        )
        failures = 0
        while True:
            try:
                deliverer.deliver(message, datetime.now(UTC))
                break
            except DeliveryFailed:
                failures += 1
        assert failures == 2 and receiver.delivered_keys == ["k:webhook"]


def test_deliver__an_unconfigured_channel_fails_permanently() -> None:
    message = Message("k:slack", Channel.SLACK, "queue_alert", "s", "t")
    with httpx.Client() as client:
        try:
            Deliverer(Endpoints(), client).deliver(message, NOW)
        except DeliveryFailed as error:
            assert not error.retryable and "not configured" in str(error)
        else:
            raise AssertionError("expected DeliveryFailed")
