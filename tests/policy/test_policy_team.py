"""team.yaml: reps with hours and absences, pools, queues, and every problem with its position."""

from __future__ import annotations

from datetime import UTC, datetime, time

from leadrouter.model import Absence, Overflow, Shift, Strategy, WhenFull
from leadrouter.policy import parse_team
from tests.policy.factories import team_problem, yaml


def rep_team(fields: str) -> str:
    return "reps:\n  - {id: ana, name: Ana, email: ana@acme.example, " + fields + "}\n"


def test_rep__gets_defaults_for_every_optional_field() -> None:
    rep = parse_team(rep_team("active: true"), "team.yaml").reps["ana"]
    assert (rep.timezone, rep.working_hours, rep.out_of_office, rep.active) == (
        "UTC",
        None,
        (),
        True,
    )


def test_working_hours__day_ranges_and_several_intervals_become_shifts() -> None:
    text = rep_team('working_hours: {mon-tue: "09:00-12:00, 13:00-17:00", sun: "10:00-14:00"}')
    shifts = parse_team(text, "team.yaml").reps["ana"].working_hours
    assert shifts == (
        Shift(0, time(9), time(12)),
        Shift(0, time(13), time(17)),
        Shift(1, time(9), time(12)),
        Shift(1, time(13), time(17)),
        Shift(6, time(10), time(14)),
    )


def test_working_hours__overnight_interval_is_split_at_midnight_into_the_next_day() -> None:
    text = rep_team('working_hours: {sun: "22:00-06:00"}')
    shifts = parse_team(text, "team.yaml").reps["ana"].working_hours
    assert shifts == (Shift(0, time(0), time(6)), Shift(6, time(22), time(0)))


def test_working_hours__24_00_ends_the_day_and_empty_mapping_means_never_working() -> None:
    assert parse_team(rep_team('working_hours: {sat: "18:00-24:00"}'), "t").reps[
        "ana"
    ].working_hours == (Shift(5, time(18), time(0)),)
    assert parse_team(rep_team("working_hours: {}"), "t").reps["ana"].working_hours == ()


def test_out_of_office_dates__are_whole_days_in_the_reps_zone() -> None:
    text = rep_team(
        "timezone: America/New_York,"
        " out_of_office: [{from: 2026-11-20, to: 2026-11-30, note: trip}]"
    )
    absence = parse_team(text, "team.yaml").reps["ana"].out_of_office[0]
    assert absence == Absence(
        datetime(2026, 11, 20, 5, tzinfo=UTC), datetime(2026, 11, 30, 5, tzinfo=UTC), "trip"
    )


def test_out_of_office_times__keep_their_own_zone() -> None:
    text = rep_team(
        'out_of_office: [{from: "2026-12-01T13:00:00Z", to: "2026-12-01T15:00:00+01:00"}]'
    )
    absence = parse_team(text, "team.yaml").reps["ana"].out_of_office[0]
    assert (absence.start, absence.end) == (
        datetime(2026, 12, 1, 13, tzinfo=UTC),
        datetime(2026, 12, 1, 14, tzinfo=UTC),
    )


def test_pool__weights_mapping_implies_the_weighted_strategy() -> None:
    team = parse_team(
        rep_team("active: true")
        + "  - {id: bob, name: Bob, email: bob@acme.example}\n"
        + "pools:\n  - {id: p, members: {ana: 2, bob: 1}, when_full: queue q,"
        + " working_hours: ignore}\n"
        + "queues:\n  - {id: q}\n",
        "team.yaml",
    )
    pool = team.pools["p"]
    assert (pool.members, pool.strategy, dict(pool.weights)) == (
        ("ana", "bob"),
        Strategy.WEIGHTED,
        {"ana": 2, "bob": 1},
    )
    assert (pool.overflow, pool.respect_working_hours) == (Overflow(WhenFull.QUEUE, "q"), False)
    assert (pool.name, team.queues["q"].name) == ("p", "q")


def test_sections__may_be_mappings_from_id_to_fields() -> None:
    team = parse_team(
        yaml(
            """
            reps:
              ana: {name: Ana, email: ana@acme.example}
            pools:
              west: {members: [ana]}
            queues:
              unrouted: {fallback: true}
            """
        ),
        "team.yaml",
    )
    assert (list(team.reps), list(team.pools), team.queues["unrouted"].fallback) == (
        ["ana"],
        ["west"],
        True,
    )


