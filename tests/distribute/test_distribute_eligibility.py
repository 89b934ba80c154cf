"""Rep attributes in routing: pool eligibility over the lead and the candidate rep, its
fallback, each rep's own `takes` and `prefers`, and priority tiers, through the engine."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from leadrouter.engine import Snapshot, apply_effects, route
from leadrouter.model import Decision, Reason
from leadrouter.policy import compile_policy, parse_team

NOW = datetime(2026, 1, 5, 15, tzinfo=UTC)

TEAM = """
reps:
  - {id: ana, name: Ana, email: ana@x.example, languages: [en, de], region: DE, segment: smb}
  - {id: bob, name: Bob, email: bob@x.example, languages: [en], region: US, segment: enterprise}
  - {id: cat, name: Cat, email: cat@x.example, languages: [en, fr], region: FR,
     attributes: {certified: true, seniority: 3}}
pools:
  - {id: inbound, members: [ana, bob, cat]}
queues:
  - {id: unrouted, name: Unrouted, fallback: true}
"""


def _snapshot(distribution: str) -> Snapshot:
    team = parse_team(TEAM, "team.yaml")
    policy = f"""
version: "e1"
fallback_queue: unrouted
fields: {{tags: list}}
distribution:
{distribution}
rules:
  - {{id: inbound, route: pool inbound}}
"""
    return Snapshot(compile_policy(policy, "policy.yaml", team), team)


def _route(snapshot: Snapshot, **lead: Any) -> Decision:
    return route({"email": "jo@initech.com", **lead}, snapshot, NOW)


def _reasons(decision: Decision) -> dict[str, Reason]:
    return {check.rep: check.reason for check in decision.trace.reps}


def test_eligibility__only_a_rep_who_speaks_the_leads_language_gets_it() -> None:
    snap = _snapshot("  pools:\n    inbound: {eligible: rep.languages contains lead.language}")
    for _ in range(3):
        decision = _route(snap, language="German")
        assert decision.owner == "ana"
        snap = snap.with_state(apply_effects(snap.state, decision))
    detail = next(c.detail for c in decision.trace.reps if c.rep == "bob")
    assert "rep.languages contains lead.language" in detail and "de" in detail


def test_eligibility__region_segment_and_custom_attributes_compare_with_lead_fields() -> None:
    by_region = _snapshot("  pools:\n    inbound: {eligible: rep.region == country}")
    assert _route(by_region, country="France").owner == "cat"
    by_segment = _snapshot('  pools:\n    inbound: {eligible: rep.segment == "enterprise"}')
    assert _route(by_segment).owner == "bob"
    custom = _snapshot("  pools:\n    inbound: {eligible: rep.certified and rep.seniority >= 2}")
    assert _route(custom).owner == "cat"
    inside = _snapshot("  pools:\n    inbound: {eligible: language in rep.languages}")
    assert _route(inside, language="fr").owner == "cat"


def test_eligibility__when_nobody_qualifies_the_fallback_applies_and_the_trace_says_so() -> None:
    snap = _snapshot(
        "  pools:\n    inbound:\n      eligible: rep.languages contains language\n"
        '      otherwise_eligible: rep.languages contains "en"'
    )
    decision = _route(snap, language="ja")
    assert decision.owner in ("ana", "bob", "cat")
    notes = [n for n in decision.trace.notes if n.code is Reason.ELIGIBILITY_FALLBACK]
    assert notes and 'rep.languages contains "en"' in notes[0].message


def test_eligibility__without_a_fallback_nobody_eligible_goes_to_the_fallback_queue() -> None:
    snap = _snapshot("  pools:\n    inbound: {eligible: rep.languages contains language}")
    decision = _route(snap, language="ja")
    assert decision.owner is None and decision.queue == "unrouted"
    assert any(n.code is Reason.ELIGIBILITY_FALLBACK for n in decision.trace.notes)


def test_takes__a_rep_who_only_takes_high_scores_skips_the_others_with_reason() -> None:
    snap = _snapshot("  reps:\n    ana: {takes: employees >= 500}")
    owners = []
    for n in range(6):
        decision = _route(snap, employees=str(10 + n))
        owners.append(decision.owner)
        snap = snap.with_state(apply_effects(snap.state, decision))
    assert "ana" not in owners
    assert _reasons(decision).get("ana") in (Reason.REP_FILTERED, None)
    big = _route(snap, employees="900")
    assert big.owner in ("ana", "bob", "cat")


def test_prefers__a_rep_who_prefers_partner_leads_gets_them_first() -> None:
    snap = _snapshot('  reps:\n    cat: {prefers: tags contains "partner"}')
    for _ in range(4):
        decision = _route(snap, tags="partner")
        assert decision.owner == "cat"
        assert _reasons(decision)["ana"] is Reason.OTHER_PREFERRED
        snap = snap.with_state(apply_effects(snap.state, decision))
    assert _route(snap, tags="other").owner in ("ana", "bob", "cat")


def test_priority__the_highest_tier_first_then_the_strategy_among_equals() -> None:
    snap = _snapshot("  pools:\n    inbound: {priority: {ana: 2, bob: 2, cat: 1}}")
    owners, cat = [], set()
    for _ in range(4):
        decision = _route(snap)
        owners.append(decision.owner)
        cat.add(_reasons(decision).get("cat"))
        snap = snap.with_state(apply_effects(snap.state, decision))
    assert owners == ["ana", "bob", "ana", "bob"]
    assert Reason.LOWER_PRIORITY in cat


def test_priority__a_lower_tier_takes_leads_when_the_top_tier_is_unavailable() -> None:
    team = parse_team(TEAM.replace("region: DE,", "region: DE, active: false,"), "team.yaml")
    policy = """
version: "e1"
fallback_queue: unrouted
distribution:
  pools:
    inbound: {priority: {ana: 2, bob: 1, cat: 0}}
rules:
  - {id: inbound, route: pool inbound}
"""
    snap = Snapshot(compile_policy(policy, "policy.yaml", team), team)
    assert route({"email": "jo@initech.com"}, snap, NOW).owner == "bob"
