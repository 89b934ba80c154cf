"""The team admin's HTML forms (each a model FastAPI fills from the posted fields), read into the
services' update shapes: a rep's fields, working hours written as people write them ("Mon-Fri
09:00-17:00"), absences entered in the rep's own time zone, pool membership with weights; and
the services' validation errors mapped back onto the form field each belongs to, for showing
inline.

Pure: it parses text and builds values; the route module calls the services with them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict

from leadrouter.errors import FieldProblem, LeadValidationError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SHIFT = re.compile(
    r"^(?P<first>[a-z]{3})(?:\s*-\s*(?P<last>[a-z]{3}))?\s+"
    r"(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})$"
)


# A checkbox: ticked, the browser sends "on"; unticked, nothing (its default, False).
Checkbox = Annotated[bool, BeforeValidator(lambda sent: sent == "on")]


class FormErrors(Exception):
    """Problems with what was typed, keyed by form field name."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


def hours_text(shifts: Sequence[Mapping[str, Any]] | None) -> str:
    """Working hours as the form shows them, one shift a line ("" = always working)."""
    if shifts is None:
        return ""
    if not shifts:
        return "never"
    return "\n".join(
        f"{DAYS[s['weekday']].title()} {str(s['start'])[:5]}-{str(s['end'])[:5]}" for s in shifts
    )


def parse_hours(text: str) -> list[dict[str, str]] | None:
    """Shifts from lines like "Mon-Fri 09:00-17:00" or "Sat 10:00-14:00"; blank = always
    working (None), "never" = no hours at all. Raises ValueError naming the bad line."""
    lines = [line.strip().lower() for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    if lines == ["never"]:
        return []
    shifts = []
    for number, line in enumerate(lines, 1):
        match = _SHIFT.match(line)
        if match is None or match["first"] not in DAYS or (match["last"] or "mon") not in DAYS:
            raise ValueError(f'line {number} "{line}": write e.g. "Mon-Fri 09:00-17:00"')
        first = DAYS.index(match["first"])
        last = DAYS.index(match["last"]) if match["last"] else first
        if last < first:
            raise ValueError(f'line {number} "{line}": the days run backwards')
        start, end = (match[k].zfill(5) for k in ("start", "end"))
        shifts += [{"weekday": d, "start": start, "end": end} for d in range(first, last + 1)]
    return shifts


def split_tags(text: str) -> list[str]:
    """Skills or languages typed as a comma-separated list."""
    return sorted({t.strip() for t in text.split(",") if t.strip()})


def local_time(text: str, zone: str) -> datetime:
    """A `datetime-local` input's value read in the rep's time zone."""
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("UTC")
    return datetime.fromisoformat(text).replace(tzinfo=tz)


def optional_count(text: str, field: str) -> int | None:
    if not text.strip():
        return None
    try:
        return int(text)
    except ValueError:
        raise FormErrors({field: "a whole number, or empty for no limit"}) from None


class RepForm(BaseModel):
    """What the rep form sends, as typed: FastAPI reads it from the posted form, where a field
    missing or left empty takes its default and a field not named here is ignored (the pool
    weights, `weight:<pool>`, are named by the pools: the route reads them itself)."""

    model_config = ConfigDict(frozen=True)

    name: str = ""
    email: str = ""
    timezone: str = "UTC"
    active: Checkbox = False
    max_open: str = ""
    max_per_day: str = ""
    skills: str = ""
    languages: str = ""
    hours: str = ""
    absence_start: str = ""
    absence_end: str = ""
    absence_note: str = ""
    keep_absence: list[int] = []  # the rep's absences left ticked, by position
    pool: list[str] = []  # the pools ticked

    def as_typed(self) -> dict[str, Any]:
        """What was typed, shown again beside the problems (the kept absences and the pools
        are the rep's)."""
        return self.model_dump(exclude={"keep_absence", "pool"})


class QueueForm(BaseModel):
    """What a queue's form sends (`id` only when adding a queue)."""

    model_config = ConfigDict(frozen=True)

    id: str = ""
    name: str = ""
    description: str = ""
    fallback: Checkbox = False


def rep_changes(form: RepForm, absences: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The rep's new field values (for `RepUpdate`); FormErrors for what cannot be read."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {
        "name": form.name.strip(),
        "email": form.email.strip(),
        "timezone": form.timezone.strip() or "UTC",
        "active": form.active,
        "skills": split_tags(form.skills),
        "languages": split_tags(form.languages),
    }
    for field in ("max_open", "max_per_day"):
        try:
            values[field] = optional_count(getattr(form, field), field)
        except FormErrors as error:
            errors.update(error.errors)
    try:
        values["working_hours"] = parse_hours(form.hours)
    except ValueError as error:
        errors["working_hours"] = str(error)
    kept = [dict(a) for i, a in enumerate(absences) if i in set(form.keep_absence)]
    if form.absence_start or form.absence_end:
        if not (form.absence_start and form.absence_end):
            errors["out_of_office"] = "give both the first and the last moment of the absence"
        else:
            try:
                start = local_time(form.absence_start, values["timezone"])
                end = local_time(form.absence_end, values["timezone"])
                kept.append({"start": start, "end": end, "note": form.absence_note.strip()})
            except ValueError:
                errors["out_of_office"] = "dates as YYYY-MM-DDTHH:MM"
    values["out_of_office"] = kept
    if errors:
        raise FormErrors(errors)
    return values


def field_errors(error: LeadValidationError, known: Sequence[str]) -> dict[str, str]:
    """A service's validation problems keyed by the form field they concern ("_" for the rest):
    `body.out_of_office[1].end` belongs to `out_of_office`."""
    found: dict[str, str] = {}
    for problem in error.problems:
        found.setdefault(_field_of(problem, known), problem.message)
    return found


def _field_of(problem: FieldProblem, known: Sequence[str]) -> str:
    path = problem.path.removeprefix("body.")
    head = re.split(r"[.\[]", path, maxsplit=1)[0]
    return head if head in known else "_"
