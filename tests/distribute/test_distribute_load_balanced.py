"""Load-balanced picks and least_loaded: load relative to capacity, equal loads rotating."""

from __future__ import annotations

from types import MappingProxyType

from distribute_factories import NINE_TO_FIVE, NY, at, pool, rep, state, team

from leadrouter.distribute import least_loaded, pick_rep
from leadrouter.model import Absence, Reason, RepCheck, RepLoad, Strategy

NOON = at("2026-11-24 12:00", NY)
BALANCED = Strategy.LOAD_BALANCED


def test_pick_rep__gives_the_lead_to_the_lowest_open_to_capacity_ratio() -> None:
    # 7/50 is less loaded than 3/10 even though it is more leads.
    the_team = team(rep("ana", max_open=10), rep("bob", max_open=50))
    loads = {"ana": RepLoad(open=3), "bob": RepLoad(open=7)}
    pick = pick_rep(pool("ana", "bob", strategy=BALANCED), the_team, state(loads=loads), NOON)
    assert pick.rep == "bob"
    assert pick.checks == (
        RepCheck("ana", "p", Reason.HIGHER_LOAD, "3/10 open vs 7/50"),
        RepCheck("bob", "p", Reason.REP_SELECTED, "lowest load: 7/50 open"),
    )


def test_pick_rep__equal_loads_rotate_from_the_cursor() -> None:
    the_team = team(rep("ana", max_open=50), rep("bob", max_open=50), rep("cat", max_open=50))
    loads = {rep_id: RepLoad(open=3) for rep_id in ("ana", "bob", "cat")}
    the_pool = pool("ana", "bob", "cat", strategy=BALANCED)
    pick = pick_rep(the_pool, the_team, state(cursor=1, loads=loads), NOON)
    assert (pick.rep, pick.pool_state.cursor) == ("bob", 2)
    assert pick.checks[1] == RepCheck(
        "cat", "p", Reason.NOT_NEXT_IN_TURN, "same load (3/50 open), not next in turn"
    )


def test_pick_rep__reps_without_a_cap_compare_open_leads_per_unit_of_weight() -> None:
    # ana: 6 open at weight 3 (2 per unit) beats bob: 3 open at weight 1.
    the_team = team(rep("ana"), rep("bob"))
    loads = {"ana": RepLoad(open=6), "bob": RepLoad(open=3)}
    weights = MappingProxyType({"ana": 3})
    the_pool = pool("ana", "bob", strategy=BALANCED, weights=weights)
    pick = pick_rep(the_pool, the_team, state(cursor=1, loads=loads), NOON)
    assert pick.rep == "ana"
    assert pick.checks[0] == RepCheck("bob", "p", Reason.HIGHER_LOAD, "3 open vs 6 (weight 3)")


def test_pick_rep__never_gives_a_load_balanced_lead_to_a_full_rep() -> None:
    the_team = team(rep("ana", max_open=2), rep("bob", max_open=50))
    loads = {"ana": RepLoad(open=2), "bob": RepLoad(open=40)}
    pick = pick_rep(pool("ana", "bob", strategy=BALANCED), the_team, state(loads=loads), NOON)
    assert pick.rep == "bob"
    assert pick.checks[0] == RepCheck("ana", "p", Reason.CAPACITY_FULL, "2/2 open leads")


def test_least_loaded__picks_the_active_member_with_the_lowest_ratio_even_when_full() -> None:
    away = (Absence(at("2026-11-01"), at("2026-12-01")),)
    the_team = team(
        rep("ana", max_open=10),
        rep("bob", max_open=10, working_hours=NINE_TO_FIVE, out_of_office=away),
        rep("cat", active=False),
    )
    loads = {"ana": RepLoad(open=12), "bob": RepLoad(open=11)}
    assert least_loaded(pool("cat", "ana", "bob"), the_team, state(loads=loads)) == "bob"


def test_least_loaded__breaks_ties_by_member_order() -> None:
    the_team = team(rep("ana", max_open=10), rep("bob", max_open=20))
    loads = {"ana": RepLoad(open=5), "bob": RepLoad(open=10)}
    assert least_loaded(pool("bob", "ana"), the_team, state(loads=loads)) == "bob"


def test_least_loaded__treats_a_zero_cap_as_the_most_loaded() -> None:
    the_team = team(rep("ana", max_open=0), rep("bob", max_open=10))
    loads = {"bob": RepLoad(open=10)}
    assert least_loaded(pool("ana", "bob"), the_team, state(loads=loads)) == "bob"


def test_least_loaded__is_none_when_no_member_is_active_or_known() -> None:
    the_team = team(rep("ana", active=False))
    assert least_loaded(pool("ana", "ghost"), the_team, state()) is None
