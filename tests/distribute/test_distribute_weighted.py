"""Smooth weighted round-robin: nginx's sequence, skips, and the weighted-share guarantee."""

from __future__ import annotations

from types import MappingProxyType

from distribute_factories import assign, at, pool, rep, state, team
from hypothesis import example, given, settings
from hypothesis import strategies as st

from leadrouter.distribute import pick_rep
from leadrouter.model import Pool, Reason, RepCheck, RoutingState, Strategy, Team

NOON = at("2026-11-24 12:00")


def weighted(weights: dict[str, int]) -> tuple[Pool, Team]:
    return (
        pool(*weights, strategy=Strategy.WEIGHTED, weights=MappingProxyType(weights)),
        team(*(rep(rep_id) for rep_id in weights)),
    )


def run(the_pool: Pool, the_team: Team, routing: RoutingState, picks: int) -> list[str | None]:
    chosen: list[str | None] = []
    for _ in range(picks):
        pick = pick_rep(the_pool, the_team, routing, NOON)
        routing = assign(routing, the_team, pick, NOON)
        chosen.append(pick.rep)
    return chosen


def test_pick_rep__interleaves_weights_five_one_one_as_nginx_does() -> None:
    the_pool, the_team = weighted({"a": 5, "b": 1, "c": 1})
    assert run(the_pool, the_team, state(), 7) == ["a", "a", "b", "a", "c", "a", "a"]


def test_pick_rep__keeps_turn_scores_in_the_new_state_without_touching_the_old() -> None:
    the_pool, the_team = weighted({"a": 2, "b": 1})
    before = state()
    pick = pick_rep(the_pool, the_team, before, NOON)
    assert pick.rep == "a"
    assert dict(pick.pool_state.current) == {"a": -1, "b": 1}
    assert dict(before.pool("p").current) == {}


def test_pick_rep__an_unavailable_member_takes_no_part_and_keeps_its_score() -> None:
    the_pool, _ = weighted({"a": 2, "b": 1, "c": 1})
    the_team = team(rep("a", active=False), rep("b"), rep("c"))
    pick = pick_rep(the_pool, the_team, state(current={"a": 5, "b": 0, "c": 0}), NOON)
    assert pick.rep == "b"
    assert dict(pick.pool_state.current) == {"a": 5, "b": -1, "c": 1}


def test_pick_rep__explains_the_winner_and_each_rival_by_turn_score() -> None:
    the_pool, the_team = weighted({"a": 1, "b": 3})
    pick = pick_rep(the_pool, the_team, state(), NOON)
    assert pick.checks == (
        RepCheck("a", "p", Reason.NOT_NEXT_IN_TURN, "turn score 1 vs 3 (weight 1)"),
        RepCheck("b", "p", Reason.REP_SELECTED, "highest turn score 3 (weight 3 of 4)"),
    )


def test_pick_rep__counts_unlisted_rivals_in_a_large_weighted_pool() -> None:
    the_pool, the_team = weighted({f"r{i}": 1 for i in range(10)})
    pick = pick_rep(the_pool, the_team, state(), NOON)
    assert pick.checks == (
        RepCheck(
            "r0",
            "p",
            Reason.REP_SELECTED,
            "highest turn score 1 (weight 1 of 10); 9 other available members not listed",
        ),
    )


# Smooth weighted round-robin keeps each count close to its share, but not always within one:
# weights [1, 1, 1, 1, 1, 4, 4, 4] give a weight-4 member 2 of the first 13 picks against a share
# of 3.06. The largest gap seen in 20,000 random pools of this shape was 1.08; two is the bound.
@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=1, max_size=12), st.integers(0, 500))
@example([1, 1, 1, 1, 1, 4, 4, 4], 13)
def test_pick_rep__every_count_stays_within_two_of_its_weighted_share(
    weights: list[int], picks: int
) -> None:
    the_pool, the_team = weighted({f"r{i}": w for i, w in enumerate(weights)})
    total = sum(weights)
    counts = dict.fromkeys(the_pool.members, 0)
    routing = state()
    for done in range(1, picks + 1):
        pick = pick_rep(the_pool, the_team, routing, NOON)
        routing = assign(routing, the_team, pick, NOON)
        assert pick.rep is not None
        counts[pick.rep] += 1
        for rep_id, weight in zip(the_pool.members, weights, strict=True):
            assert abs(counts[rep_id] - done * weight / total) < 2
