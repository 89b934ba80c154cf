"""A rep's time, in one place: working hours and absences as team.yaml writes them, compiled for
"is the rep working now", and business-time arithmetic for SLA deadlines.

Parsing (load time): working hours ("mon-fri": "09:00-17:00") become `Shift`s in the rep's own
zone. An overnight interval ("22:00-06:00") is split at midnight into two shifts, the second on
the next weekday; a shift ending at 00:00 runs to the end of its day. Out-of-office dates mean
whole days in the rep's zone and become absolute [start, end) instants.

Reading (per lead, and per SLA step): a rep's shifts compile once into a `Week` (seconds of the
local day, per weekday); an `Instant` converts a moment into each zone once. `distribute` asks
whether a rep is working now, the SLA ladder counts deadlines inside working intervals, both with
the same weeks and the one zone cache here. Durations are real elapsed time (a shift that spans a
DST change is an hour longer or shorter that night), never local-clock differences.

Pure: datetimes in, datetimes out, all aware; nothing here reads the clock or does I/O. The only
state is memo tables of zones, local times and compiled weeks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache, lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from leadrouter.memo import IdentityMemo
from leadrouter.model import Absence, Shift
from leadrouter.policy.source import Document, Node, describe, did_you_mean

ZERO = timedelta(0)
_DAY = timedelta(days=1)
_DAY_SECONDS = 24 * 3600
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


# ---------------------------------------------------------------- zones and local time


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


def aware(now: datetime) -> datetime:
    """`now`, refused when naive: it would be read as the server's local time, not reproducibly."""
    if now.tzinfo is None:
        raise ValueError(f"naive datetime {now.isoformat()}: working hours need an aware time")
    return now


def local_time(now: datetime, zone_name: str) -> LocalTime:
    """`now` on the wall clock of `zone_name`."""
    now = aware(now)
    return _local_time(now, now.fold, zone_name)


class Instant:
    """One instant as each rep's zone sees it: converted once per zone, because a pool's members
    mostly share a handful of zones; the plain dict is cheaper than hashing the datetime again."""

    __slots__ = ("_local", "utc")

    def __init__(self, now: datetime) -> None:
        self.utc = aware(now)
        self._local: dict[str, LocalTime] = {}

    def local(self, zone_name: str) -> LocalTime:
        local = self._local.get(zone_name)
        if local is None:
            local = self._local[zone_name] = _local_time(self.utc, self.utc.fold, zone_name)
        return local


_last_instant = [Instant(datetime(1970, 1, 1, tzinfo=UTC))]


def instant_of(now: datetime) -> Instant:
    """The `Instant` of `now`, the last one again when `now` is the very datetime it was made of:
    a lead's pools, overflow pools and the sides of a replay ask about one arrival time, and
    share its conversions into each zone instead of each converting again."""
    last = _last_instant[0]
    if last.utc is now:
        return last
    instant = _last_instant[0] = Instant(now)
    return instant


