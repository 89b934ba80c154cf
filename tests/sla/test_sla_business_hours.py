"""Business-time arithmetic: fixed cases across weekends, zones and DST, plus invariants."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadrouter.model import Shift
from leadrouter.policy.hours import (
    add_business_time,
    business_time_between,
    working_intervals,
)

NINE_TO_FIVE = tuple(Shift(d, time(9), time(17)) for d in range(5))
NY = "America/New_York"


def is_working(moment: datetime, shifts: tuple[Shift, ...] | None, tz: str) -> bool:
    """True when `moment` falls inside a working interval (always, when `shifts` is None)."""
    if shifts is None:
        return True
    moment = moment.astimezone(UTC)
    begin, _ = next(working_intervals(moment, shifts, tz))
    return begin == moment


def at(text: str, tz: str = "UTC") -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(tz))


def test_add_business_time__within_a_shift_is_plain_addition() -> None:
    start = at("2026-11-24 10:00", NY)  # a Tuesday
    assert add_business_time(start, timedelta(minutes=5), NINE_TO_FIVE, NY) == at(
        "2026-11-24 10:05", NY
    )


def test_add_business_time__friday_evening_lead_is_due_monday_morning() -> None:
    start = at("2026-11-27 16:58", NY)  # Friday, two working minutes left
    due = add_business_time(start, timedelta(minutes=5), NINE_TO_FIVE, NY)
    assert due == at("2026-11-30 09:03", NY)


def test_add_business_time__starts_counting_at_the_next_opening_when_outside_hours() -> None:
    start = at("2026-11-24 06:00", NY)
    due = add_business_time(start, timedelta(hours=4), NINE_TO_FIVE, NY)
    assert due == at("2026-11-24 13:00", NY)


def test_add_business_time__counts_in_the_reps_time_zone() -> None:
    # 14:00 UTC is 09:00 in New York in winter, so five business minutes end at 14:05 UTC.
    start = at("2026-11-24 12:00")
    due = add_business_time(start, timedelta(minutes=5), NINE_TO_FIVE, NY)
    assert due == at("2026-11-24 14:05")


def test_add_business_time__ends_exactly_at_closing_time_rather_than_next_morning() -> None:
    start = at("2026-11-24 09:00", NY)
    assert add_business_time(start, timedelta(hours=8), NINE_TO_FIVE, NY) == at(
        "2026-11-24 17:00", NY
    )


def test_add_business_time__overnight_shift_runs_past_midnight() -> None:
    nights = (Shift(0, time(22), time(6)),)  # Monday 22:00 to Tuesday 06:00
    start = at("2026-11-24 01:00")  # Tuesday 01:00, inside Monday's shift
    assert add_business_time(start, timedelta(hours=6), nights, "UTC") == at("2026-11-30 23:00")


def test_add_business_time__night_shift_over_spring_forward_is_an_hour_shorter() -> None:
    # US DST starts Sunday 2026-03-08 at 02:00: the 00:00-06:00 shift holds 5 real hours.
    sunday = (Shift(6, time(0), time(6)),)
    start = at("2026-03-08 00:00", NY)
    assert business_time_between(start, at("2026-03-08 06:00", NY), sunday, NY) == timedelta(
        hours=5
    )
    due = add_business_time(start, timedelta(hours=5), sunday, NY)
    assert due == at("2026-03-08 06:00", NY)


def test_add_business_time__night_shift_over_fall_back_is_an_hour_longer() -> None:
    # US DST ends Sunday 2026-11-01 at 02:00: the 00:00-06:00 shift holds 7 real hours.
    sunday = (Shift(6, time(0), time(6)),)
    start = at("2026-11-01 00:00", NY)
    assert business_time_between(start, at("2026-11-01 06:00", NY), sunday, NY) == timedelta(
        hours=7
    )


def test_add_business_time__keeps_local_opening_hour_across_a_dst_change() -> None:
    # Friday before the US spring change to Monday after: Monday opens at 09:00 EDT = 13:00 UTC.
    start = at("2026-03-06 16:59", NY)
    due = add_business_time(start, timedelta(minutes=2), NINE_TO_FIVE, NY)
    assert due == at("2026-03-09 13:01")


def test_add_business_time__wall_clock_when_shifts_is_none() -> None:
    start = at("2026-11-28 23:00")  # a Saturday night
    assert add_business_time(start, timedelta(minutes=15), None, NY) == at("2026-11-28 23:15")


def test_add_business_time__rejects_naive_datetimes_and_negative_durations() -> None:
    with pytest.raises(ValueError, match="naive"):
        add_business_time(datetime(2026, 1, 1), timedelta(1), NINE_TO_FIVE, NY)
    with pytest.raises(ValueError, match="negative"):
        add_business_time(at("2026-01-01 00:00"), -timedelta(1), NINE_TO_FIVE, NY)


def test_add_business_time__rejects_a_rep_who_never_works() -> None:
    with pytest.raises(ValueError, match="no working hours"):
        add_business_time(at("2026-01-01 00:00"), timedelta(minutes=1), (), NY)


def test_business_time_between__a_weekend_counts_nothing() -> None:
    friday_close = at("2026-11-27 17:00", NY)
    monday_open = at("2026-11-30 09:00", NY)
    assert business_time_between(friday_close, monday_open, NINE_TO_FIVE, NY) == timedelta(0)


def test_business_time_between__a_full_week_is_forty_hours() -> None:
    start = at("2026-11-23 00:00", NY)
    assert business_time_between(start, start + timedelta(days=7), NINE_TO_FIVE, NY) == timedelta(
        hours=40
    )


def test_business_time_between__is_negative_when_reversed() -> None:
    a, b = at("2026-11-24 10:00", NY), at("2026-11-24 11:00", NY)
    assert business_time_between(b, a, NINE_TO_FIVE, NY) == -timedelta(hours=1)


def test_working_intervals__merges_touching_shifts() -> None:
    split = (Shift(1, time(9), time(12)), Shift(1, time(12), time(17)))
    first = next(working_intervals(at("2026-11-24 00:00"), split, "UTC"))
    assert first == (at("2026-11-24 09:00"), at("2026-11-24 17:00"))


def test_is_working__true_inside_a_shift_false_outside() -> None:
    assert is_working(at("2026-11-24 10:00", NY), NINE_TO_FIVE, NY)
    assert not is_working(at("2026-11-28 10:00", NY), NINE_TO_FIVE, NY)
    assert is_working(at("2026-11-28 10:00", NY), None, NY)


# ---------------------------------------------------------------- invariants

ZONES = [
    "UTC",
    "America/New_York",
    "Europe/Lisbon",
    "Asia/Kolkata",
    "Australia/Lord_Howe",  # 30-minute DST shift
    "Pacific/Chatham",  # +12:45 / +13:45
    "America/Sao_Paulo",
]


@st.composite
def shift_lists(draw: st.DrawFn) -> tuple[Shift, ...]:
    count = draw(st.integers(1, 8))
    shifts = []
    for _ in range(count):
        start = draw(st.integers(0, 23 * 4)) * 15
        length = draw(st.integers(1, 14 * 4)) * 15  # up to 14 h, overnight allowed
        end = (start + length) % (24 * 60)
        shifts.append(
            Shift(
                draw(st.integers(0, 6)),
                time(start // 60, start % 60),
                time(end // 60, end % 60),
            )
        )
    return tuple(shifts)


moments = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=10))
calendars = st.one_of(st.none(), shift_lists())
zones = st.sampled_from(ZONES)


@settings(max_examples=300, deadline=None)
@given(moments, durations, calendars, zones)
def test_property__measuring_an_added_duration_gives_it_back(
    start: datetime, duration: timedelta, shifts: tuple[Shift, ...] | None, tz: str
) -> None:
    due = add_business_time(start, duration, shifts, tz)
    assert due >= start
    assert business_time_between(start, due, shifts, tz) == duration


@settings(max_examples=300, deadline=None)
@given(moments, durations, durations, calendars, zones)
def test_property__a_longer_duration_never_ends_earlier(
    start: datetime, d1: timedelta, d2: timedelta, shifts: tuple[Shift, ...] | None, tz: str
) -> None:
    short, long_ = sorted((d1, d2))
    assert add_business_time(start, short, shifts, tz) <= add_business_time(
        start, long_, shifts, tz
    )


@settings(max_examples=300, deadline=None)
@given(moments, moments, durations, calendars, zones)
def test_property__a_later_start_never_ends_earlier(
    s1: datetime, s2: datetime, duration: timedelta, shifts: tuple[Shift, ...] | None, tz: str
) -> None:
    early, late = sorted((s1, s2))
    assert add_business_time(early, duration, shifts, tz) <= add_business_time(
        late, duration, shifts, tz
    )


@settings(max_examples=200, deadline=None)
@given(moments, durations, zones)
def test_property__wall_clock_mode_is_plain_addition(
    start: datetime, duration: timedelta, tz: str
) -> None:
    assert add_business_time(start, duration, None, tz) == start + duration


@settings(max_examples=300, deadline=None)
@given(moments, durations, shift_lists(), zones)
def test_property__a_deadline_lands_inside_working_hours_or_at_closing(
    start: datetime, duration: timedelta, shifts: tuple[Shift, ...], tz: str
) -> None:
    due = add_business_time(start, duration, shifts, tz)
    if duration:
        # Just before the deadline the rep was working: it is inside a shift or at its close.
        assert is_working(due - timedelta(microseconds=1), shifts, tz)
