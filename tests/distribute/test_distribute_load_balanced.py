"""Load-balanced picks and least_loaded: load relative to capacity, equal loads rotating."""

from __future__ import annotations

from datetime import datetime
from types import MappingProxyType

from distribute_factories import NINE_TO_FIVE, NY, at, pool, rep, state, team

from leadrouter.distribute import least_loaded, pick_rep
from leadrouter.model import (
    Absence,
    Pool,
    Reason,
    RepCheck,
    RepLoad,
    RoutingState,
    Strategy,
    Team,
)

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


def picked(
    the_pool: Pool, the_team: Team, routing: RoutingState, now: datetime = NOON
) -> str | None:
    """Who `least_loaded` gives the lead to (None: nobody)."""
    anyway = least_loaded(the_pool, the_team, routing, now)
    return None if anyway is None else anyway.rep


def test_least_loaded__relaxes_hours_and_caps_and_says_so() -> None:
    the_team = team(
        rep("ana", max_open=10),
        rep("bob", max_open=10, working_hours=NINE_TO_FIVE, timezone=NY),
    )
    loads = {"ana": RepLoad(open=12), "bob": RepLoad(open=11)}
    night = at("2026-11-24 22:00", NY)
    anyway = least_loaded(pool("ana", "bob"), the_team, state(loads=loads), night)
    assert anyway is not None
    assert anyway.rep == "bob"
    assert anyway.detail == (
        "least loaded available member: 11/10 open; assigned anyway despite: outside working "
        "hours: 22:00 Tue in America/New_York, works 09:00-17:00; 11/10 open leads"
    )
    noon = least_loaded(
        pool("ana", "bob"), the_team, state(loads={"ana": RepLoad(5), "bob": RepLoad(1)}), NOON
    )
    assert noon is not None
    assert (noon.rep, noon.detail) == ("bob", "least loaded available member: 1/10 open")


def test_least_loaded__never_picks_an_out_of_office_member() -> None:
    # The bug of issue 17: bob, on holiday, was the least loaded and got the lead.
    away = (Absence(at("2026-12-20"), at("2027-01-04"), "holiday"),)
    the_team = team(rep("ana", max_open=10), rep("bob", max_open=10, out_of_office=away))
    loads = {"ana": RepLoad(open=12)}
    boxing_day = at("2026-12-26 10:00")
    assert picked(pool("ana", "bob"), the_team, state(loads=loads), boxing_day) == "ana"
    # Back from the holiday, bob is the least loaded again.
    assert picked(pool("ana", "bob"), the_team, state(loads=loads), at("2027-01-04")) == "bob"


def test_least_loaded__never_picks_an_inactive_member() -> None:
    the_team = team(rep("ana", max_open=10), rep("cat", active=False))
    loads = {"ana": RepLoad(open=12)}
    assert picked(pool("cat", "ana"), the_team, state(loads=loads)) == "ana"


def test_least_loaded__compares_load_relative_to_capacity() -> None:
    # 4/40 (0.1) is less loaded than 2/10 (0.2), though it is more leads.
    the_team = team(rep("ana", max_open=10), rep("bob", max_open=40))
    loads = {"ana": RepLoad(open=2), "bob": RepLoad(open=4)}
    assert picked(pool("ana", "bob"), the_team, state(loads=loads)) == "bob"


def test_least_loaded__breaks_equal_ratios_by_member_order() -> None:
    the_team = team(rep("ana", max_open=10), rep("bob", max_open=20), rep("cat", max_open=10))
    loads = {"ana": RepLoad(open=5), "bob": RepLoad(open=10), "cat": RepLoad(open=5)}
    # All at 0.5: the first member of the pool gets the lead, whatever their open count.
    assert picked(pool("bob", "cat", "ana"), the_team, state(loads=loads)) == "bob"
    assert picked(pool("cat", "ana", "bob"), the_team, state(loads=loads)) == "cat"


def test_least_loaded__never_picks_a_member_with_a_zero_cap() -> None:
    # A cap of 0 means "takes no leads", even when the pool assigns anyway.
    the_team = team(rep("ana", max_open=0), rep("bob", max_open=10), rep("cat", max_per_day=0))
    loads = {"bob": RepLoad(open=10)}
    assert picked(pool("ana", "bob", "cat"), the_team, state(loads=loads)) == "bob"
    assert picked(pool("ana", "cat"), the_team, state()) is None


def test_least_loaded__is_none_when_no_member_is_available_or_known() -> None:
    away = (Absence(at("2026-11-01"), at("2026-12-01")),)
    the_team = team(rep("ana", active=False), rep("bob", out_of_office=away))
    assert picked(pool("ana", "bob", "ghost"), the_team, state()) is None
