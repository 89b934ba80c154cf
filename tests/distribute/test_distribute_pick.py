"""pick_rep across strategies: follow-the-sun, fairness, and the availability invariants."""

from __future__ import annotations

from datetime import datetime
from types import MappingProxyType

import pytest
from distribute_factories import (
    LONDON,
    NINE_TO_FIVE,
    NY,
    SINGAPORE,
    assign,
    at,
    pool,
    rep,
    state,
    team,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from leadrouter.distribute import pick_rep, unavailable
from leadrouter.model import Absence, Pool, Reason, Rep, RepLoad, RoutingState, Strategy, Team

SUN = team(
    rep("ana", timezone=NY, working_hours=NINE_TO_FIVE),
    rep("liz", timezone=LONDON, working_hours=NINE_TO_FIVE),
    rep("wei", timezone=SINGAPORE, working_hours=NINE_TO_FIVE),
)


@pytest.mark.parametrize("strategy", list(Strategy))
def test_pick_rep__at_3am_in_new_york_follows_the_sun_to_singapore(strategy: Strategy) -> None:
    pick = pick_rep(
        pool("ana", "liz", "wei", strategy=strategy), SUN, state(), at("2026-11-24 03:00", NY)
    )
    assert pick.rep == "wei"
    assert {c.rep: c.reason for c in pick.checks if c.rep != "wei"} == {
        "ana": Reason.OUTSIDE_WORKING_HOURS,
        "liz": Reason.OUTSIDE_WORKING_HOURS,
    }


def test_pick_rep__mid_morning_in_new_york_goes_to_whoever_is_next_among_ny_and_london() -> None:
    the_pool = pool("wei", "liz", "ana")
    pick = pick_rep(the_pool, SUN, state(), at("2026-11-24 09:30", NY))
    assert pick.rep == "liz"
    assert pick.checks[0].detail == (
        "outside working hours: 22:30 Tue in Asia/Singapore, works 09:00-17:00"
    )


def test_pick_rep__ignores_working_hours_when_the_pool_does_not_follow_the_sun() -> None:
    the_pool = pool("ana", "liz", "wei", respect_working_hours=False)
    pick = pick_rep(the_pool, SUN, state(), at("2026-11-24 03:00", NY))
    assert pick.rep == "ana"


def test_pick_rep__without_following_the_sun_still_skips_out_of_office() -> None:
    away = Absence(at("2026-11-20", NY), at("2026-11-30", NY), "vacation")
    the_team = team(
        rep("ana", timezone=NY, working_hours=NINE_TO_FIVE, out_of_office=(away,)), rep("liz")
    )
    the_pool = pool("ana", "liz", respect_working_hours=False)
    pick = pick_rep(the_pool, the_team, state(), at("2026-11-24 03:00", NY))
    assert pick.rep == "liz"
    assert pick.checks[0].detail == "out of office until 2026-11-30 (vacation)"


def test_pick_rep__an_empty_pool_picks_nobody_and_says_nothing() -> None:
    pick = pick_rep(pool(), SUN, state(cursor=3), at("2026-11-24 12:00"))
    assert (pick.rep, pick.checks, pick.pool_state.cursor) == (None, (), 3)


def test_pick_rep__rejects_a_naive_now() -> None:
    with pytest.raises(ValueError, match="aware"):
        pick_rep(pool("ana"), SUN, state(), datetime(2026, 11, 24, 3))


# ---------------------------------------------------------------- invariants

NOON = at("2026-11-24 12:00")
_strategies = st.sampled_from(list(Strategy))


def _equal_pool(size: int, strategy: Strategy) -> tuple[Pool, Team]:
    ids = [f"r{i}" for i in range(size)]
    return pool(*ids, strategy=strategy), team(*(rep(i) for i in ids))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 12), st.integers(0, 500), _strategies)
def test_pick_rep__equal_members_get_counts_within_one_of_each_other(
    size: int, picks: int, strategy: Strategy
) -> None:
    the_pool, the_team = _equal_pool(size, strategy)
    counts = dict.fromkeys(the_pool.members, 0)
    routing = state()
    for _ in range(picks):
        pick = pick_rep(the_pool, the_team, routing, NOON)
        assert pick.rep is not None
        counts[pick.rep] += 1
        routing = assign(routing, the_team, pick, NOON)
    assert max(counts.values()) - min(counts.values()) <= 1


# Each member is in one of these conditions; "unknown" members are left off the team.
_CONDITIONS = ("ok", "inactive", "away", "asleep", "full", "capped", "unknown")
_AWAY = (Absence(at("2026-11-20"), at("2026-11-30"), "vacation"),)


def _member(rep_id: str, condition: str) -> tuple[Rep, RepLoad]:
    fields: dict[str, object] = {
        "inactive": {"active": False},
        "away": {"out_of_office": _AWAY},
        "asleep": {"timezone": NY, "working_hours": NINE_TO_FIVE},
        "full": {"max_open": 2},
        "capped": {"max_per_day": 1},
    }.get(condition, {})
    load = RepLoad(open=2, today=1, day=NOON.date())
    return rep(rep_id, **fields), load


