"""The meaning of each report figure, written plainly over one row per lead: the reference the
SQL in `leadrouter.reports.queries` (and the rollups) is tested against. Only tests use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from leadrouter.reports.figures import (
    QUALIFIED_OUTCOMES,
    WON_OUTCOME,
    Conversion,
    SlaCompliance,
    SpeedToLead,
    percentile,
)


@dataclass(frozen=True, slots=True)
class LeadFact:
    """One lead as the reports see it: when it came and was first touched, where it went, how it
    ended. `due_at` is its first-touch SLA deadline (None: no SLA applies)."""

    id: str
    received_at: datetime
    first_touch_at: datetime | None = None
    due_at: datetime | None = None
    owner: str | None = None
    queue: str | None = None
    rule: str | None = None
    source: str | None = None
    segment: str | None = None
    outcome: str | None = None


def touch_seconds(fact: LeadFact) -> float | None:
    """Seconds from arrival to first touch, None when not touched yet."""
    if fact.first_touch_at is None:
        return None
    return (fact.first_touch_at - fact.received_at).total_seconds()


def speed_to_lead(facts: Iterable[LeadFact]) -> SpeedToLead:
    """Median and p90 time to first touch over the touched leads."""
    seconds = [s for s in map(touch_seconds, facts) if s is not None]
    return SpeedToLead(len(seconds), percentile(seconds, 0.5), percentile(seconds, 0.9))


def sla_compliance(facts: Iterable[LeadFact], now: datetime) -> SlaCompliance:
    """Met, breached and pending first-touch deadlines as of `now`."""
    met = breached = pending = 0
    for fact in facts:
        if fact.due_at is None:
            continue
        if fact.first_touch_at is not None:
            if fact.first_touch_at <= fact.due_at:
                met += 1
            else:
                breached += 1
        elif now > fact.due_at:
            breached += 1
        else:
            pending += 1
    return SlaCompliance(met, breached, pending)


def conversion_by(
    facts: Iterable[LeadFact], key: Callable[[LeadFact], str | None]
) -> tuple[Conversion, ...]:
    """Leads, qualified and won per value of `key` (leads with no value are left out), by key."""
    groups: dict[str, list[int]] = {}
    for fact in facts:
        value = key(fact)
        if value is None:
            continue
        counts = groups.setdefault(value, [0, 0, 0])
        counts[0] += 1
        counts[1] += fact.outcome in QUALIFIED_OUTCOMES
        counts[2] += fact.outcome == WON_OUTCOME
    return tuple(Conversion(k, *counts) for k, counts in sorted(groups.items()))
