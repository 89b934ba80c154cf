"""Secrets never echoed: failed deliveries store and show no credential, and the worker takes its
secrets from files or the environment instead of the command line."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from leadrouter.app import create_app
from leadrouter.keys import service as keys
from leadrouter.keys.schemas import KeyCreate, Scope
from leadrouter.migrations import upgrade
from leadrouter.notify import outbox
from leadrouter.notify.deliver import Deliverer, Endpoints
from leadrouter.notify.message import Channel, DeliveryFailed, Message
from leadrouter.notify.models import OutboxRow
from leadrouter.notify.redact import MASK, redact
from leadrouter.notify.retry import RetryPolicy
from leadrouter.notify.webhook import WebhookConfig
from leadrouter.settings import Settings
from leadrouter.store import Database

from ..store.databases import sqlite_url
from .servers import SECRET, HttpReceiver, http_receiver

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
HOOK_SECRET_PART = "B0AAAAAAA/xoxHookSecret123"


def message(channel: Channel) -> Message:
    return Message(f"lead:L1:{channel}", channel, "assigned", "New lead", "Hi", data={"x": 1})


def reader_key(session: Session) -> str:
    """A leads:read key: what any reader of dead letters holds."""
    key_in = KeyCreate(name="reader", scopes=[Scope.LEADS_READ])
    return keys.create(session=session, key_in=key_in, actor="test", now=NOW).token


@pytest.fixture
def receiver() -> Iterator[HttpReceiver]:
    with http_receiver() as server:
        yield server


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5) as c:
        yield c


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            "POST https://hooks.slack.com/services/T0/B0/XyZ: HTTP 404 no_team",
            f"POST https://hooks.slack.com/{MASK}: HTTP 404 no_team",
        ),
        (
            "POST https://user:pw@example.com: HTTP 500",
            f"POST https://example.com/{MASK}: HTTP 500",
        ),
        ("POST https://example.com: HTTP 500", "POST https://example.com: HTTP 500"),
        ("GET http://127.0.0.1:9/h?token=abc failed", f"GET http://127.0.0.1:9/{MASK} failed"),
        ("auth refused: password=hunter2 for jo", f"auth refused: password={MASK} for jo"),
        ("Authorization: Bearer abcdefghijkl", f"Authorization: Bearer {MASK}"),
        ("with key lr_abcdefghijklmnopqrstuvwxyz", f"with key {MASK}"),
    ],
)
def test_redact__masks_url_paths_and_credential_like_tokens(text: str, shown: str) -> None:
    assert redact(text) == shown


def test_redact__masks_known_secrets_anywhere() -> None:
    text = "the hook answered: bad T0/B0/XyZ; secret whsec_1 too"
    assert redact(text, ["T0/B0/XyZ", "XyZ", "whsec_1", None]) == (
        f"the hook answered: bad {MASK}; secret {MASK} too"
    )


def test_deliver__a_failed_slack_post_names_the_host_but_not_the_hook(
    receiver: HttpReceiver, client: httpx.Client
) -> None:
    url = f"{receiver.url}/gone/T0/{HOOK_SECRET_PART}"
    deliverer = Deliverer(Endpoints(slack_url=url), client)
    with pytest.raises(DeliveryFailed) as failed:
        deliverer.deliver(message(Channel.SLACK), NOW)
    assert "HTTP 404" in str(failed.value) and receiver.url in str(failed.value)
    assert "/gone" not in str(failed.value) and "xoxHook" not in str(failed.value)
    assert "xoxHook" not in repr(deliverer.endpoints)


def test_deliver__an_unreachable_webhook_hides_its_query_token(client: httpx.Client) -> None:
    url = "http://127.0.0.1:9/hook?token=tok_secret_value"
    deliverer = Deliverer(Endpoints(webhook=WebhookConfig(url, "whsec_x")), client)
    with pytest.raises(DeliveryFailed) as failed:
        deliverer.deliver(message(Channel.WEBHOOK), NOW)
    assert failed.value.retryable and "tok_secret_value" not in str(failed.value)
    assert "whsec_x" not in repr(deliverer.endpoints)


def test_dead_letters__a_failed_slack_delivery_shows_no_hook_url(
    tmp_path: Path, receiver: HttpReceiver, client: httpx.Client
) -> None:
    db = Database(sqlite_url(tmp_path))
    url = f"{receiver.url}/gone/T0/{HOOK_SECRET_PART}"
    deliverer = Deliverer(Endpoints(slack_url=url), client)
    with db.session() as session:
        outbox.enqueue(session, [message(Channel.SLACK)], lead_id="L1", now=NOW)
        token = reader_key(session)
    with db.session() as session:
        ((row_id, claimed),) = outbox.claim(
            session, worker="w", now=NOW, lease=timedelta(minutes=1), limit=10
        )
    with pytest.raises(DeliveryFailed) as failed:
        deliverer.deliver(claimed, NOW)
    with db.session() as session:
        state = outbox.mark_failed(
            session,
            row_id,
            worker="w",
            error=str(failed.value),
            retryable=failed.value.retryable,
            now=NOW,
            retry=RetryPolicy(),
            rng=random.Random(1),
        )
    assert state == "dead"  # a 404 is permanent
    app = create_app(Settings(db=db.url), database=db)
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as api:
        (dead,) = api.get("/v1/notifications/dead").json()
    assert "HTTP 404" in dead["last_error"] and "xoxHook" not in dead["last_error"]
    assert "/gone" not in dead["last_error"]
    db.dispose()


def test_dead_letters__an_error_stored_before_masking_is_masked_when_shown(tmp_path: Path) -> None:
    db = Database(sqlite_url(tmp_path))
    with db.session() as session:
        outbox.enqueue(session, [message(Channel.SLACK)], lead_id="L1", now=NOW)
        session.execute(
            update(OutboxRow).values(
                state="dead", last_error="POST https://hooks.slack.com/services/T0/B0/X: HTTP 404"
            )
        )
        token = reader_key(session)
    app = create_app(Settings(db=db.url), database=db)
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as api:
        (dead,) = api.get("/v1/notifications/dead").json()
    assert dead["last_error"] == f"POST https://hooks.slack.com/{MASK}: HTTP 404"
    db.dispose()


def test_settings__secrets_come_from_files(tmp_path: Path) -> None:
    (tmp_path / "hook").write_text(f"{SECRET}\n")
    (tmp_path / "slack").write_text("https://hooks.slack.com/services/T/B/C\n")
    settings = Settings(
        webhook_secret_file=tmp_path / "hook", slack_webhook_url_file=tmp_path / "slack"
    )
    assert settings.webhook_secret == SECRET
    assert settings.slack_webhook_url == "https://hooks.slack.com/services/T/B/C"
    assert SECRET not in repr(settings) and "hooks.slack.com" not in repr(settings)
    with pytest.raises(ValueError, match="cannot read the secret file"):
        Settings(smtp_password_file=tmp_path / "missing")


def test_worker__signs_webhooks_with_a_secret_from_a_file_not_the_command_line(
    tmp_path: Path, receiver: HttpReceiver
) -> None:
    db = Database(sqlite_url(tmp_path))
    upgrade(db.engine)
    with db.session() as session:
        outbox.enqueue(session, [message(Channel.WEBHOOK)], lead_id="L1", now=datetime.now(UTC))
    db.dispose()
    (tmp_path / "hook-secret").write_text(SECRET + "\n")
    env = {
        **os.environ,
        "LEADROUTER_WEBHOOK_URL": f"{receiver.url}/hook",
        "LEADROUTER_WEBHOOK_SECRET_FILE": str(tmp_path / "hook-secret"),
    }
    command = [
        str(Path(sys.executable).with_name("leadrouter")),
        "worker",
        "--once",
        "--db",
        db.url,
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert SECRET not in " ".join(command)
    assert receiver.rejected == [] and receiver.delivered_keys == ["lead:L1:webhook"]
