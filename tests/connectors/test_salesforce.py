"""Salesforce end to end against the local org (OAuth token endpoint, REST sobjects and query,
over TLS): a Lead posted by a Flow callout becomes a routed lead whose OwnerId the worker writes
back (a user's id, or a queue's); polling takes Leads in; an owner changed by hand is an
override; a wrong shared secret is a 401."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from leadrouter.connectors.models import CrmOverrideRow
from leadrouter.connectors.salesforce.poll import poll_once
from leadrouter.leads.models import LeadRow
from leadrouter.policies.snapshot import ConfigCache
from leadrouter.policy.crm import Crm

from ..leads.provider_server import enricher, serving
from .conftest import OWNERS, SALESFORCE_SECRET, add_lead
from .crm_servers import fixture

CALLOUT = "/connectors/salesforce/leads"
HEADERS = {"X-Leadrouter-Secret": SALESFORCE_SECRET}


def test_flow_callout__routes_the_lead_and_writes_owner_id_back(crm_api, salesforce_server, worker):
    lead = add_lead(salesforce_server, "00Q5e00000AbCdEEAV")

    answer = crm_api.post(CALLOUT, json=lead, headers=HEADERS)

    assert answer.status_code == 200, answer.text
    (result,) = answer.json()["results"]
    owner = result["decision"]["owner"]
    assert result["created"] and owner in OWNERS["salesforce"]
    stored = crm_api.get(f"/v1/leads/{result['lead_id']}").json()
    assert stored["external_id"] == "salesforce:00Q5e00000AbCdEEAV"
    assert stored["raw"] == {
        "email": "marc@salesforce.com",
        "first_name": "Marc",
        "last_name": "Benioff",
        "company": "Salesforce",
        "country": "USA",
        "employees": 120,
    }
    worker.run_once()
    (write,) = salesforce_server.state.writes("PATCH")
    assert write.path == "/services/data/v59.0/sobjects/Lead/00Q5e00000AbCdEEAV"
    assert write.body == {"OwnerId": OWNERS["salesforce"][owner]}
    assert (
        salesforce_server.state.records["00Q5e00000AbCdEEAV"]["OwnerId"]
        == (OWNERS["salesforce"][owner])
    )
    token_calls = [s for s in salesforce_server.state.seen if s.path.endswith("/oauth2/token")]
    assert len(token_calls) == 1


def test_lead_routed_to_a_queue__writes_the_queues_id(crm_api, salesforce_server, worker):
    lead = add_lead(salesforce_server, "00Q5e00000BigCoEAV", NumberOfEmployees=5000)

    result = crm_api.post(CALLOUT, json={"records": [lead]}, headers=HEADERS).json()

    assert result["results"][0]["decision"]["queue"] == "deal_desk"
    worker.run_once()
    (write,) = salesforce_server.state.writes("PATCH")
    assert write.body == {"OwnerId": "00G5e000000DeskAAA"}


def test_callout_retry__is_idempotent(crm_api, salesforce_server, database):
    lead = add_lead(salesforce_server, "00Q5e00000AbCdEEAV")
    first = crm_api.post(CALLOUT, json=[lead], headers=HEADERS).json()["results"][0]

    again = crm_api.post(CALLOUT, json=[lead | {"Company": "Salesforce Inc"}], headers=HEADERS)

    assert again.json()["results"][0]["lead_id"] == first["lead_id"]
    with database.read() as session:
        assert len(session.scalars(select(LeadRow)).all()) == 1


def test_callout_without_or_with_a_wrong_secret__is_a_401(crm_api, salesforce_server):
    lead = fixture("salesforce_lead.json")

    missing = crm_api.post(CALLOUT, json=lead)
    wrong = crm_api.post(CALLOUT, json=lead, headers={"X-Leadrouter-Secret": "guess"})

    assert missing.status_code == wrong.status_code == 401
    assert "X-Leadrouter-Secret" in wrong.json()["message"]
    assert SALESFORCE_SECRET not in wrong.text


def test_callout_with_no_lead_id__is_a_422_naming_it(crm_api):
    lead = fixture("salesforce_lead.json")
    del lead["Id"]

    answer = crm_api.post(CALLOUT, json=lead, headers=HEADERS)

    assert answer.status_code == 422 and "Id" in answer.json()["message"]


def test_owner_changed_by_hand__is_an_override(crm_api, salesforce_server, worker, database):
    lead = add_lead(salesforce_server, "00Q5e00000AbCdEEAV")
    routed = crm_api.post(CALLOUT, json=lead, headers=HEADERS).json()["results"][0]
    worker.run_once()
    written = OWNERS["salesforce"][routed["decision"]["owner"]]
    other = next(u for u in OWNERS["salesforce"].values() if u != written)

    answer = crm_api.post(CALLOUT, json=lead | {"OwnerId": other}, headers=HEADERS)

    assert answer.json()["results"][0]["note"] == "override recorded"
    with database.read() as session:
        (override,) = session.scalars(select(CrmOverrideRow)).all()
    assert override.crm == "salesforce" and override.crm_owner == other
    assert override.rep == next(r for r, u in OWNERS["salesforce"].items() if u == other)


def test_expired_token__is_fetched_again_once(crm_api, salesforce_server, worker):
    lead = add_lead(salesforce_server, "00Q5e00000AbCdEEAV")
    crm_api.post(CALLOUT, json=lead, headers=HEADERS)
    connectors = crm_api.app.state.connectors
    connectors.salesforce._org()  # signed in with the token of the day
    salesforce_server.state.token = "00D5e000000AbCd!AQ0AQrotated"

    worker.run_once()

    _rejected, accepted = salesforce_server.state.writes("PATCH")  # a 401, then the write
    assert accepted.headers["Authorization"] == "Bearer 00D5e000000AbCd!AQ0AQrotated"
    assert salesforce_server.state.records[lead["Id"]]["OwnerId"] in OWNERS["salesforce"].values()
    tokens = [s for s in salesforce_server.state.seen if s.path.endswith("/oauth2/token")]
    assert len(tokens) == 2


def test_salesforce_unavailable__is_retried(crm_api, salesforce_server, worker, clock):
    lead = add_lead(salesforce_server, "00Q5e00000AbCdEEAV")
    crm_api.post(CALLOUT, json=lead, headers=HEADERS)
    salesforce_server.state.fail(503)

    assert worker.run_once().retried == 1
    clock.advance(timedelta(hours=1))
    worker.run_once()

    patches = salesforce_server.state.writes("PATCH")
    assert len(patches) == 2 and salesforce_server.state.records[lead["Id"]]["OwnerId"] in (
        OWNERS["salesforce"].values()
    )


def test_polling__takes_in_new_leads_once(crm_api, salesforce_server, connectors, database, clock):
    add_lead(salesforce_server, "00Q5e00000Poll1EAV", Email="one@pollco.com")
    add_lead(salesforce_server, "00Q5e00000Poll2EAV", Email="two@pollco.com")
    side = connectors.config.get(Crm.SALESFORCE)
    cache = ConfigCache()

    first = poll_once(
        db=database, cache=cache, org=connectors.salesforce, side=side, now=clock.now()
    )
    again = poll_once(
        db=database, cache=cache, org=connectors.salesforce, side=side, now=clock.now()
    )

    assert first.routed == 2 and again.routed == 0
    assert first.cursor == "2026-11-24T14:58:00Z"
    with database.read() as session:
        ids = set(session.scalars(select(LeadRow.external_id)))
    assert ids == {"salesforce:00Q5e00000Poll1EAV", "salesforce:00Q5e00000Poll2EAV"}
    query = next(s for s in salesforce_server.state.seen if "/query" in s.path)
    assert "LastModifiedDate" in query.path


def test_polling__new_leads_are_enriched_by_the_provider_first(
    salesforce_server, connectors, database, clock
):
    add_lead(
        salesforce_server,
        "00Q5e00000Poll3EAV",
        Email="ann@northwind-traders.com",
        NumberOfEmployees=None,
    )
    side = connectors.config.get(Crm.SALESFORCE)

    with serving() as (provider, url):
        polled = poll_once(
            db=database,
            cache=ConfigCache(),
            org=connectors.salesforce,
            side=side,
            now=clock.now(),
            enricher=enricher(url),
        )

    assert polled.routed == 1
    assert provider.calls == ["/v2/companies/find?domain=northwind-traders.com"]
    with database.read() as session:
        raw = session.scalar(
            select(LeadRow.raw).where(LeadRow.external_id == "salesforce:00Q5e00000Poll3EAV")
        )
    assert raw["enrichment.employees"] == 1200 and raw["enrichment.status"] == "ok"
