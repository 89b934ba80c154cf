"""HubSpot end to end against the local CRM v3 server: a signed contact-creation webhook becomes
a routed lead whose owner the worker writes back; retries are idempotent; bad signatures are
401s; HubSpot's 429 and 5xx are retried; an owner changed by hand is an override."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from leadrouter.connectors.models import CrmOverrideRow
from leadrouter.leads.models import LeadRow
from leadrouter.notify.models import DEAD, SENT, OutboxRow

from .conftest import HUBSPOT_SECRET, OWNERS, add_contact, signed_post
from .crm_servers import fixture


def test_contact_creation__routes_a_lead_and_writes_its_owner_back(
    crm_api, hubspot_server, worker, clock, database
):
    add_contact(hubspot_server, "512")

    answer = signed_post(crm_api, fixture("hubspot_contact_creation.json"), now=clock)

    assert answer.status_code == 200, answer.text
    (result,) = answer.json()["results"]
    decision = result["decision"]
    assert result["created"] is True and decision["owner"] in OWNERS["hubspot"]
    lead = crm_api.get(f"/v1/leads/{result['lead_id']}").json()
    assert lead["external_id"] == "hubspot:512"
    assert lead["raw"]["email"] == "bh@hubspot.com" and lead["raw"]["employees"] == "250"
    done = worker.run_once()
    assert done.sent >= 1
    (write,) = hubspot_server.state.writes("PATCH")
    assert write.path == "/crm/v3/objects/contacts/512"
    assert write.body == {"properties": {"hubspot_owner_id": OWNERS["hubspot"][decision["owner"]]}}
    assert (
        hubspot_server.state.records["512"]["properties"]["hubspot_owner_id"]
        == (OWNERS["hubspot"][decision["owner"]])
    )


def test_contact_creation__creates_the_pools_task_for_the_owner(
    crm_api, hubspot_server, worker, clock
):
    add_contact(hubspot_server, "513", firstname="Ada", company="Analytical")
    answer = signed_post(
        crm_api, [{**fixture("hubspot_contact_creation.json")[0], "objectId": 513}], now=clock
    )
    owner = answer.json()["results"][0]["decision"]["owner"]

    worker.run_once()

    (task,) = hubspot_server.state.tasks
    assert task["properties"]["hs_task_subject"] == "Call Ada at Analytical"
    assert task["properties"]["hubspot_owner_id"] == OWNERS["hubspot"][owner]
    assert task["associations"][0]["to"]["id"] == "513"


def test_webhook_retry__is_idempotent(crm_api, hubspot_server, clock, database):
    add_contact(hubspot_server, "512")
    events = fixture("hubspot_contact_creation.json")
    first = signed_post(crm_api, events, now=clock).json()["results"][0]
    # HubSpot redelivers; the contact was edited meanwhile: still the same lead, no conflict.
    hubspot_server.state.records["512"]["properties"]["company"] = "HubSpot, Inc."
    again = signed_post(crm_api, [{**events[0], "attemptNumber": 1}], now=clock)

    assert again.status_code == 200
    second = again.json()["results"][0]
    assert second["lead_id"] == first["lead_id"] and second["created"] is False
    with database.read() as session:
        assert len(session.scalars(select(LeadRow)).all()) == 1


def test_unsigned_webhook__is_a_401_that_says_why(crm_api):
    answer = crm_api.post(
        "/connectors/hubspot/webhook", json=fixture("hubspot_contact_creation.json")
    )

    assert answer.status_code == 401
    assert "unsigned" in answer.json()["message"]


def test_wrongly_signed_webhook__is_a_401_without_the_secret(crm_api, clock):
    answer = signed_post(
        crm_api, fixture("hubspot_contact_creation.json"), secret="not-the-secret", now=clock
    )

    assert answer.status_code == 401
    assert "does not match" in answer.json()["message"]
    assert HUBSPOT_SECRET not in answer.text


def test_stale_webhook__older_than_five_minutes_is_refused(crm_api, clock):
    old = int((clock.now() - timedelta(minutes=6)).timestamp() * 1000)

    answer = signed_post(crm_api, fixture("hubspot_contact_creation.json"), at_ms=old)

    assert answer.status_code == 401
    assert "older than 5 minutes" in answer.json()["message"]


def test_tampered_body__fails_the_signature(crm_api, clock):
    import json

    events = fixture("hubspot_contact_creation.json")
    body = json.dumps(events).encode()
    stamp = int(clock.now().timestamp() * 1000)
    from leadrouter.connectors.hubspot.signature import sign

    headers = {
        "X-HubSpot-Signature-v3": sign(
            HUBSPOT_SECRET, "POST", "http://testserver/connectors/hubspot/webhook", body, stamp
        ),
        "X-HubSpot-Request-Timestamp": str(stamp),
    }
    answer = crm_api.post(
        "/connectors/hubspot/webhook", content=body.replace(b"512", b"513"), headers=headers
    )

    assert answer.status_code == 401


def test_hubspot_rate_limited_on_read__answers_503_so_hubspot_redelivers(
    crm_api, hubspot_server, clock, database
):
    add_contact(hubspot_server, "512")
    hubspot_server.state.fail(429, {"Retry-After": "10"})

    answer = signed_post(crm_api, fixture("hubspot_contact_creation.json"), now=clock)

    assert answer.status_code == 503 and answer.headers["Retry-After"] == "10"
    assert "HubSpot delivers these events again" in answer.json()["message"]
    again = signed_post(crm_api, fixture("hubspot_contact_creation.json"), now=clock)
    assert again.status_code == 200 and again.json()["results"][0]["created"] is True


def test_writeback_rate_limited__is_retried_after_retry_after(
    crm_api, hubspot_server, worker, clock, database
):
    add_contact(hubspot_server, "512")
    signed_post(crm_api, fixture("hubspot_contact_creation.json"), now=clock)
    hubspot_server.state.fail(429, {"Retry-After": "120"}, times=2)  # the owner, then the task

    first = worker.run_once()
    assert first.retried == 2  # the owner and the task; the assignment notice went out
    with database.read() as session:
        row = session.scalars(select(OutboxRow).where(OutboxRow.key.like("%:crm:owner"))).one()
        assert row.next_attempt_at >= clock.now() + timedelta(seconds=120)
        assert "HTTP 429" in row.last_error
    clock.advance(timedelta(seconds=121))
    second = worker.run_once()

    assert second.sent >= 2
    assert len(hubspot_server.state.writes("PATCH")) == 2  # the 429, then the write


def test_writeback_failing_for_good__dead_letters_alerts_and_lists(
    crm_api, hubspot_server, worker, clock, database, receiver
):
    add_contact(hubspot_server, "512")
    signed_post(crm_api, fixture("hubspot_contact_creation.json"), now=clock)
    hubspot_server.state.fail(503, times=100)

    for _ in range(4):
        worker.run_once()
        clock.advance(timedelta(hours=2))

    with database.read() as session:
        owner = session.scalars(select(OutboxRow).where(OutboxRow.key.like("%:crm:owner"))).one()
    assert owner.state == DEAD and owner.attempts == 3
    failing = crm_api.get("/v1/connectors/writebacks/failing").json()
    assert {w["action"] for w in failing} >= {"owner"} and failing[0]["state"] == DEAD
    worker.run_once()
    alerts = [e for e in receiver.events if e["event"] == "crm_writeback_failed"]
    assert alerts and "HTTP 503" in alerts[0]["data"]["detail"]
    assert "hubspot" in alerts[0]["data"]["detail"]


def test_owner_changed_by_hand__is_an_override_with_its_rate_per_rule(
    crm_api, hubspot_server, worker, clock, database
):
    add_contact(hubspot_server, "512")
    routed = signed_post(crm_api, fixture("hubspot_contact_creation.json"), now=clock).json()
    decision = routed["results"][0]["decision"]
    worker.run_once()
    written = OWNERS["hubspot"][decision["owner"]]
    # HubSpot tells of our own write too: not an override.
    echo = [{**fixture("hubspot_owner_change.json")[0], "propertyValue": written}]
    assert signed_post(crm_api, echo, now=clock).json()["results"][0]["note"] == "owner unchanged"
    other = next(user for rep, user in OWNERS["hubspot"].items() if user != written)
    change = [{**fixture("hubspot_owner_change.json")[0], "propertyValue": other}]

    answer = signed_post(crm_api, change, now=clock)

    assert answer.json()["results"][0]["note"] == "override recorded"
    with database.read() as session:
        (override,) = session.scalars(select(CrmOverrideRow)).all()
    assert override.routed_owner == decision["owner"] and override.crm_owner == other
    assert override.rule == decision["rule"]
    rates = crm_api.get("/v1/connectors/overrides/rates").json()
    assert rates == [{"rule": decision["rule"], "written": 1, "overridden": 1, "rate": 1.0}]


def test_owner_change_before_any_writeback__is_not_an_override(crm_api, hubspot_server, clock):
    add_contact(hubspot_server, "512")
    signed_post(crm_api, fixture("hubspot_contact_creation.json"), now=clock)

    answer = signed_post(crm_api, fixture("hubspot_owner_change.json"), now=clock)

    assert answer.json()["results"][0]["note"] == "owner unchanged"


def test_unknown_crm_user__dead_letters_with_a_clear_reason(
    crm_api, hubspot_server, worker, clock, database, connectors
):
    from dataclasses import replace
    from types import MappingProxyType

    from leadrouter.policy.crm import Crm

    side = connectors.config.get(Crm.HUBSPOT)
    partial = replace(side, owners=MappingProxyType({}))
    worker.crm = replace(connectors.config, sides=MappingProxyType({Crm.HUBSPOT: partial}))
    add_contact(hubspot_server, "512")
    signed_post(crm_api, fixture("hubspot_contact_creation.json"), now=clock)

    worker.run_once()

    with database.read() as session:
        owner = session.scalars(select(OutboxRow).where(OutboxRow.key.like("%:crm:owner"))).one()
    assert owner.state == DEAD and "has no hubspot user in crm.yaml" in owner.last_error
    assert hubspot_server.state.writes("PATCH") == []
    assert SENT not in {owner.state}


def test_report__shows_the_override_rate_per_rule(crm_api, hubspot_server, worker, clock, database):
    import json

    from typer.testing import CliRunner

    from leadrouter.cli import app

    add_contact(hubspot_server, "512")
    routed = signed_post(crm_api, fixture("hubspot_contact_creation.json"), now=clock).json()
    rule = routed["results"][0]["decision"]["rule"]
    worker.run_once()
    change = [{**fixture("hubspot_owner_change.json")[0], "propertyValue": "1003"}]
    if routed["results"][0]["decision"]["owner"] == "carl":
        change[0]["propertyValue"] = "1001"
    signed_post(crm_api, change, now=clock)
    at = (clock.now() + timedelta(minutes=1)).isoformat()

    shown = CliRunner().invoke(
        app, ["report", "--db", database.url, "--at", at, "--format", "json"]
    )

    assert shown.exit_code == 0, shown.output
    rows = [r for r in json.loads(shown.stdout) if r["section"] == "crm_overrides"]
    assert {(r["key"], r["metric"], r["value"]) for r in rows} == {
        (rule, "written_back", 1),
        (rule, "overridden", 1),
        (rule, "override_rate", 1),
    }
    table = CliRunner().invoke(app, ["report", "--db", database.url, "--at", at])
    assert "CRM owner overrides by rule" in table.output


def test_mapped_property_change__reroutes_a_waiting_lead(crm_api, hubspot_server, clock):
    add_contact(hubspot_server, "512", email=None)  # no email: the test policy's catch-all queue
    routed = signed_post(crm_api, fixture("hubspot_contact_creation.json"), now=clock).json()
    assert routed["results"][0]["decision"]["queue"] == "unrouted"
    change = {
        **fixture("hubspot_owner_change.json")[0],
        "propertyName": "email",
        "propertyValue": "brian@hubspot.com",
    }

    answer = signed_post(crm_api, [change], now=clock).json()["results"][0]

    assert answer["rerouted"] is True and answer["decision"]["owner"] in OWNERS["hubspot"]
    decisions = crm_api.get(f"/v1/leads/{answer['lead_id']}/decisions").json()
    assert [d["cause"] for d in decisions] == ["new", "change"]
