"""Enrichment from an HTTP provider before a CRM record is routed, against a local provider on
127.0.0.1 answering like Clearbit's company API: fields filled and in the trace, a timeout that
routes anyway and says so, a cache by domain, a per-day budget."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import MappingProxyType

import httpx
import pytest

from leadrouter.connectors.enrichment import Enricher
from leadrouter.policy.crm import EnrichmentProvider, parse_crm

from .conftest import add_contact, signed_post
from .crm_servers import fixture

COMPANY = {  # the shape of Clearbit's Company API answer (a few of its fields)
    "name": "Northwind Traders",
    "domain": "northwind-traders.com",
    "category": {"industry": "Retail", "sector": "Consumer Discretionary"},
    "geo": {"countryCode": "US", "state": "California"},
    "metrics": {"employees": 1200, "annualRevenue": 250000000},
}


class Provider:
    def __init__(self) -> None:
        self.calls: list[str] = []
        self.delay = 0.0


@pytest.fixture
def provider() -> Iterator[tuple[Provider, str]]:
    state = Provider()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            state.calls.append(self.path)
            time.sleep(state.delay)
            body = json.dumps(COMPANY).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def enricher(url: str, **options: object) -> Enricher:
    config = EnrichmentProvider(
        "clearbit",
        url + "/v2/companies/find?domain={domain}",
        MappingProxyType(
            {
                "metrics.employees": "employees",
                "category.industry": "industry",
                "geo.countryCode": "country",
            }
        ),
        **options,  # type: ignore[arg-type]
    )
    return Enricher(config, httpx.Client(), token="provider-token")


def with_enricher(api, e: Enricher) -> None:
    api.app.state.connectors = replace(api.app.state.connectors, enricher=e)


def test_provider__fills_what_the_contact_lacks_and_the_trace_says_so(
    crm_api, hubspot_server, provider, clock
):
    state, url = provider
    with_enricher(crm_api, enricher(url))
    add_contact(
        hubspot_server,
        "512",
        email="brian@northwind-traders.com",
        numemployees=None,
        country="Canada",
    )

    result = signed_post(crm_api, fixture("hubspot_contact_creation.json"), now=clock).json()

    lead_id = result["results"][0]["lead_id"]
    assert state.calls == ["/v2/companies/find?domain=northwind-traders.com"]
    raw = crm_api.get(f"/v1/leads/{lead_id}").json()["raw"]
    assert raw["enrichment.employees"] == 1200 and raw["enrichment.status"] == "ok"
    assert "enrichment.country" not in raw  # the contact has a country: never overwritten
    decision = crm_api.get(f"/v1/leads/{lead_id}/decision").json()
    notes = [n for n in decision["trace"]["notes"] if n["code"] == "ENRICHED"]
    assert (
        notes[0]["message"] == "filled from provider clearbit: employees = 1200, industry = retail"
    )
    rules = " ".join(decision["explanation"])
    assert "employees = 1200" in rules


def test_provider_timeout__routes_with_what_it_has_and_says_so(
    crm_api, hubspot_server, provider, clock
):
    state, url = provider
    state.delay = 1.0
    with_enricher(crm_api, enricher(url, timeout_seconds=0.2))
    add_contact(hubspot_server, "512", email="brian@northwind-traders.com")

    result = signed_post(crm_api, fixture("hubspot_contact_creation.json"), now=clock).json()

    decision = result["results"][0]["decision"]
    assert decision["owner"] or decision["queue"]
    assert any(
        "provider clearbit: no answer within 0.2 s; routed with what the lead had" in line
        for line in decision["explanation"]
    )


def test_provider__is_asked_once_per_domain_and_within_its_budget(provider, clock):
    state, url = provider
    e = enricher(url, daily_budget=1)
    lead = {"email": "a@northwind-traders.com"}

    first = e.enrich(lead, clock.now())
    second = e.enrich({"email": "b@northwind-traders.com"}, clock.now())
    third = e.enrich({"email": "c@globex-corp.com"}, clock.now())
    next_day = e.enrich({"email": "c@globex-corp.com"}, clock.now() + timedelta(days=1))

    assert first["enrichment.status"] == "ok" and second["enrichment.status"] == "cached"
    assert second["enrichment.employees"] == 1200
    assert third == {
        "enrichment.source": "clearbit",
        "enrichment.status": "budget",
        "enrichment.detail": "the day's budget of 1 calls is spent",
    }
    assert next_day["enrichment.status"] == "ok" and len(state.calls) == 2


def test_free_email_or_complete_lead__asks_nothing(provider, clock):
    state, url = provider
    e = enricher(url)

    assert e.enrich({"email": "jo@gmail.com"}, clock.now()) == {}
    full = {"email": "a@northwind-traders.com", "employees": 5, "industry": "x", "country": "US"}
    assert e.enrich(full, clock.now()) == {}
    assert state.calls == []


def test_crm_yaml_enrichment_section__is_validated():
    text = (
        "enrichment:\n  name: clearbit\n  url: https://company.clearbit.com/v2/companies/find\n"
        "  fields: {metrics.employees: employees}\n  timeout_seconds: 90\n"
    )
    from leadrouter.errors import PolicyError

    with pytest.raises(PolicyError) as error:
        parse_crm(text, "crm.yaml")

    found = [str(e) for e in error.value.errors]
    assert found[0].startswith("crm.yaml:3:8:") and "{domain}" in found[0]
    assert "between 0 and 30 seconds" in found[1]
