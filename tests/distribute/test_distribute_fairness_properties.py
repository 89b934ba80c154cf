"""Properties of issue 17's distribution features over random teams and policies.

1. Availability stays absolute with every feature on: eligibility with a fallback of everyone,
   reps' own `takes` and `prefers`, priority tiers, least-recently-assigned, splits between
   teams, calibration. No lead ever goes to an inactive or out-of-office rep.
2. No rep's count drifts more than one from its weighted share, newcomers included: in
   round-robin, weighted and least-recently-assigned pools, over the leads since the members last
   changed; in load-balanced pools (equal weights, no lead closing), each member's fair-share
   count (received + calibration credit) against the average.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from types import MappingProxyType

from distribute_factories import assign, pool, rep, team
from hypothesis import given, settings
from hypothesis import strategies as st
from test_distribute_properties import IDS, START, teams

from leadrouter.distribute import pick_rep
from leadrouter.engine import Snapshot, apply_effects, route
from leadrouter.model import RoutingState, Strategy, Team
from leadrouter.policy import compile_policy

NOW = datetime(2026, 1, 5, 15, tzinfo=UTC)


def _policy(team: Team, tiers: dict[str, int], takes: str, prefers: str, seed: int) -> str:
    members = team.pools["p"].members
    priority = ", ".join(f"{rep}: {tier}" for rep, tier in tiers.items() if rep in members)
    own = {takes: ["takes: employees >= 100"]}
    own.setdefault(prefers, []).append('prefers: country == "DE"')
    reps = "\n    ".join(f"{rep}: {{{', '.join(rules)}}}" for rep, rules in own.items())
    return f"""
version: "prop"
fallback_queue: q
distribution:
  seed: {seed}
  pools:
    p:
      eligible: rep.languages contains language
      otherwise_eligible: everyone
      priority: {{{priority}}}
  reps:
    {reps}
  splits:
    both: {{p: 2, p2: 1}}
rules:
  - {{id: split, when: country == "SG", route: split both}}
  - {{id: pooled, route: pool p}}
"""


@settings(max_examples=150, deadline=None)
@given(
    team=teams(),
    tiers=st.dictionaries(st.sampled_from(IDS), st.integers(0, 2)),
    takes=st.sampled_from(IDS),
    prefers=st.sampled_from(IDS),
    seed=st.integers(0, 99),
    batch=st.lists(
        st.tuples(
            st.sampled_from(("de", "en", "fr")),
            st.sampled_from(("US", "DE", "SG")),
            st.sampled_from(("20", "500")),
            st.integers(0, 14 * 24 * 60),
        ),
        min_size=1,
        max_size=25,
    ),
)
def test_no_unavailable_rep_ever_receives_a_lead_whatever_the_distribution_rules(
    team: Team,
    tiers: dict[str, int],
    takes: str,
    prefers: str,
    seed: int,
    batch: list[tuple[str, str, str, int]],
) -> None:
    languages = {"ana": "de", "bob": "fr"}
    reps = {
        rep_id: _with_languages(r, languages.get(rep_id, "en")) for rep_id, r in team.reps.items()
    }
    team = Team(MappingProxyType(reps), team.pools, team.queues)
    policy = compile_policy(_policy(team, tiers, takes, prefers, seed), "policy.yaml", team)
    snap = Snapshot(policy, team)
    for language, country, employees, minutes in sorted(batch, key=lambda lead: lead[3]):
        now = START + timedelta(minutes=minutes)
        lead = {"email": "kim@initech.com", "language": language, "country": country}
        decision = route(lead | {"employees": employees}, snap, now)
        assert decision.owner is not None or decision.queue == "q"
        if decision.owner is not None:
            rep = team.reps[decision.owner]
            assert rep.active, f"{rep.id} is inactive"
            assert not any(a.start <= now < a.end for a in rep.out_of_office), f"{rep.id} is away"
        snap = snap.with_state(apply_effects(snap.state, decision))


def _with_languages(the_rep, language: str):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    return replace(the_rep, languages=frozenset({language, "en"}))


ROSTER = tuple(f"r{i}" for i in range(8))
EVERYONE = team(*(rep(rep_id) for rep_id in ROSTER))


@st.composite
def phases(draw: st.DrawFn) -> list[tuple[tuple[str, ...], int]]:
    """Members of a pool over time (a newcomer joins, anywhere in the order), leads per phase."""
    members = list(ROSTER[: draw(st.integers(1, 4))])
    found = []
    for joined in range(draw(st.integers(1, 4))):
        found.append((tuple(members), draw(st.integers(0, 40))))
        newcomer = ROSTER[len(members)] if len(members) < len(ROSTER) else None
        if newcomer is None or joined == 3:
            break
        members.insert(draw(st.integers(0, len(members))), newcomer)
    return found


@settings(max_examples=200, deadline=None)
@given(
    strategy=st.sampled_from(
        (Strategy.ROUND_ROBIN, Strategy.WEIGHTED, Strategy.LEAST_RECENTLY_ASSIGNED)
    ),
    weights=st.lists(st.integers(1, 3), min_size=len(ROSTER), max_size=len(ROSTER)),
    plan=phases(),
)
def test_no_rep_drifts_more_than_one_from_its_weighted_share_newcomers_included(
    strategy: Strategy, weights: list[int], plan: list[tuple[tuple[str, ...], int]]
) -> None:
    weighted = strategy is Strategy.WEIGHTED
    routing = RoutingState()
    for members, leads in plan:
        share = {m: weights[ROSTER.index(m)] if weighted else 1 for m in members}
        the_pool = pool(
            *members, strategy=strategy, weights=MappingProxyType(share if weighted else {})
        )
        total = sum(share.values())
        got: Counter[str] = Counter()
        for n in range(1, leads + 1):
            pick = pick_rep(the_pool, EVERYONE, routing, NOW)
            assert pick.rep is not None
            got[pick.rep] += 1
            routing = assign(routing, EVERYONE, pick, NOW)
            for member in members:
                assert abs(got[member] - n * share[member] / total) <= 1, (member, got, n)


@settings(max_examples=200, deadline=None)
@given(plan=phases())
def test_load_balanced_fair_share_counts_stay_within_one_newcomers_included(
    plan: list[tuple[tuple[str, ...], int]],
) -> None:
    routing = RoutingState()
    for members, leads in plan:
        the_pool = pool(*members, strategy=Strategy.LOAD_BALANCED)
        for _ in range(leads):
            routing = assign(routing, EVERYONE, pick_rep(the_pool, EVERYONE, routing, NOW), NOW)
            fairness = routing.pool("p").fairness
            average = sum(fairness.share(m) for m in members) / len(members)
            for member in members:
                assert abs(fairness.share(member) - average) <= 1, (member, fairness)
