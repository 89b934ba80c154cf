"""unavailable(): each reason with its wording, their order, and working hours across DST and
midnight, checked against a plain reading of the shifts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from distribute_factories import LONDON, NINE_TO_FIVE, NY, SINGAPORE, at, rep
from hypothesis import given, settings
from hypothesis import strategies as st

from leadrouter.distribute import local_day, unavailable
from leadrouter.model import Absence, Reason, Rep, RepLoad, Shift

TUESDAY_NOON_NY = at("2026-11-24 12:00", NY)
IDLE = RepLoad()


def reason(the_rep: Rep, load: RepLoad, now: datetime, **flags: bool) -> Reason | None:
    blocked = unavailable(the_rep, load, now, **flags)
    return None if blocked is None else blocked[0]


def test_unavailable__is_none_for_an_active_rep_inside_hours_and_under_caps() -> None:
    ana = rep("ana", timezone=NY, working_hours=NINE_TO_FIVE, max_open=5, max_per_day=5)
    assert unavailable(ana, RepLoad(4, 4, date(2026, 11, 24)), TUESDAY_NOON_NY) is None


def test_unavailable__inactive_rep() -> None:
    assert unavailable(rep("ana", active=False), IDLE, TUESDAY_NOON_NY) == (
        Reason.REP_INACTIVE,
        "inactive",
    )


def test_unavailable__whole_day_absence_names_the_return_date_and_note() -> None:
    vacation = Absence(at("2026-11-20", NY), at("2026-11-30", NY), "vacation")
    ana = rep("ana", timezone=NY, out_of_office=(vacation,))
    assert unavailable(ana, IDLE, TUESDAY_NOON_NY) == (
        Reason.REP_OUT_OF_OFFICE,
        "out of office until 2026-11-30 (vacation)",
    )


def test_unavailable__timed_absence_names_the_local_return_time() -> None:
    dentist = Absence(at("2026-11-24 15:00"), at("2026-11-24 19:30"))
    ana = rep("ana", timezone=NY, out_of_office=(dentist,))
    assert unavailable(ana, IDLE, TUESDAY_NOON_NY) == (
        Reason.REP_OUT_OF_OFFICE,
        "out of office until 2026-11-24 14:30 America/New_York",
    )


def test_unavailable__absence_is_start_inclusive_end_exclusive() -> None:
    away = Absence(at("2026-11-24 10:00"), at("2026-11-24 11:00"))
    ana = rep("ana", out_of_office=(away,))
    assert unavailable(ana, IDLE, at("2026-11-24 09:59:59")) is None
    assert reason(ana, IDLE, at("2026-11-24 10:00")) is Reason.REP_OUT_OF_OFFICE
    assert unavailable(ana, IDLE, at("2026-11-24 11:00")) is None


def test_unavailable__outside_hours_names_local_time_zone_and_that_days_shifts() -> None:
    ana = rep("ana", timezone=NY, working_hours=NINE_TO_FIVE)
    assert unavailable(ana, IDLE, at("2026-11-23 03:12", NY)) == (
        Reason.OUTSIDE_WORKING_HOURS,
        "outside working hours: 03:12 Mon in America/New_York, works 09:00-17:00",
    )


def test_unavailable__outside_hours_on_a_day_without_shifts_says_off() -> None:
    ana = rep("ana", timezone=NY, working_hours=NINE_TO_FIVE)
    assert unavailable(ana, IDLE, at("2026-11-28 11:00", NY)) == (
        Reason.OUTSIDE_WORKING_HOURS,
        "outside working hours: 11:00 Sat in America/New_York, off on Sat",
    )


def test_unavailable__lunch_break_between_two_intervals_lists_both() -> None:
    split = tuple(
        Shift(day, start, end)
        for day in range(5)
        for start, end in ((time(13), time(17)), (time(9), time(12)))
    )
    ana = rep("ana", timezone=NY, working_hours=split)
    assert unavailable(ana, IDLE, at("2026-11-24 11:59", NY)) is None
    assert unavailable(ana, IDLE, at("2026-11-24 12:30", NY)) == (
        Reason.OUTSIDE_WORKING_HOURS,
        "outside working hours: 12:30 Tue in America/New_York, works 09:00-12:00, 13:00-17:00",
    )
    assert unavailable(ana, IDLE, at("2026-11-24 13:00", NY)) is None


def test_unavailable__no_working_hours_means_always_working() -> None:
    assert unavailable(rep("ana", timezone=NY), IDLE, at("2026-11-29 03:00", NY)) is None


def test_unavailable__empty_working_hours_means_never_working() -> None:
    ana = rep("ana", working_hours=())
    assert reason(ana, IDLE, TUESDAY_NOON_NY) is Reason.OUTSIDE_WORKING_HOURS


def test_unavailable__capacity_full_counts_open_leads() -> None:
    ana = rep("ana", max_open=12)
    assert unavailable(ana, RepLoad(open=12), TUESDAY_NOON_NY) == (
        Reason.CAPACITY_FULL,
        "12/12 open leads",
    )


def test_unavailable__daily_cap_counts_leads_of_the_reps_local_day() -> None:
    ana = rep("ana", timezone=NY, max_per_day=20)
    load = RepLoad(open=3, today=20, day=date(2026, 11, 24))
    assert unavailable(ana, load, TUESDAY_NOON_NY) == (
        Reason.DAILY_CAP_REACHED,
        "20/20 leads today",
    )


def test_unavailable__yesterdays_counter_does_not_count_today() -> None:
    ana = rep("ana", timezone=NY, max_per_day=20)
    load = RepLoad(open=3, today=20, day=date(2026, 11, 23))
    assert unavailable(ana, load, TUESDAY_NOON_NY) is None


def test_unavailable__daily_cap_resets_at_the_reps_midnight_not_utcs() -> None:
    # 02:00 UTC on the 25th is still the 24th in New York.
    ana = rep("ana", timezone=NY, max_per_day=20)
    load = RepLoad(open=0, today=20, day=date(2026, 11, 24))
    assert reason(ana, load, at("2026-11-25 02:00")) is Reason.DAILY_CAP_REACHED
    assert unavailable(ana, load, at("2026-11-25 05:00")) is None


def test_unavailable__reports_the_first_reason_in_a_fixed_order() -> None:
    away = (Absence(at("2026-11-01"), at("2026-12-01")),)
    full = RepLoad(open=1, today=1, day=date(2026, 11, 29))
    everything = dict(active=False, out_of_office=away, working_hours=(), max_open=1, max_per_day=1)
    expected = [
        Reason.REP_INACTIVE,
        Reason.REP_OUT_OF_OFFICE,
        Reason.OUTSIDE_WORKING_HOURS,
        Reason.CAPACITY_FULL,
        Reason.DAILY_CAP_REACHED,
    ]
    fixes = [("active", True), ("out_of_office", ()), ("working_hours", None), ("max_open", None)]
    for step, expected_reason in enumerate(expected):
        fields = {**everything, **dict(fixes[:step])}
        assert reason(rep("ana", **fields), full, at("2026-11-29 12:00")) is expected_reason


def test_unavailable__hours_false_ignores_working_hours_only() -> None:
    ana = rep("ana", timezone=NY, working_hours=NINE_TO_FIVE, max_open=1)
    night = at("2026-11-24 03:00", NY)
    assert unavailable(ana, IDLE, night, hours=False) is None
    assert reason(ana, RepLoad(open=1), night, hours=False) is Reason.CAPACITY_FULL


def test_unavailable__capacity_false_ignores_both_caps() -> None:
    ana = rep("ana", timezone=NY, max_open=1, max_per_day=1)
    load = RepLoad(open=9, today=9, day=date(2026, 11, 24))
    assert unavailable(ana, load, TUESDAY_NOON_NY, capacity=False) is None


def test_unavailable__rejects_a_naive_now() -> None:
    with pytest.raises(ValueError, match="aware"):
        unavailable(rep("ana"), IDLE, datetime(2026, 11, 24, 12))


def test_local_day__is_the_date_on_the_reps_wall_clock() -> None:
    late_utc = at("2026-11-25 03:00")
    assert local_day(rep("ana", timezone=NY), late_utc) == date(2026, 11, 24)
    assert local_day(rep("wei", timezone=SINGAPORE), late_utc) == date(2026, 11, 25)


def test_local_day__rejects_a_naive_now() -> None:
    with pytest.raises(ValueError, match="aware"):
        local_day(rep("ana"), datetime(2026, 11, 24, 12))


def test_unavailable__tells_apart_both_readings_of_an_hour_repeated_at_a_dst_change() -> None:
    # 01:30 in New York happens twice on 2026-11-01: 05:30 UTC, then (fold=1) 06:30 UTC.
    first, second = at("2026-11-01 01:30", NY), at("2026-11-01 01:30", NY).replace(fold=1)
    sunday_from_six = (Shift(6, time(6), time(12)),)
    ana = rep("ana", timezone="UTC", working_hours=sunday_from_six)

    assert reason(ana, IDLE, first) is Reason.OUTSIDE_WORKING_HOURS
    assert reason(ana, IDLE, second) is None
    assert local_day(rep("wei", timezone=SINGAPORE), second) == date(2026, 11, 1)


# ---------------------------------------------------------------- DST and midnight


def _working(shifts: tuple[Shift, ...], tz: str, when: datetime) -> bool:
    return unavailable(rep("ana", timezone=tz, working_hours=shifts), IDLE, when) is None


@pytest.mark.parametrize(
    ("utc", "working"),
    [
        ("2026-03-06 13:30", False),  # Fri, EST: 08:30
        ("2026-03-06 14:00", True),  # Fri, EST: 09:00
        ("2026-03-09 12:30", False),  # Mon, EDT: 08:30
        ("2026-03-09 13:00", True),  # Mon, EDT: 09:00
        ("2026-03-09 20:59", True),  # Mon, EDT: 16:59
        ("2026-03-09 21:00", False),  # Mon, EDT: 17:00, end is exclusive
        ("2026-10-30 13:00", True),  # Fri, EDT: 09:00
        ("2026-11-02 13:00", False),  # Mon, EST: 08:00
        ("2026-11-02 14:00", True),  # Mon, EST: 09:00
        ("2026-11-02 21:59", True),  # Mon, EST: 16:59
    ],
)
def test_working_hours__follow_new_york_across_both_dst_changes(utc: str, working: bool) -> None:
    assert _working(NINE_TO_FIVE, NY, at(utc)) is working


@pytest.mark.parametrize(
    ("utc", "working"),
    [
        ("2026-03-27 08:30", False),  # Fri, GMT: 08:30
        ("2026-03-27 09:00", True),  # Fri, GMT: 09:00
        ("2026-03-30 08:00", True),  # Mon, BST: 09:00
        ("2026-03-30 16:00", False),  # Mon, BST: 17:00
        ("2026-10-26 08:30", False),  # Mon, GMT again: 08:30
        ("2026-10-26 16:30", True),  # Mon, GMT: 16:30
    ],
)
def test_working_hours__follow_london_across_both_dst_changes(utc: str, working: bool) -> None:
    assert _working(NINE_TO_FIVE, LONDON, at(utc)) is working


def test_working_hours__a_shift_inside_the_spring_gap_never_happens() -> None:
    gap = (Shift(6, time(2), time(3)),)  # Sunday 2026-03-08, New York skips 02:00-03:00
    minutes = (at("2026-03-08 06:00") + timedelta(minutes=m) for m in range(120))
    assert not any(_working(gap, NY, when) for when in minutes)


def test_working_hours__the_repeated_autumn_hour_counts_both_times() -> None:
    repeated = (Shift(6, time(1), time(2)),)  # Sunday 2026-11-01, New York lives 01:00-02:00 twice
    assert _working(repeated, NY, at("2026-11-01 05:30"))  # 01:30 EDT
    assert _working(repeated, NY, at("2026-11-01 06:30"))  # 01:30 EST
    assert not _working(repeated, NY, at("2026-11-01 07:00"))  # 02:00 EST


@pytest.mark.parametrize(
    ("local", "working"),
    [
        ("2026-11-23 21:59", False),  # Mon, before the night shift
        ("2026-11-23 22:00", True),  # Mon, night shift starts
        ("2026-11-24 05:59", True),  # Tue morning, still Monday's shift
        ("2026-11-24 06:00", False),  # Tue, shift over
        ("2026-11-23 05:00", False),  # Mon morning: no Sunday night shift
    ],
)
def test_working_hours__an_overnight_shift_runs_past_midnight(local: str, working: bool) -> None:
    night = (Shift(0, time(22), time(6)),)
    assert _working(night, NY, at(local, NY)) is working


def test_working_hours__a_sunday_night_shift_wraps_into_monday() -> None:
    sunday_night = (Shift(6, time(22), time(6)),)
    assert _working(sunday_night, LONDON, at("2026-11-23 03:00", LONDON))


def test_working_hours__midnight_to_midnight_is_the_whole_day() -> None:
    all_tuesday = (Shift(1, time(0), time(0)),)
    assert _working(all_tuesday, NY, at("2026-11-24 00:00", NY))
    assert _working(all_tuesday, NY, at("2026-11-24 23:59:59", NY))
    assert not _working(all_tuesday, NY, at("2026-11-25 00:00", NY))


def _reference_working(shifts: tuple[Shift, ...], tz: str, when: datetime) -> bool:
    """Working hours read straight off the shifts, with no compilation."""
    local = when.astimezone(ZoneInfo(tz))
    day, moment = local.weekday(), local.time().replace(tzinfo=None)
    for shift in shifts:
        if shift.start < shift.end:
            if shift.weekday == day and shift.start <= moment < shift.end:
                return True
        elif (shift.weekday == day and moment >= shift.start) or (
            shift.weekday == (day - 1) % 7 and moment < shift.end
        ):
            return True
    return False


_minutes = st.integers(0, 24 * 60 - 1).map(lambda m: time(m // 60, m % 60))
_shifts = st.lists(st.builds(Shift, st.integers(0, 6), _minutes, _minutes), max_size=6).map(tuple)
# Instants in 2026 and early 2027, second-precise, so every DST change of the year is crossed.
_instants = st.integers(0, 400 * 24 * 3600).map(
    lambda s: datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=s)
)
_zones = st.sampled_from([NY, LONDON, SINGAPORE, "Australia/Sydney", "America/St_Johns", "UTC"])


@settings(deadline=None)
@given(_shifts, _zones, _instants)
def test_working_hours__agree_with_a_plain_reading_of_the_shifts(
    shifts: tuple[Shift, ...], tz: str, when: datetime
) -> None:
    assert _working(shifts, tz, when) is _reference_working(shifts, tz, when)


# The 2026 changes of New York, London and Sydney, in UTC.
_dst_changes = st.sampled_from(
    [
        at("2026-03-08 07:00"),
        at("2026-03-29 01:00"),
        at("2026-04-04 16:00"),
        at("2026-10-04 16:00"),
        at("2026-10-25 01:00"),
        at("2026-11-01 06:00"),
    ]
)


@settings(deadline=None)
@given(_shifts, _zones, _dst_changes, st.integers(-4 * 3600, 4 * 3600))
def test_working_hours__near_dst_changes_agree_with_a_plain_reading(
    shifts: tuple[Shift, ...], tz: str, change: datetime, offset: int
) -> None:
    when = change + timedelta(seconds=offset)
    assert _working(shifts, tz, when) is _reference_working(shifts, tz, when)
