"""The Acme policy's `reroute:` triggers and `handoffs:`: a nurtured lead whose score crosses the
MQL threshold is routed again, an owned lead keeps its owner; a booked meeting goes to an AE."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from leadrouter.engine import Snapshot, context, route
from leadrouter.normalize import normalize_lead
from leadrouter.policy import load_policy, load_team
from leadrouter.policy.reroute import CHANGED, changed_fields, verdict

ACME = Path(__file__).parents[2] / "examples" / "acme"
NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def _judge(state: str, before: dict, after: dict):
    team = load_team(ACME / "team.yaml")
    policy = load_policy(ACME / "policy.yaml", team)
    snapshot = Snapshot(policy=policy, team=team)
    old, new = (
        context(normalize_lead(raw, policy.custom_fields, id="l1"), snapshot, NOW)
        for raw in (before, after)
    )
    return verdict(policy.reroute, state, {**new, CHANGED: changed_fields(old, new)}, "dana")


def test_acme_reroute__a_nurtured_lead_that_becomes_an_mql_is_routed_again():
    before = {"email": "jo@tiny.io", "country": "US", "employees": 5}
    after = {**before, "employees": 400, "title": "VP Sales", "form": "demo_request"}

    judged = _judge("nurture", before, after)

    assert judged.reroute and judged.trigger == "became-mql", judged.reason


def test_acme_reroute__a_nurtured_lead_still_below_the_threshold_stays():
    before = {"email": "jo@tiny.io", "country": "US", "employees": 5}

    judged = _judge("nurture", before, {**before, "phone": "+1 415 555 0100"})

    assert not judged.reroute


def test_acme_reroute__an_owned_lead_keeps_its_owner():
    before = {"email": "jo@tiny.io", "country": "US", "employees": 5}

    judged = _judge("owned", before, {**before, "employees": 5000})

    assert not judged.reroute and "dana" in judged.reason


def test_acme_handoff__a_booked_meeting_goes_to_an_enterprise_ae_by_region():
    team = load_team(ACME / "team.yaml")
    policy = load_policy(ACME / "policy.yaml", team)
    handoff = policy.handoffs["meeting_booked"]
    ae_policy = replace(policy, rules=handoff.rules)
    snapshot = Snapshot(policy=ae_policy, team=team)

    emea = route({"email": "jo@bmw.de", "country": "Germany", "employees": 50}, snapshot, NOW)
    na = route({"email": "jo@tiny.io", "country": "US", "employees": 50}, snapshot, NOW)

    assert (handoff.from_role, handoff.to_role) == ("sdr", "ae")
    assert (emea.rule, emea.pool) == ("ae-emea", "emea_enterprise")
    assert (na.rule, na.pool) == ("ae-na", "na_enterprise")
