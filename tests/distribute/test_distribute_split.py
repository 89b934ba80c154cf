"""A capacity-weighted split between teams: shares by capacity, none for a capacity of 0, the
team recorded on each decision, and the next team when one has nobody available."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from leadrouter.engine import Snapshot, apply_effects, route
from leadrouter.model import Reason
from leadrouter.policy import compile_policy, parse_team

NOW = datetime(2026, 1, 5, 15, tzinfo=UTC)

TEAM = """
reps:
  - {id: ana, name: Ana, email: ana@x.example}
  - {id: bob, name: Bob, email: bob@x.example}
  - {id: cat, name: Cat, email: cat@x.example}
  - {id: dan, name: Dan, email: dan@x.example, active: ACTIVE}
pools:
  - {id: emea, members: [ana, bob]}
  - {id: amer, members: [cat]}
  - {id: apac, members: [dan]}
queues:
  - {id: unrouted, name: Unrouted, fallback: true}
"""


def _snapshot(capacities: str, dan_active: bool = True) -> Snapshot:
    team = parse_team(TEAM.replace("ACTIVE", str(dan_active).lower()), "team.yaml")
    policy = f"""
version: "s1"
fallback_queue: unrouted
distribution:
  splits:
    world: {capacities}
rules:
  - {{id: split, route: split world}}
"""
    return Snapshot(compile_policy(policy, "policy.yaml", team), team)


def _teams(snap: Snapshot, n: int) -> Counter[str]:
    got: Counter[str] = Counter()
    for i in range(n):
        decision = route({"email": f"p{i}@initech.com"}, snap, NOW)
        got[decision.pool or "-"] += 1
        note = next(n for n in decision.trace.notes if n.code is Reason.TEAM_SPLIT)
        assert note.data["team"] == decision.pool
        snap = snap.with_state(apply_effects(snap.state, decision))
    return got


def test_split__shares_leads_by_capacity_within_a_lead_of_exact() -> None:
    got = _teams(_snapshot("{emea: 75, amer: 90}"), 1000)
    assert abs(got["emea"] - 1000 * 75 / 165) <= 1
    assert abs(got["amer"] - 1000 * 90 / 165) <= 1
    assert got == _teams(_snapshot("{emea: 75, amer: 90}"), 1000)  # the same on every run


def test_split__a_team_with_capacity_zero_gets_none() -> None:
    got = _teams(_snapshot("{emea: 75, amer: 0, apac: 25}"), 200)
    assert got == {"emea": 150, "apac": 50}


def test_split__a_team_with_nobody_available_passes_its_turn_to_the_next() -> None:
    got = _teams(_snapshot("{amer: 1, apac: 1}", dan_active=False), 10)
    assert got == {"amer": 10}


def test_split__a_list_of_pools_takes_each_capacity_from_its_members_max_open() -> None:
    team = parse_team(
        TEAM.replace("ACTIVE", "true")
        .replace("ana@x.example}", "ana@x.example, max_open: 40}")
        .replace("bob@x.example}", "bob@x.example, max_open: 35}")
        .replace("cat@x.example}", "cat@x.example, max_open: 90}"),
        "team.yaml",
    )
    policy = """
version: "s1"
fallback_queue: unrouted
distribution:
  splits:
    world: [emea, amer]
rules:
  - {id: split, route: split world}
"""
    snap = Snapshot(compile_policy(policy, "policy.yaml", team), team)
    assert snap.policy.distribution.splits["world"].teams == (("emea", 75), ("amer", 90))
    got = _teams(snap, 165)
    assert got == {"emea": 75, "amer": 90}
