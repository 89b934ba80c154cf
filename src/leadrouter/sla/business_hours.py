"""Business-time arithmetic: deadlines counted only inside a rep's working hours.

An SLA of "5 business minutes" measured in Lisbon working hours means five minutes of time that
falls inside the rep's shifts, in the rep's own time zone, across weekends, overnight shifts and
daylight-saving changes. Everything here is pure: datetimes in, datetimes out, all in UTC, no
clock reads. Durations are real elapsed time (a shift that spans a DST change is an hour longer or
shorter that night), never local-clock differences.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from leadrouter.model import Shift

ZERO = timedelta(0)
_DAY = timedelta(days=1)
# Shifts grouped by weekday as (start, end, overnight): computed once per (shifts) value.
_Week = tuple[tuple[tuple[time, time, bool], ...], ...]


@lru_cache(maxsize=1024)
def _week(shifts: tuple[Shift, ...]) -> _Week:
    days: list[list[tuple[time, time, bool]]] = [[] for _ in range(7)]
    for shift in shifts:
        # An end at or before the start means the shift runs past midnight ("22:00-06:00";
        # "00:00-00:00" is a full day).
        days[shift.weekday].append((shift.start, shift.end, shift.end <= shift.start))
    return tuple(tuple(sorted(day)) for day in days)


@lru_cache(maxsize=256)
def _zone(tz: str) -> ZoneInfo:
    return ZoneInfo(tz)


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value.isoformat()}: business time needs aware times")
    return value.astimezone(UTC)


def _raw_intervals(
    first_day: date, week: _Week, zone: ZoneInfo
) -> Iterator[tuple[datetime, datetime]]:
    day = first_day
    while True:
        for start, end, overnight in week[day.weekday()]:
            end_day = day + _DAY if overnight else day
            # fold=0 maps a local time inside a DST gap forward and an ambiguous one to its first
            # occurrence; either way the interval keeps its real length in UTC.
            yield (
                datetime.combine(day, start, zone).astimezone(UTC),
                datetime.combine(end_day, end, zone).astimezone(UTC),
            )
        day += _DAY


def working_intervals(
    after: datetime, shifts: tuple[Shift, ...], tz: str
) -> Iterator[tuple[datetime, datetime]]:
    """Merged working intervals [start, end) in UTC ending after `after`, clipped to it."""
    if not shifts:
        raise ValueError("no working hours: business time never advances")
    zone = _zone(tz)
    after = _utc(after)
    # Start a day early so that an overnight shift begun yesterday is seen.
    first_day = after.astimezone(zone).date() - _DAY
    pending: tuple[datetime, datetime] | None = None
    for start, end in _raw_intervals(first_day, _week(shifts), zone):
        if end <= start or end <= after:
            continue
        start = max(start, after)
        if pending is None:
            pending = (start, end)
        elif start <= pending[1]:
            # min(): a shift starting inside a DST gap maps past the next shift's start.
            pending = (min(pending[0], start), max(pending[1], end))
        else:
            yield pending
            pending = (start, end)


def add_business_time(
    start: datetime, duration: timedelta, shifts: tuple[Shift, ...] | None, tz: str
) -> datetime:
    """The instant `duration` of working time after `start` (wall clock when `shifts` is None).

    The result lies inside a working interval or at its closing instant, unless `duration` is 0.
    Raises ValueError for a negative duration, a naive datetime or an empty shift list.
    """
    if duration < ZERO:
        raise ValueError(f"negative duration {duration}")
    start = _utc(start)
    if shifts is None:
        return start + duration
    if duration == ZERO:
        return start
    remaining = duration
    for begin, end in working_intervals(start, shifts, tz):
        if remaining <= end - begin:
            return begin + remaining
        remaining -= end - begin
    raise AssertionError("working_intervals is infinite")


def business_time_between(
    a: datetime, b: datetime, shifts: tuple[Shift, ...] | None, tz: str
) -> timedelta:
    """Working time from `a` to `b` (wall clock when `shifts` is None); negative when b < a."""
    a, b = _utc(a), _utc(b)
    if b < a:
        return -business_time_between(b, a, shifts, tz)
    if shifts is None:
        return b - a
    total = ZERO
    for begin, end in working_intervals(a, shifts, tz):
        if begin >= b:
            break
        total += min(end, b) - begin
    return total


def is_working(at: datetime, shifts: tuple[Shift, ...] | None, tz: str) -> bool:
    """True when `at` falls inside a working interval (always, when `shifts` is None)."""
    if shifts is None:
        return True
    at = _utc(at)
    begin, _ = next(working_intervals(at, shifts, tz))
    return begin == at