@st.composite
def _situations(draw: st.DrawFn) -> tuple[Pool, Team, RoutingState]:
    conditions = draw(st.lists(st.sampled_from(_CONDITIONS), min_size=1, max_size=12))
    ids = [f"r{i}" for i in range(len(conditions))]
    members = [_member(i, c) for i, c in zip(ids, conditions, strict=True)]
    the_team = team(*(r for (r, _), c in zip(members, conditions, strict=True) if c != "unknown"))
    weights = draw(st.lists(st.integers(1, 5), min_size=len(ids), max_size=len(ids)))
    the_pool = pool(
        *ids,
        strategy=draw(_strategies),
        weights=MappingProxyType(dict(zip(ids, weights, strict=True))),
        respect_working_hours=draw(st.booleans()),
    )
    current = draw(st.dictionaries(st.sampled_from(ids), st.integers(-20, 20)))
    loads = {r.id: load for r, load in members}
    return the_pool, the_team, state(draw(st.integers(0, 30)), current, loads)


def _blocked(
    the_pool: Pool, the_team: Team, routing: RoutingState
) -> dict[str, tuple[Reason, str]]:
    blocked = {}
    for rep_id in the_pool.members:
        the_rep = the_team.reps.get(rep_id)
        if the_rep is None:
            blocked[rep_id] = (Reason.REP_UNKNOWN, "not on the team")
            continue
        why = unavailable(the_rep, routing.load(rep_id), NOON, hours=the_pool.respect_working_hours)
        if why is not None:
            blocked[rep_id] = why
    return blocked


@settings(max_examples=150, deadline=None)
@given(_situations())
def test_pick_rep__never_picks_an_unavailable_member_and_picks_when_anyone_is_available(
    situation: tuple[Pool, Team, RoutingState],
) -> None:
    the_pool, the_team, routing = situation
    blocked = _blocked(the_pool, the_team, routing)
    pick = pick_rep(the_pool, the_team, routing, NOON)
    assert pick.rep not in blocked
    assert (pick.rep is None) == (len(blocked) == len(the_pool.members))


@settings(max_examples=150, deadline=None)
@given(_situations())
def test_pick_rep__explains_each_skip_with_the_reason_unavailable_gives(
    situation: tuple[Pool, Team, RoutingState],
) -> None:
    the_pool, the_team, routing = situation
    blocked = _blocked(the_pool, the_team, routing)
    pick = pick_rep(the_pool, the_team, routing, NOON)
    selected = [c.rep for c in pick.checks if c.reason is Reason.REP_SELECTED]
    assert selected == ([] if pick.rep is None else [pick.rep])
    for check in pick.checks:
        if check.rep in blocked:
            assert (check.reason, check.detail) == blocked[check.rep]
    listed = {c.rep for c in pick.checks}
    # Only a round-robin scan of a large pool stops early, at the chosen member.
    if pick.rep is None or the_pool.strategy is not Strategy.ROUND_ROBIN:
        assert set(blocked) <= listed


@settings(max_examples=100, deadline=None)
@given(_situations())
def test_pick_rep__is_deterministic_and_leaves_its_inputs_alone(
    situation: tuple[Pool, Team, RoutingState],
) -> None:
    the_pool, the_team, routing = situation
    snapshot = (routing.pool("p").cursor, dict(routing.pool("p").current), dict(routing.loads))
    first = pick_rep(the_pool, the_team, routing, NOON)
    assert pick_rep(the_pool, the_team, routing, NOON) == first
    assert (
        routing.pool("p").cursor,
        dict(routing.pool("p").current),
        dict(routing.loads),
    ) == snapshot


def test_pick_rep__sees_a_reloaded_team_for_the_same_pool() -> None:
    the_pool = pool("ana", "bob")
    before = pick_rep(the_pool, team(rep("ana"), rep("bob")), state(), NOON)
    after = pick_rep(the_pool, team(rep("ana", active=False), rep("bob")), state(), NOON)
    assert (before.rep, after.rep) == ("ana", "bob")


def test_pick_rep__lists_only_skips_and_the_winner_in_a_large_load_balanced_pool() -> None:
    ids = [f"r{i}" for i in range(10)]
    the_team = team(*(rep(i, max_open=10, active=i != "r5") for i in ids))
    loads = {i: RepLoad(open=n) for n, i in enumerate(ids)}
    the_pool = pool(*ids, strategy=Strategy.LOAD_BALANCED)
    pick = pick_rep(the_pool, the_team, state(cursor=4, loads=loads), NOON)
    assert [(c.rep, c.reason, c.detail) for c in pick.checks] == [
        ("r5", Reason.REP_INACTIVE, "inactive"),
        ("r0", Reason.REP_SELECTED, "lowest load: 0/10 open; 8 other available members not listed"),
    ]
