"""Round-robin: turn order from the cursor, skips that explain themselves, a moving cursor."""

from __future__ import annotations

from distribute_factories import NINE_TO_FIVE, NY, at, pool, rep, state, team

from leadrouter.distribute import pick_rep
from leadrouter.model import Reason, RepCheck, RepLoad

NOON = at("2026-11-24 12:00", NY)
TRIO = team(rep("ana"), rep("bob"), rep("cat"))


def test_pick_rep__gives_the_lead_to_the_member_at_the_cursor_and_moves_it_on() -> None:
    pick = pick_rep(pool("ana", "bob", "cat"), TRIO, state(cursor=1), NOON)
    assert pick.rep == "bob"
    assert (pick.pool_state.cursor, pick.pool_state.current) == (2, state().pool("p").current)


def test_pick_rep__wraps_from_the_last_member_to_the_first() -> None:
    pick = pick_rep(pool("ana", "bob", "cat"), TRIO, state(cursor=2), NOON)
    assert (pick.rep, pick.pool_state.cursor) == ("cat", 0)


def test_pick_rep__skips_an_inactive_member_with_reason_and_moves_past_the_chosen_one() -> None:
    away = rep("bob", active=False)
    pick = pick_rep(pool("ana", "bob", "cat"), team(rep("ana"), away, rep("cat")), state(1), NOON)
    assert pick.rep == "cat"
    assert pick.pool_state.cursor == 0
    assert pick.checks[:2] == (
        RepCheck("bob", "p", Reason.REP_INACTIVE, "inactive"),
        RepCheck("cat", "p", Reason.REP_SELECTED, "next in turn"),
    )


def test_pick_rep__considers_nobody_after_the_chosen_one() -> None:
    the_team = team(rep("ana"), rep("bob", active=False), rep("cat"), rep("dan", active=False))
    pick = pick_rep(pool("ana", "bob", "cat", "dan"), the_team, state(cursor=1), NOON)
    assert [(c.rep, c.reason) for c in pick.checks] == [
        ("bob", Reason.REP_INACTIVE),
        ("cat", Reason.REP_SELECTED),
    ]


def test_pick_rep__names_a_member_missing_from_the_team() -> None:
    pick = pick_rep(pool("ghost", "ana"), team(rep("ana")), state(), NOON)
    assert pick.rep == "ana"
    assert pick.checks[0] == RepCheck("ghost", "p", Reason.REP_UNKNOWN, "not on the team")


def test_pick_rep__with_nobody_available_returns_no_rep_and_keeps_the_state() -> None:
    asleep = team(*(rep(i, timezone=NY, working_hours=NINE_TO_FIVE) for i in ("ana", "bob")))
    before = state(cursor=1)
    pick = pick_rep(pool("ana", "bob"), asleep, before, at("2026-11-24 03:00", NY))
    assert pick.rep is None
    assert pick.pool_state is before.pool("p")
    assert [(c.rep, c.reason) for c in pick.checks] == [
        ("bob", Reason.OUTSIDE_WORKING_HOURS),
        ("ana", Reason.OUTSIDE_WORKING_HOURS),
    ]


def test_pick_rep__a_cursor_past_the_end_after_the_pool_shrank_wraps() -> None:
    pick = pick_rep(pool("ana", "bob", "cat"), TRIO, state(cursor=7), NOON)
    assert (pick.rep, pick.pool_state.cursor) == ("bob", 2)


def test_pick_rep__a_skipped_member_is_not_owed_a_turn_later() -> None:
    full = {"bob": RepLoad(open=1)}
    capped = team(rep("ana"), rep("bob", max_open=1), rep("cat"))
    first = pick_rep(pool("ana", "bob", "cat"), capped, state(cursor=1, loads=full), NOON)
    second = pick_rep(pool("ana", "bob", "cat"), capped, state(first.pool_state.cursor), NOON)
    assert (first.rep, second.rep) == ("cat", "ana")
