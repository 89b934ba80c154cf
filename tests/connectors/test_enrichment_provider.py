"""Enrichment from an HTTP provider before a CRM record is routed (the intake every lead goes
through, `leads/pipeline.py`): fields filled and in the trace, a timeout that routes anyway and
says so."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from leadrouter.leads.provider import Enricher
from leadrouter.policy.crm import parse_crm

from ..leads.provider_server import Provider, enricher, serving
from .conftest import add_contact, signed_post
from .crm_servers import fixture


@pytest.fixture
def provider() -> Iterator[tuple[Provider, str]]:
    with serving() as running:
        yield running


def with_enricher(api, e: Enricher) -> None:
    api.app.state.services.intake.enricher = e


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
