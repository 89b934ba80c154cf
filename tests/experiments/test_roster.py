"""Roster changes for a what-if, and the what-if itself: who absorbs the leads of someone away."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from leadrouter.errors import PolicyError
from leadrouter.experiments.backtest import backtest, compare
from leadrouter.experiments.history import Arrival
from leadrouter.experiments.replay import Setup
from leadrouter.experiments.roster import apply_changes, read_changes
from leadrouter.policy import compile_policy

from ..factories import POLICY, TEAM, dedent, snapshot

TEAM_ = snapshot(POLICY, TEAM).team


def test_ooo__makes_the_rep_away_through_the_last_day_in_their_own_time_zone():
    team = apply_changes(TEAM_, ["ooo ana 2026-12-20..2027-01-03 holidays"])

    (absence,) = team.reps["ana"].out_of_office
    assert absence.start == datetime(2026, 12, 20, 5, 0, tzinfo=UTC)  # midnight in New York
    assert absence.end == datetime(2027, 1, 4, 5, 0, tzinfo=UTC)
    assert absence.note == "holidays"
    assert TEAM_.reps["ana"].out_of_office == ()  # the team given is not changed


def test_add_rep__like_a_colleague_joins_their_pools_with_their_hours():
    team = apply_changes(TEAM_, ["add rep nora like=bob max_open=5"])

    nora, bob = team.reps["nora"], team.reps["bob"]
    assert nora.working_hours == bob.working_hours and nora.timezone == bob.timezone
    assert nora.max_open == 5
    assert "nora" in team.pools["na"].members


def test_remove_move_weight_capacity_and_hours__change_what_they_name():
    team = apply_changes(
        TEAM_,
        [
            "remove rep bob",
            "move lea global apac",
            "weight global ana 3",
            "capacity sam max_open=4 max_per_day=none",
            "hours sam mon-fri=08:00-12:00",
        ],
    )

    assert not team.reps["bob"].active and "bob" not in team.pools["na"].members
    assert "lea" in team.pools["apac"].members and "lea" not in team.pools["global"].members
    assert team.pools["global"].weight("ana") == 3
    assert (team.reps["sam"].max_open, team.reps["sam"].max_per_day) == (4, None)
    assert len(team.reps["sam"].working_hours) == 5


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ("ooo nobody 2026-12-20..2026-12-21", "no rep 'nobody'"),
        ("ooo ana 2026-12-20", "FROM..TO"),
        ("fly ana", "unknown change 'fly'"),
        ("hours ana mon-fri=9-5", "not an interval"),
        ("add rep ana", "on the team already"),
        ("weight na lea 2", "not a member"),
    ],
)
def test_a_change_that_cannot_apply__is_a_policy_error_naming_it(change: str, says: str):
    with pytest.raises(PolicyError) as raised:
        apply_changes(TEAM_, [change])
    assert change in str(raised.value) and says in str(raised.value)


def test_read_changes__takes_a_list_under_changes():
    text = "changes:\n  - ooo ana 2026-12-20..2027-01-03\n  - add rep nora like=bob\n"
    assert read_changes(text, "f.yaml") == [
        "ooo ana 2026-12-20..2027-01-03",
        "add rep nora like=bob",
    ]
    with pytest.raises(PolicyError):
        read_changes("changes: 3\n", "f.yaml")


def test_whatif__a_rep_away_gives_their_leads_to_the_pool_and_nobody_else_changes():
    start = datetime(2026, 12, 21, 14, 0, tzinfo=UTC)  # a Monday afternoon in New York
    leads = [
        Arrival(
            f"us-{n}",
            {"email": f"p{n}@c{n}.com", "country": "US", "form": "demo_request"},
            start + timedelta(minutes=10 * n),
        )
        for n in range(20)
    ]
    changes = ["ooo ana 2026-12-20..2027-01-03"]
    team = apply_changes(TEAM_, changes)
    policy = compile_policy(dedent(POLICY), "policy.yaml", team)
    before = Setup("before", snapshot(POLICY, TEAM).policy, TEAM_)

    result = backtest(compare(leads, before, Setup("after", policy, team)), changes_applied=changes)

    absorbed = {row.rep: (row.before, row.after) for row in result.absorbed}
    assert absorbed == {"ana": (10, 0), "bob": (10, 20)}
    assert result.changes_applied == changes
    na = next(p for p in result.candidate.pools if p.pool == "na")
    assert na.max_deviation == 1.0  # bob took every lead: twice his fair share, ana none
