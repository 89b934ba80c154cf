"""The enrichment provider's client (`leads/provider.py`) against a local provider: a cache by
domain, a per-day budget, a wait bounded whatever the connection does, the lead read as routing
reads it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from .provider_server import Provider, enricher, serving

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


@pytest.fixture
def provider() -> Iterator[tuple[Provider, str]]:
    with serving() as running:
        yield running


def test_provider__is_asked_once_per_domain_and_within_its_budget(provider):
    state, url = provider
    e = enricher(url, daily_budget=1)
    lead = {"email": "a@northwind-traders.com"}

    first = e.enrich(lead, NOW)
    second = e.enrich({"email": "b@northwind-traders.com"}, NOW)
    third = e.enrich({"email": "c@globex-corp.com"}, NOW)
    next_day = e.enrich({"email": "c@globex-corp.com"}, NOW + timedelta(days=1))

    assert first["enrichment.status"] == "ok" and second["enrichment.status"] == "cached"
    assert second["enrichment.employees"] == 1200
    assert third == {
        "enrichment.source": "clearbit",
        "enrichment.status": "budget",
        "enrichment.detail": "the day's budget of 1 calls is spent",
    }
    assert next_day["enrichment.status"] == "ok" and len(state.calls) == 2


def test_free_email_or_complete_lead__asks_nothing(provider):
    state, url = provider
    e = enricher(url)

    assert e.enrich({"email": "jo@gmail.com"}, NOW) == {}
    full = {"email": "a@northwind-traders.com", "employees": 5, "industry": "x", "country": "US"}
    assert e.enrich(full, NOW) == {}
    assert state.calls == []


def test_slow_provider__answers_timeout_and_the_lead_goes_on_without_it(provider):
    state, url = provider
    state.delay = 1.0
    e = enricher(url, timeout_seconds=0.2)

    found = e.enrich({"email": "a@northwind-traders.com"}, NOW)

    assert found == {
        "enrichment.source": "clearbit",
        "enrichment.status": "timeout",
        "enrichment.detail": "no answer within 0.2 s",
    }
    assert len(state.calls) == 1


def test_lead_fields__are_read_as_routing_reads_them(provider):
    state, url = provider
    e = enricher(url)

    found = e.enrich(
        {"Company Website": "https://www.northwind-traders.com/", "Employees": "9"}, NOW
    )

    assert state.calls == ["/v2/companies/find?domain=northwind-traders.com"]
    assert "enrichment.employees" not in found and found["enrichment.industry"] == "Retail"