def test_unknown_rep_key__is_reported_at_the_key_with_a_suggestion() -> None:
    error = team_problem(rep_team("timezon: UTC"))
    assert (error.line, error.column, error.field) == (2, 51, "reps[0].timezon")
    assert error.message == "unknown key 'timezon' (did you mean 'timezone'?)"


def test_missing_rep_email__is_reported() -> None:
    error = team_problem("reps:\n  - {id: ana, name: Ana}\n")
    assert (error.line, error.column, error.field) == (2, 5, "reps[0].email")
    assert error.message == "missing required key 'email'"


def test_bad_time_zone__suggests_the_closest_zone() -> None:
    error = team_problem(rep_team("timezone: America/New_Yrok"))
    assert (error.line, error.field) == (2, "reps[0].timezone")
    assert (
        error.message == "unknown time zone 'America/New_Yrok' (did you mean 'America/New_York'?)"
    )


def test_bad_working_hours__are_reported_at_the_value() -> None:
    error = team_problem(rep_team('working_hours: {mon: "9-17"}'))
    assert (error.line, error.column, error.field) == (2, 72, "reps[0].working_hours.mon")
    assert "is not an interval" in error.message


def test_unknown_day__is_reported_at_the_key() -> None:
    error = team_problem(rep_team('working_hours: {mon-fir: "09:00-17:00"}'))
    assert (error.line, error.column) == (2, 67)
    assert error.message == "unknown day 'fir' (did you mean 'fri'?)"


def test_out_of_office_ending_before_it_starts__is_reported_at_to() -> None:
    error = team_problem(rep_team("out_of_office: [{from: 2026-11-20, to: 2026-11-20}]"))
    assert (error.line, error.field) == (2, "reps[0].out_of_office[0].to")
    assert error.message.startswith("out of office ends before it starts")


def test_unknown_manager_and_own_backup__are_reported() -> None:
    error = team_problem(rep_team("manager: mara"))
    assert (error.field, error.message) == ("reps[0].manager", "unknown rep 'mara'")
    error = team_problem(rep_team("backup: anna"))
    assert (error.field, error.message) == (
        "reps[0].backup",
        "unknown rep 'anna' (did you mean 'ana'?)",
    )
    error = team_problem(rep_team("backup: ana"))
    assert error.message == "a rep cannot be their own backup"


def test_duplicate_rep_id__names_the_first_line() -> None:
    error = team_problem(
        rep_team("active: true") + "  - {id: ana, name: A2, email: a2@acme.example}\n"
    )
    assert (error.line, error.column, error.field) == (3, 10, "reps[1].id")
    assert error.message == "duplicate rep id 'ana' (first at line 2)"


def test_unknown_pool_member__points_at_the_member() -> None:
    error = team_problem(rep_team("active: true") + "pools:\n  - {id: p, members: [ana, bo]}\n")
    assert (error.line, error.column, error.field) == (4, 28, "pools[0].members[1]")
    assert error.message == "unknown rep 'bo'"


def test_unknown_when_full_queue__points_at_the_queue_id() -> None:
    error = team_problem(
        rep_team("active: true") + "pools:\n  - {id: p, members: [ana], when_full: queue overflw}\n"
    )
    assert (error.line, error.column, error.field) == (4, 46, "pools[0].when_full")
    assert error.message == "unknown queue 'overflw'"


def test_pool_overflow_cycle__is_reported_once() -> None:
    error = team_problem(
        rep_team("active: true")
        + "pools:\n"
        + "  - {id: a, members: [ana], when_full: pool b}\n"
        + "  - {id: b, members: [ana], when_full: pool a}\n"
    )
    assert (error.line, error.field) == (4, "pools[0].when_full")
    assert error.message == "pools overflow into each other in a loop: pool a -> pool b -> pool a"


def test_weights_with_round_robin__are_reported() -> None:
    error = team_problem(
        rep_team("active: true") + "pools:\n  - {id: p, strategy: round_robin, members: {ana: 2}}\n"
    )
    assert error.message == "weights do not apply to strategy round_robin (use weighted)"
