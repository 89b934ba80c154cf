"""The team: reps with their hours, absences and caps, the pools they are in, the queues."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time
from enum import StrEnum
from typing import Any

from leadrouter.model.frozen import EMPTY


@dataclass(frozen=True, slots=True)
class Shift:
    """One working interval on one weekday (0 = Monday), in the rep's own time zone."""

    weekday: int
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class Absence:
    """An out-of-office period, [start, end) in absolute time."""

    start: datetime
    end: datetime
    note: str = ""


@dataclass(frozen=True, slots=True)
class Rep:
    id: str
    name: str
    email: str
    timezone: str = "UTC"
    # None means "always working"; an empty tuple means "never working".
    working_hours: tuple[Shift, ...] | None = None
    out_of_office: tuple[Absence, ...] = ()
    max_open: int | None = None
    max_per_day: int | None = None
    skills: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    active: bool = True
    manager: str | None = None
    backup: str | None = None
    # Capacity periods (distribute/periods.py): new leads per ISO week and per calendar month in
    # the rep's zone; a monthly cap also implies a daily quota. `daily_cap` says how
    # `max_per_day` counts: "calendar" (the rep's local day) or "rolling" (the last 24 hours).
    max_per_week: int | None = None
    max_per_month: int | None = None
    daily_cap: str = "calendar"
    # `region`, `segment` and custom attributes, which routing conditions read as `rep.<name>`:
    # values are str, float, bool or tuple[str, ...] like lead fields.
    attributes: Mapping[str, Any] = field(default_factory=lambda: EMPTY)
    booking_url: str | None = None  # the rep's scheduling page, returned with an assignment


class Strategy(StrEnum):
    ROUND_ROBIN = "round_robin"
    WEIGHTED = "weighted"
    LOAD_BALANCED = "load_balanced"
    LEAST_RECENTLY_ASSIGNED = "least_recently_assigned"


class WhenFull(StrEnum):
    """What a pool does when none of its members can take the lead."""

    QUEUE = "queue"
    POOL = "pool"
    LEAST_LOADED = "least_loaded"


@dataclass(frozen=True, slots=True)
class Overflow:
    kind: WhenFull
    target: str | None = None  # queue or pool id; None for LEAST_LOADED


@dataclass(frozen=True, slots=True)
class Pool:
    id: str
    name: str
    members: tuple[str, ...]
    strategy: Strategy = Strategy.ROUND_ROBIN
    weights: Mapping[str, int] = field(default_factory=lambda: EMPTY)
    overflow: Overflow = Overflow(WhenFull.LEAST_LOADED)
    # Skip members outside their working hours (follow-the-sun). Off: working hours are ignored.
    respect_working_hours: bool = True
    # Fairness counts (cursor, turn scores) start afresh each "daily", "weekly" or "monthly"
    # period (UTC); None: never.
    reset: str | None = None

    def weight(self, rep_id: str) -> int:
        return self.weights.get(rep_id, 1)


@dataclass(frozen=True, slots=True)
class Queue:
    id: str
    name: str
    description: str = ""
    fallback: bool = False  # a catch-all that people must watch; landing here raises an alert


@dataclass(frozen=True, slots=True)
class Team:
    reps: Mapping[str, Rep]
    pools: Mapping[str, Pool]
    queues: Mapping[str, Queue]
