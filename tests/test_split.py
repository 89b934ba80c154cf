"""A/B splits and propensities: the arm is a deterministic hash of the lead's identity, shares
hold over many leads, a duplicate stays in its arm, and every decision records its propensity."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from leadrouter.matching import dedupe_keys
from leadrouter.normalize import normalize_lead
from leadrouter.sequence import LeadSequence
from leadrouter.split import Arm, Split, identity, position

from .factories import POLICY, TUESDAY_15_UTC, snapshot

A = snapshot()
B = snapshot(
    POLICY.replace('version: "t-1"', 'version: "t-2"').replace(
        "route: rep lea", "route: pool global"
    )
)


def split(share_b: float = 0.3) -> Split:
    return Split(
        "exp-1",
        (Arm("a", 1 - share_b, A.policy), Arm("b", share_b, B.policy)),
        TUESDAY_15_UTC - timedelta(days=1),
        TUESDAY_15_UTC + timedelta(days=30),
    )


def test_split__is_deterministic_and_within_one_percent_of_its_share_over_10000_leads():
    for share in (0.5, 0.3, 0.1):
        arms = Counter(
            split(share).arm_for(f"e:person{n}@company{n}.com").name for n in range(10_000)
        )
        again = Counter(
            split(share).arm_for(f"e:person{n}@company{n}.com").name for n in range(10_000)
        )
        assert arms == again
        assert abs(arms["b"] / 10_000 - share) <= 0.01, (share, arms)


@given(st.text(min_size=1, max_size=40))
def test_position__is_in_the_unit_interval(text: str):
    assert 0.0 <= position("exp", text) < 1.0


def test_split__a_duplicate_written_another_way_stays_in_its_arm():
    first = normalize_lead({"email": "Jo.Doe+again@Acme.com"}, id="1")
    second = normalize_lead({"email": "jo.doe@acme.com"}, id="2")
    test = split(0.5)
    assert identity(first, dedupe_keys(first)) == identity(second, dedupe_keys(second))
    assert test.arm_for(identity(first, dedupe_keys(first))) == test.arm_for(
        identity(second, dedupe_keys(second))
    )


def test_sequence__with_a_split_decides_each_lead_by_its_arm_and_records_it():
    sequence = LeadSequence(A, split=split(0.5))
    versions = Counter()
    for n in range(200):
        lead = normalize_lead(
            {"email": f"p{n}@c{n}.de", "country": "DE", "form": "demo_request"}, id=str(n)
        )
        decision = sequence.route(lead, TUESDAY_15_UTC).decision
        chance = decision.propensity
        assert chance is not None and chance.experiment == "exp-1"
        assert decision.policy_version == {"a": "t-1", "b": "t-2"}[chance.arm]
        assert chance.probability == 0.5
        versions[decision.policy_version] += 1
    assert 70 < versions["t-2"] < 130


def test_sequence__outside_the_split_period_the_snapshot_policy_decides_with_probability_one():
    sequence = LeadSequence(A, split=split(0.5))
    lead = normalize_lead({"email": "a@b.de", "country": "DE", "form": "demo_request"}, id="x")
    decision = sequence.route(lead, TUESDAY_15_UTC + timedelta(days=31)).decision
    assert decision.policy_version == "t-1"
    assert decision.propensity.probability == 1.0 and decision.propensity.arm is None


def test_propensity__of_a_pool_pick_lists_the_available_members_and_of_a_named_rep_that_rep():
    sequence = LeadSequence(A)
    us = normalize_lead({"email": "a@b.com", "country": "US", "form": "demo_request"}, id="us")
    de = normalize_lead({"email": "c@d.de", "country": "DE", "form": "demo_request"}, id="de")
    low = normalize_lead({"email": "e@f.com", "country": "US"}, id="low")

    pooled = sequence.route(us, TUESDAY_15_UTC).decision  # North America: ana and bob at work
    named = sequence.route(de, TUESDAY_15_UTC).decision
    queued = sequence.route(low, TUESDAY_15_UTC).decision

    assert pooled.propensity.eligible == ("ana", "bob") and pooled.propensity.probability == 1.0
    assert named.propensity.eligible == ("lea",)
    assert queued.kind == "nurture" and queued.propensity.eligible == ()
