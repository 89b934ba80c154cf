"""Enrichment of leads posted to `POST /v1/leads`, on SQLite and PostgreSQL: the account book
fills what the lead lacks (in the engine), then the provider crm.yaml names (on the way in,
never holding the lead past its timeout); the trace says what was filled and from where."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from ..leads.provider_server import Provider, enricher, serving

GLOBEX = {"id": "g1", "name": "Globex Corp", "domains": ["globex.com"], "employees": 5000}


@pytest.fixture
def provider() -> Iterator[tuple[Provider, str]]:
    with serving() as running:
        yield running


def notes(api: TestClient, lead_id: str, code: str) -> list[str]:
    trace = api.get(f"/v1/leads/{lead_id}/decision").json()["trace"]
    return [n["message"] for n in trace["notes"] if n["code"] == code]


def test_post_lead__without_a_head_count_is_sized_from_its_account(seeded: TestClient) -> None:
    seeded.post("/v1/accounts/import", json=[GLOBEX]).raise_for_status()

    answer = seeded.post("/v1/leads", json={"lead": {"email": "jo@globex.com"}}).json()

    assert (answer["rule"], answer["queue"]) == ("big", "deal_desk")  # employees >= 1000
    assert notes(seeded, answer["lead_id"], "ENRICHED") == [
        "filled from account Globex Corp (g1): employees = 5000"
    ]


def test_post_lead__is_enriched_by_the_provider_and_a_retry_is_the_same_lead(
    seeded: TestClient, provider: tuple[Provider, str]
) -> None:
    state, url = provider
    seeded.app.state.services.intake.enricher = enricher(url)
    body = {"lead": {"email": "brian@northwind-traders.com", "country": "Canada"}}
    key = {"Idempotency-Key": "form-1"}

    first = seeded.post("/v1/leads", json=body, headers=key)
    again = seeded.post("/v1/leads", json=body, headers=key)  # the provider's answer is cached

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["decision_id"] == first.json()["decision_id"]
    assert first.json()["rule"] == "big" and len(state.calls) == 1
    lead_id = first.json()["lead_id"]
    assert notes(seeded, lead_id, "ENRICHED") == [
        "filled from provider clearbit: employees = 1200, industry = retail"
    ]


def test_post_lead__routes_with_what_it_has_when_the_provider_is_slow(
    seeded: TestClient, provider: tuple[Provider, str]
) -> None:
    state, url = provider
    state.delay = 1.0
    seeded.app.state.services.intake.enricher = enricher(url, timeout_seconds=0.2)

    answer = seeded.post("/v1/leads", json={"lead": {"email": "jo@northwind-traders.com"}}).json()

    assert (answer["rule"], answer["pool"]) == ("smb", "smb")
    assert notes(seeded, answer["lead_id"], "ENRICHMENT_MISSED") == [
        "provider clearbit: no answer within 0.2 s; routed with what the lead had"
    ]
