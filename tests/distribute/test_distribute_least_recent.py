"""Least-recently-assigned: the oldest last lead wins, the never assigned first, ties drawn."""

from __future__ import annotations

from datetime import UTC, datetime

from distribute_factories import assign, pool, rep, state, team

from leadrouter.distribute import pick_rep
from leadrouter.model import Absence, Reason, RoutingState, Strategy
from leadrouter.policy.distribution import Distribution

NOW = datetime(2026, 1, 5, 15, tzinfo=UTC)
LRA = Strategy.LEAST_RECENTLY_ASSIGNED
QUARTET = team(rep("ana"), rep("bob"), rep("cat"), rep("dan"))


def _owners(n: int, seed: int, routing: RoutingState | None = None) -> list[str]:
    routing = routing or state()
    the_pool = pool("ana", "bob", "cat", "dan", strategy=LRA)
    owners = []
    for _ in range(n):
        pick = pick_rep(the_pool, QUARTET, routing, NOW, distribution=Distribution(seed=seed))
        assert pick.rep is not None
        owners.append(pick.rep)
        routing = assign(routing, QUARTET, pick, NOW)
    return owners


def test_least_recent__serves_everyone_once_before_anyone_twice() -> None:
    owners = _owners(12, seed=1)
    for start in range(0, 12, 4):
        assert sorted(owners[start : start + 4]) == ["ana", "bob", "cat", "dan"]
    assert owners[4:8] == owners[:4] == owners[8:]


def test_least_recent__the_same_seed_gives_the_same_owners_and_seeds_differ() -> None:
    assert _owners(8, seed=7) == _owners(8, seed=7)
    firsts = {tuple(_owners(4, seed=seed)) for seed in range(12)}
    assert len(firsts) > 1  # the draw, not member order, breaks ties among the never assigned


def test_least_recent__a_rep_never_assigned_counts_as_the_oldest() -> None:
    routing = state()
    three = pool("ana", "bob", "cat", strategy=LRA)
    for _ in range(6):
        routing = assign(routing, QUARTET, pick_rep(three, QUARTET, routing, NOW), NOW)
    four = pool("ana", "bob", "cat", "dan", strategy=LRA)
    pick = pick_rep(four, QUARTET, routing, NOW)
    assert pick.rep == "dan"
    assert "never assigned" in next(c.detail for c in pick.checks if c.rep == "dan")


def test_least_recent__skips_the_unavailable_and_explains_the_others() -> None:
    away = Absence(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC))
    the_team = team(rep("ana", out_of_office=(away,)), rep("bob"), rep("cat"))
    routing = state()
    the_pool = pool("ana", "bob", "cat", strategy=LRA)
    first = pick_rep(the_pool, the_team, routing, NOW)
    routing = assign(routing, the_team, first, NOW)
    second = pick_rep(the_pool, the_team, routing, NOW)
    reasons = {check.rep: check.reason for check in second.checks}
    assert reasons["ana"] is Reason.REP_OUT_OF_OFFICE
    assert reasons[first.rep] is Reason.ASSIGNED_MORE_RECENTLY
    assert second.rep not in ("ana", first.rep)
