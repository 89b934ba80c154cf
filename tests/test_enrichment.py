"""Enrichment before routing (pure): missing fields filled from the account, then from the
provider's stored answer, never overwriting; every fill and every miss in the notes."""

from __future__ import annotations

from leadrouter.enrichment import enrich
from leadrouter.model import Account, AccountMatch, Reason


def matched(**account: object) -> AccountMatch:
    return AccountMatch(Account(id="a1", name="Globex", **account), 1.0, "domain", "", True)


def test_account__fills_a_missing_country_and_says_so():
    ctx = {"email": "jo@globex.com"}

    notes = enrich(ctx, {}, matched(country="DE"))

    assert ctx["country"] == "DE"
    assert [n.code for n in notes] == [Reason.ENRICHED]
    assert notes[0].message == "filled from account Globex (a1): country = DE"


def test_account__never_overwrites_what_the_lead_says():
    ctx = {"country": "FR"}

    assert enrich(ctx, {}, matched(country="DE")) == [] and ctx["country"] == "FR"


def test_provider__fills_normalized_values_the_lead_lacks():
    ctx = {"email": "jo@globex.com", "industry": "Retail"}
    raw = {
        "enrichment.source": "clearbit",
        "enrichment.status": "ok",
        "enrichment.employees": "1,200",
        "enrichment.industry": "Software",
    }

    (note,) = enrich(ctx, raw, None)

    assert ctx["employees"] == 1200 and ctx["industry"] == "Retail"
    assert note.message == "filled from provider clearbit: employees = 1200"


def test_provider_timeout__is_a_note_and_the_lead_routes_with_what_it_has():
    ctx = {"email": "jo@globex.com"}
    raw = {
        "enrichment.source": "clearbit",
        "enrichment.status": "timeout",
        "enrichment.detail": "no answer within 0.5 s",
    }

    (note,) = enrich(ctx, raw, None)

    assert note.code is Reason.ENRICHMENT_MISSED and "employees" not in ctx
    assert note.message == (
        "provider clearbit: no answer within 0.5 s; routed with what the lead had"
    )


def test_account__fills_a_missing_head_count_and_industry_with_their_bounds():
    ctx = {"email": "jo@globex.com", "industry": "retail"}

    (note,) = enrich(ctx, {}, matched(employees=308.0, industry="software"))

    assert (ctx["employees"], ctx["employees_min"], ctx["employees_max"]) == (308.0, 308.0, 308.0)
    assert ctx["industry"] == "retail"  # the lead's own value stands
    assert note.message == "filled from account Globex (a1): employees = 308"
