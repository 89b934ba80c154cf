"""A rep's time in team.yaml: working hours as written ("mon-fri": "09:00-17:00") and absences.

Working hours become `Shift`s in the rep's own zone. An overnight interval ("22:00-06:00") is
split at midnight into two shifts, the second on the next weekday; a shift ending at 00:00 runs
to the end of its day, as `distribute` and `sla` read it. Out-of-office dates mean whole days in
the rep's zone and become absolute [start, end) instants. Load-time only: this module never runs
on the per-lead path and never reads the clock.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, tzinfo

from leadrouter.model import Absence, Shift
from leadrouter.policy.source import Document, Node, describe, did_you_mean

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
