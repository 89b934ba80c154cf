"""Whether a rep can take a lead at a given instant, and if not, the first reason why.

The checks run in a fixed order (inactive, out of office, working hours, open-lead capacity,
daily cap) so that a trace always names the most fundamental blocker. Working hours are read in
the rep's own time zone, so DST changes and overnight shifts are handled by the zone database,
not by offsets. Pure: `now` is an argument, nothing here reads the clock, does I/O or mutates a
value it was given; the only state is memo tables of time zones, local times and compiled
working weeks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache, lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from leadrouter.distribute.memo import IdentityMemo
from leadrouter.model import Absence, Reason, Rep, RepLoad, Shift

Block = tuple[Reason, str]

_DAY_SECONDS = 24 * 3600
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@cache
def zone(name: str) -> ZoneInfo:
    """The ZoneInfo for an IANA zone name, built once per name."""
    return ZoneInfo(name)


class LocalTime(NamedTuple):
    """An instant on a rep's wall clock, split the ways the checks read it."""

    clock: datetime
    weekday: int  # 0 = Monday
    second: int  # seconds since local midnight


@lru_cache(maxsize=1024)
def _local_time(now: datetime, fold: int, zone_name: str) -> LocalTime:
    # Remembered across picks and leads: a batch routes every lead at the same `now`, and a
    # service sees few distinct instants per second, while astimezone costs a microsecond.
    # `fold` is part of the key because datetimes sharing a tzinfo compare (and hash) without it:
    # 01:30 before and after a DST fall-back would otherwise be one entry.
    clock = now.astimezone(zone(zone_name))
    second = clock.hour * 3600 + clock.minute * 60 + clock.second
    return LocalTime(clock, clock.weekday(), second)


class Instant:
    """One instant as each rep's zone sees it: converted once per zone, because a pool's members
    mostly share a handful of zones; the plain dict is cheaper than hashing the datetime again."""

    __slots__ = ("_local", "utc")

    def __init__(self, now: datetime) -> None:
        self.utc = _aware(now)
        self._local: dict[str, LocalTime] = {}

    def local(self, zone_name: str) -> LocalTime:
        local = self._local.get(zone_name)
        if local is None:
            local = self._local[zone_name] = _local_time(self.utc, self.utc.fold, zone_name)
        return local


def local_day(rep: Rep, now: datetime) -> date:
    """The rep's local date at `now`: the day their daily lead counter belongs to."""
    aware = _aware(now)
    return _local_time(aware, aware.fold, rep.timezone).clock.date()


def _aware(now: datetime) -> datetime:
    # A naive `now` would be read as the server's local time: wrong, and not reproducible.
    if now.tzinfo is None:
        raise ValueError(f"naive datetime {now.isoformat()}: distribution needs an aware `now`")
    return now


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def _clock(moment: time) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


@dataclass(frozen=True, slots=True)
class Week:
    """Working hours compiled for lookups: per weekday, [start, end) in seconds of the local day.

    An overnight shift (end at or before start, as in "22:00-06:00"; "00:00-00:00" is a whole
    day) is split at midnight, its second half landing on the next weekday.
    """

    spans: tuple[tuple[tuple[int, int], ...], ...]  # indexed by weekday, 0 = Monday
    that_day: tuple[str, ...]  # per weekday: "works 09:00-12:00, 13:00-17:00" or "off on Sun"

    @classmethod
    def of(cls, shifts: tuple[Shift, ...]) -> Week:
        spans: list[list[tuple[int, int]]] = [[] for _ in range(7)]
        written: list[list[str]] = [[] for _ in range(7)]
        for shift in sorted(shifts, key=lambda s: (s.weekday, s.start)):
            start, end = _seconds(shift.start), _seconds(shift.end)
            written[shift.weekday].append(f"{_clock(shift.start)}-{_clock(shift.end)}")
            if start < end:
                spans[shift.weekday].append((start, end))
                continue
            spans[shift.weekday].append((start, _DAY_SECONDS))
            if end:
                spans[(shift.weekday + 1) % 7].append((0, end))
        that_day = tuple(
            f"works {', '.join(shifts)}" if shifts else f"off on {_WEEKDAYS[weekday]}"
            for weekday, shifts in enumerate(written)
        )
        return cls(tuple(tuple(day) for day in spans), that_day)

    def covers(self, local: LocalTime) -> bool:
        """Whether the local wall-clock time falls inside a shift."""
        second = local.second
        # A plain loop: any() over a generator costs more than the one or two spans it scans.
        for start, end in self.spans[local.weekday]:  # noqa: SIM110
            if start <= second < end:
                return True
        return False

    def outside(self, local: LocalTime, zone_name: str) -> str:
        """Why `local` is outside working hours, in words, with that day's shifts."""
        wall = f"{_clock(local.clock.time())} {_WEEKDAYS[local.weekday]} in {zone_name}"
        return f"outside working hours: {wall}, {self.that_day[local.weekday]}"


# Compiled once per working-hours tuple; the memo's docstring says why by identity.
week_of: IdentityMemo[Week] = IdentityMemo(Week.of, size=4096)


def _away(rep: Rep, absence: Absence) -> str:
    back = absence.end.astimezone(zone(rep.timezone))
    # Whole-day absences end at local midnight: the date alone reads as people write it.
    until = (
        back.date().isoformat()
        if back.time() == time(0)
        else f"{back.date().isoformat()} {_clock(back.time())} {rep.timezone}"
    )
    note = f" ({absence.note})" if absence.note else ""
    return f"out of office until {until}{note}"


def unavailable(
    rep: Rep, load: RepLoad, now: datetime, *, hours: bool = True, capacity: bool = True
) -> Block | None:
    """None when the rep can take a lead at `now`, else (reason, detail) for the first blocker.

    `hours=False` ignores working hours; `capacity=False` ignores both the open-lead cap and the
    daily cap (an account owner keeps their leads however busy they are).
    """
    week = week_of(rep.working_hours) if hours and rep.working_hours is not None else None
    return blocker(rep, week, load, Instant(now), capacity)


def blocker(
    rep: Rep, week: Week | None, load: RepLoad, now: Instant, capacity: bool
) -> Block | None:
    """`unavailable` for callers that check many reps at one instant, with the rep's working week
    already compiled (None: working hours do not apply)."""
    if not rep.active:
        return Reason.REP_INACTIVE, "inactive"
    for absence in rep.out_of_office:
        if absence.start <= now.utc < absence.end:
            return Reason.REP_OUT_OF_OFFICE, _away(rep, absence)
    if week is not None:
        local = now.local(rep.timezone)
        if not week.covers(local):
            return Reason.OUTSIDE_WORKING_HOURS, week.outside(local, rep.timezone)
    if not capacity:
        return None
    if rep.max_open is not None and load.open >= rep.max_open:
        return Reason.CAPACITY_FULL, f"{load.open}/{rep.max_open} open leads"
    if rep.max_per_day is not None:
        today = load.today_on(now.local(rep.timezone).clock.date())
        if today >= rep.max_per_day:
            return Reason.DAILY_CAP_REACHED, f"{today}/{rep.max_per_day} leads today"
    return None