# ---------------------------------------------------------------- working weeks


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def wall_clock(moment: time) -> str:
    """ "09:00": a time of day as people write shifts."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


@dataclass(frozen=True, slots=True)
class Week:
    """Working hours compiled for lookups: per weekday, [start, end) in seconds of the local day,
    sorted and split at midnight.

    An overnight shift (end at or before start, as in "22:00-06:00"; "00:00-00:00" is a whole
    day) is split at midnight, its second half landing on the next weekday.
    """

    spans: tuple[tuple[tuple[int, int], ...], ...]  # indexed by weekday, 0 = Monday
    that_day: tuple[str, ...]  # per weekday: "works 09:00-12:00, 13:00-17:00" or "off on Sun"
    # `outside`'s sentences by (minute of the day, weekday, zone): the reps of a pool share their
    # hours, and a lead asks about each of them on every side of a replay. A cache, not compared.
    said: dict[tuple[int, int, str], str] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, shifts: tuple[Shift, ...]) -> Week:
        spans: list[list[tuple[int, int]]] = [[] for _ in range(7)]
        written: list[list[str]] = [[] for _ in range(7)]
        for shift in sorted(shifts, key=lambda s: (s.weekday, s.start)):
            start, end = _seconds(shift.start), _seconds(shift.end)
            written[shift.weekday].append(f"{wall_clock(shift.start)}-{wall_clock(shift.end)}")
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
        return cls(tuple(tuple(sorted(day)) for day in spans), that_day)

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
        key = (local.second // 60, local.weekday, zone_name)
        sentence = self.said.get(key)
        if sentence is None:
            wall = f"{wall_clock(local.clock.time())} {_WEEKDAYS[local.weekday]} in {zone_name}"
            sentence = f"outside working hours: {wall}, {self.that_day[local.weekday]}"
            self.said[key] = sentence
        return sentence


# By value behind the identity memo: a team's shifts are the same tuple lead after lead (see
# memo.py), while an SLA clock's shifts are read back from the database as equal new tuples.
_week_by_value = lru_cache(maxsize=1024)(Week.of)
_weeks: IdentityMemo[tuple[Shift, ...], Week] = IdentityMemo(_week_by_value, size=4096)
week_of = _weeks.of
"""The compiled `Week` of a working-hours tuple, built once per tuple."""


# ---------------------------------------------------------------- business time


@lru_cache(maxsize=256)
def _time_of(second: int) -> time:
    return time(second // 3600, second // 60 % 60, second % 60)


def _utc_at(day: date, second: int, where: ZoneInfo) -> datetime:
    # fold=0 maps a local time inside a DST gap forward and an ambiguous one to its first
    # occurrence; either way an interval keeps its real length in UTC.
    if second == _DAY_SECONDS:
        return datetime.combine(day + _DAY, time(0), where).astimezone(UTC)
    return datetime.combine(day, _time_of(second), where).astimezone(UTC)


def working_intervals(
    after: datetime, shifts: tuple[Shift, ...], tz: str
) -> Iterator[tuple[datetime, datetime]]:
    """Merged working intervals [start, end) in UTC ending after `after`, clipped to it."""
    if not shifts:
        raise ValueError("no working hours: business time never advances")
    where = zone(tz)
    after = aware(after).astimezone(UTC)
    spans = week_of(shifts).spans
    # Start a day early so that a shift whose local day began before `after`'s is seen.
    day = after.astimezone(where).date() - _DAY
    pending: tuple[datetime, datetime] | None = None
    while True:
        for first, last in spans[day.weekday()]:
            start, end = _utc_at(day, first, where), _utc_at(day, last, where)
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
        day += _DAY


def add_business_time(
    start: datetime, duration: timedelta, shifts: tuple[Shift, ...] | None, tz: str
) -> datetime:
    """The instant `duration` of working time after `start` (wall clock when `shifts` is None).

    The result lies inside a working interval or at its closing instant, unless `duration` is 0.
    Raises ValueError for a negative duration, a naive datetime or an empty shift list.
    """
    if duration < ZERO:
        raise ValueError(f"negative duration {duration}")
    start = aware(start).astimezone(UTC)
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
    a, b = aware(a).astimezone(UTC), aware(b).astimezone(UTC)
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


# ---------------------------------------------------------------- team.yaml

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NUMBERS = {
    **{day: i for i, day in enumerate(DAYS)},
    **{
        name: i
        for i, name in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
}
_INTERVAL = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")
_MIDNIGHT = time(0)


def working_hours(doc: Document, node: Node) -> tuple[Shift, ...] | None:
    """The shifts a `working_hours:` mapping describes, or None when it has problems."""
    mark = doc.mark()
    pairs = doc.entries(node, 'days to hours, e.g. mon-fri: "09:00-17:00"')
    shifts: list[Shift] = []
    for key, child in pairs:
        days = _days(doc, key, child)
        intervals = _intervals(doc, child)
        for day in days:
            for start, end in intervals:
                if end != _MIDNIGHT and end <= start:
                    shifts.append(Shift(day, start, _MIDNIGHT))
                    shifts.append(Shift((day + 1) % 7, _MIDNIGHT, end))
                else:
                    shifts.append(Shift(day, start, end))
    if doc.failed_since(mark):
        return None
    return tuple(sorted(shifts, key=lambda s: (s.weekday, s.start)))


def _days(doc: Document, key: str, node: Node) -> list[int]:
    """Weekdays named by a key: "mon-fri", "sat", "fri-mon" (wraps), "mon, wed, fri"."""
    days: list[int] = []
    for part in key.split(","):
        words = [word.strip().casefold() for word in part.split("-", 1)]
        numbers = []
        for word in words:
            number = _DAY_NUMBERS.get(word)
            if number is None:
                doc.error(node, f"unknown day '{word}'{did_you_mean(word, DAYS)}", at_key=True)
            else:
                numbers.append(number)
        if len(numbers) == len(words):
            first, last = numbers[0], numbers[-1]
            days.extend((first + i) % 7 for i in range((last - first) % 7 + 1))
    return days


def _intervals(doc: Document, node: Node) -> list[tuple[time, time]]:
    text = doc.text(node, 'hours such as "09:00-17:00"')
    if text is None:
        return []
    intervals = []
    for part in text.split(","):
        found = _INTERVAL.fullmatch(part.strip())
        bounds = _bounds(found) if found else None
        if bounds is None:
            doc.error(
                node, f"'{part.strip()}' is not an interval such as 09:00-17:00 or 22:00-06:00"
            )
        elif bounds[0] == bounds[1] and bounds[0] != _MIDNIGHT:
            doc.error(node, f"'{part.strip()}' is empty: it starts when it ends")
        else:
            intervals.append(bounds)
    return intervals


def _bounds(found: re.Match[str]) -> tuple[time, time] | None:
    h1, m1, h2, m2 = (int(g) for g in found.groups())
    if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2):
        return None
    # "24:00" is the midnight that ends the day, written as 00:00 like every shift end.
    return time(h1, m1), time(h2 % 24, m2)


def out_of_office(doc: Document, node: Node, zone: tzinfo) -> tuple[Absence, ...] | None:
    """The absences an `out_of_office:` list describes, or None when it has problems."""
    mark = doc.mark()
    items = doc.items(node, "periods such as {from: 2026-11-20, to: 2026-11-30}")
    absences = []
    for item in items:
        keys = doc.mapping(item, required=("from", "to"), optional=("note",))
        if keys is None or "from" not in keys or "to" not in keys:
            continue
        start = instant(doc, keys["from"], zone)
        end = instant(doc, keys["to"], zone)
        note = doc.text(keys["note"]) if "note" in keys else ""
        if start is None or end is None or note is None:
            continue
        if end <= start:
            doc.error(keys["to"], "out of office ends before it starts ('to' is excluded)")
            continue
        absences.append(Absence(start, end, note))
    if doc.failed_since(mark):
        return None
    return tuple(sorted(absences, key=lambda a: a.start))


def instant(doc: Document, node: Node, zone: tzinfo) -> datetime | None:
    """An aware UTC datetime; a date is its midnight in `zone`, a naive time a wall clock there."""
    value = node.value
    if isinstance(value, str):
        value = _parse_iso(value.strip())
    if isinstance(value, datetime):
        local = value if value.tzinfo is not None else value.replace(tzinfo=zone)
        return local.astimezone(UTC)
    if isinstance(value, date):
        return datetime.combine(value, _MIDNIGHT, zone).astimezone(UTC)
    doc.error(
        node,
        "expected a date (2026-11-20) or a time (2026-12-01T13:00:00Z),"
        f" got {describe(node.value)}",
    )
    return None


def _parse_iso(text: str) -> date | datetime | str:
    for parse in (date.fromisoformat, datetime.fromisoformat):
        try:
            return parse(text)
        except ValueError:
            continue
    return text
