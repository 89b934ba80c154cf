"""Sequence enrollment at assignment: HubSpot's Sequences API (the owner as sender) against the
local server, and a signed webhook to any other tool against a local receiver; both through the
outbox, retried on a 429, alerting when they fail for good. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from leadrouter.connectors.hubspot.client import HubSpot
from leadrouter.connectors.runtime import Connectors
from leadrouter.connectors.sequences import SequenceWebhook
from leadrouter.errors import PolicyError
from leadrouter.model import Pool, Team
from leadrouter.notify.models import DEAD, OutboxRow
from leadrouter.notify.webhook import verify_signature
from leadrouter.policy.crm import CrmConfig, check_crm, parse_crm

from .conftest import CRM_YAML, HUBSPOT_TOKEN, Running, add_contact, signed_post
from .crm_servers import HookHandler, fixture, serve

HOOK_SECRET = "sequence-hook-secret"
SENDERS = """\
  owners:
    ana: {id: "1001", user_id: "2001", email: ana@example.com}
    bob: {id: "1002", user_id: "2002", email: bob@example.com}
    carl: 1003
  sequences:
    - pool: smb
      sequence_id: "987654"
"""


def _yaml(hook_url: str) -> str:
    hubspot, rest = CRM_YAML.split("  tasks:\n", 1)
    hubspot = hubspot.split("  owners:\n")[0] + SENDERS + "  tasks:\n" + rest
    return (
        hubspot
        + f"sequence_webhooks:\n  - pool: smb\n    url: {hook_url}/enroll\n"
        + ("    sequence: smb-outbound\n")
    )


@pytest.fixture
def hook_server() -> Iterator[Running]:
    with serve(HookHandler, "") as running:
        yield running


@pytest.fixture
def crm_config(hook_server: Running) -> CrmConfig:
    return parse_crm(_yaml(hook_server.url), "crm.yaml")


@pytest.fixture
def connectors(crm_config: CrmConfig, hubspot_server: Running) -> Iterator[Connectors]:
    client = httpx.Client(timeout=5)
    yield Connectors(
        config=crm_config,
        hubspot=HubSpot(HUBSPOT_TOKEN, base_url=hubspot_server.url, timeout=5),
        hubspot_secret="hubspot-app-client-secret",
        sequence_webhook=SequenceWebhook(client, HOOK_SECRET),
    )
    client.close()


def _owned_contact(api, server, clock, contact: str = "512") -> str:
    add_contact(server, contact)
    event = fixture("hubspot_contact_creation.json")[0] | {"objectId": int(contact)}
    (result,) = signed_post(api, [event], now=clock).json()["results"]
    assert result["decision"]["pool"] == "smb", result
    return str(result["decision"]["owner"])


def test_hubspot_sequence__enrolls_the_contact_sent_by_its_owner(
    crm_api, hubspot_server, worker, clock
):
    owner = _owned_contact(crm_api, hubspot_server, clock)
    assert owner != "carl", "the first contact goes to a rep with a sender (carl: below)"

    worker.run_once()

    (enrolled,) = hubspot_server.state.enrollments
    assert enrolled["contactId"] == "512" and enrolled["sequenceId"] == "987654"
    assert enrolled["senderEmail"] == f"{owner}@example.com"
    assert enrolled["userId"] == {"ana": "2001", "bob": "2002"}[owner]


def test_hubspot_sequence_rate_limited__is_retried(
    crm_api, hubspot_server, worker, clock, database
):
    assert _owned_contact(crm_api, hubspot_server, clock) != "carl"  # a rep with a sender
    hubspot_server.state.fail(429, {"Retry-After": "60"}, times=3)  # owner, task, enrollment

    worker.run_once()
    with database.read() as session:
        row = session.scalars(select(OutboxRow).where(OutboxRow.key.like("%:crm:enroll:0"))).one()
    assert "HTTP 429" in (row.last_error or "") and row.state != DEAD
    clock.advance(timedelta(seconds=61))
    worker.run_once()

    with database.read() as session:
        row = session.get(OutboxRow, row.id)
    assert row is not None
    assert row.state != DEAD and len(hubspot_server.state.enrollments) == 1


def test_hubspot_sequence_for_an_owner_without_a_sender__alerts_and_lists(
    crm_api, hubspot_server, worker, clock, database, receiver
):
    for contact in ("512", "513", "514", "515", "516", "517"):  # until carl gets one
        if _owned_contact(crm_api, hubspot_server, clock, contact) == "carl":
            break
    else:
        pytest.fail("round-robin never reached carl in six contacts")

    worker.run_once()
    worker.run_once()

    failing = crm_api.get("/v1/connectors/writebacks/failing").json()
    dead = [w for w in failing if w["action"] == "enroll"]
    assert dead and dead[0]["state"] == DEAD
    assert "rep 'carl' has no user_id and email" in dead[0]["last_error"]
    alerts = [e for e in receiver.events if e["event"] == "crm_writeback_failed"]
    assert any("enrollment in sequence 987654" in json.dumps(a) for a in alerts)


def test_sequence_webhook__posts_the_owner_and_the_lead_signed(
    crm_api, hubspot_server, hook_server, worker, clock
):
    owner = _owned_contact(crm_api, hubspot_server, clock)

    worker.run_once()

    (post,) = hook_server.state.seen
    assert post.path == "/enroll"
    headers = {k.lower(): v for k, v in post.headers.items()}
    verify_signature(HOOK_SECRET, headers, post.body, clock.now())
    body = json.loads(post.body)
    assert body["event"] == "sequence_webhook" and body["data"]["sequence"] == "smb-outbound"
    assert body["data"]["owner"]["id"] == owner and "@" in body["data"]["owner"]["email"]
    assert body["data"]["lead"]["email"] == "bh@hubspot.com"
    assert body["data"]["record"] == {"crm": "hubspot", "id": "512"}
    assert headers["idempotency-key"].endswith(":crm:sequence_webhook:0")


def test_sequence_webhook__for_a_lead_posted_to_the_api_too(crm_api, hook_server, worker):
    answer = crm_api.post("/v1/leads", json={"lead": {"email": "jo@initech.com", "employees": 50}})
    assert answer.status_code == 201, answer.text

    worker.run_once()

    (post,) = hook_server.state.seen
    body = json.loads(post.body)
    assert body["data"]["lead_id"] == answer.json()["lead_id"] and body["data"]["record"] is None


def test_crm_yaml_sequences__checked_with_positions():
    text = _yaml("https://hooks.example").replace(
        "pool: smb\n      sequence_id", "pool: smbb\n      sequence_id"
    )
    team = Team({}, {"smb": Pool("smb", "SMB", ("ana",))}, {})

    with pytest.raises(PolicyError) as raised:
        check_crm(parse_crm(text, "crm.yaml"), team, [])

    messages = [(e.line, e.message) for e in raised.value.errors if "sequences" in e.message]
    assert messages == [(14, "hubspot.sequences: unknown pool 'smbb' (did you mean 'smb'?)")]


def test_crm_yaml_sender_with_a_bad_email_or_sequence_id__is_an_error():
    text = (
        _yaml("https://hooks.example").replace("ana@example.com", "ana").replace('"987654"', "x1")
    )

    with pytest.raises(PolicyError) as raised:
        parse_crm(text, "crm.yaml")

    found = sorted((e.line, e.message) for e in raised.value.errors)
    assert found == [
        (10, "expected the user's email address, got 'ana'"),
        (15, "expected a HubSpot sequence id (digits), got 'x1'"),
    ]
