"""Every windowed figure computed from grouped leads: the shape both the live SQL and the daily
rollups produce, so a 30-day figure is the same sum whether its days were read live or rolled up.

A `Group` is the leads of one UTC day that share rule, owner, pool, kind, queue, account segment
and source; figures add groups up (counts) or merge their sorted first-touch times (percentiles,
exact). Pure: no database, no clock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from leadrouter.reports.figures import (
    Conversion,
    FairShare,
    SlaCompliance,
    SpeedToLead,
    fair_shares,
    percentile,
)

ALL = ""  # the group key of a figure over all leads, not split by any dimension


class Dimension(StrEnum):
    """What a figure can be split by."""

    RULE = "rule"
    SOURCE = "source"
    SEGMENT = "segment"
    REP = "rep"
    DAY = "day"


@dataclass(frozen=True, slots=True)
class Group:
    """Leads of one day with the same routing and origin, and how they fared."""

    day: str  # YYYY-MM-DD, UTC
    rule: str | None
    owner: str | None
    pool: str | None
    kind: str | None
    queue: str | None
    segment: str | None
    source: str | None
    leads: int
    qualified: int
    won: int
    sla_met: int
    sla_breached: int
    sla_pending: int
    touch_seconds: tuple[float, ...]  # sorted
    # When a pending SLA of these leads falls due (their counts change then); None: never.
    recheck_at: datetime | None = None


_KEYS: Mapping[Dimension | None, Callable[[Group], str | None]] = {
    None: lambda g: ALL,
    Dimension.RULE: lambda g: g.rule,
    Dimension.SOURCE: lambda g: g.source,
    Dimension.SEGMENT: lambda g: g.segment,
    Dimension.REP: lambda g: g.owner,
    Dimension.DAY: lambda g: g.day,
}


@dataclass(frozen=True, slots=True)
class Window:
    """The groups of the leads received in one time window."""

    groups: tuple[Group, ...]

    def _split(self, dimension: Dimension | None) -> dict[str, list[Group]]:
        key = _KEYS[dimension]
        split: dict[str, list[Group]] = defaultdict(list)
        for group in self.groups:
            value = key(group)
            if value is not None:
                split[value].append(group)
        return split

    def count(self) -> int:
        """Leads received in the window."""
        return sum(g.leads for g in self.groups)

    def speed_to_lead(self, dimension: Dimension | None = None) -> dict[str, SpeedToLead]:
        """Median and p90 time to first touch, per group that has touched leads (all: one
        entry, even when nothing was touched)."""
        speeds = {}
        for key, groups in self._split(dimension).items():
            # Concatenate and sort: timsort merges the sorted runs in C, far faster than heapq.
            seconds = [s for g in groups for s in g.touch_seconds]
            seconds.sort()
            if seconds or dimension is None:
                speeds[key] = _speed(seconds)
        if dimension is None and ALL not in speeds:
            speeds[ALL] = _speed([])
        return speeds

    def sla(self, dimension: Dimension | None = None) -> dict[str, SlaCompliance]:
        """Met, breached and pending first touches, per group (all: one entry, maybe zeros)."""
        split = self._split(dimension)
        if dimension is None and not split:
            split[ALL] = []
        return {
            key: SlaCompliance(
                sum(g.sla_met for g in groups),
                sum(g.sla_breached for g in groups),
                sum(g.sla_pending for g in groups),
            )
            for key, groups in split.items()
        }

    def conversion(self, dimension: Dimension) -> tuple[Conversion, ...]:
        """Leads, qualified and won per group, ordered by key."""
        return tuple(
            Conversion(
                key,
                sum(g.leads for g in groups),
                sum(g.qualified for g in groups),
                sum(g.won for g in groups),
            )
            for key, groups in sorted(self._split(dimension).items())
        )

    def received_by_pool(self) -> dict[str, dict[str, int]]:
        """Leads now owned through each pool, per pool and rep."""
        received: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for g in self.groups:
            if g.pool is not None and g.owner is not None:
                received[g.pool][g.owner] += g.leads
        return received

    def fairness(
        self,
        weights: Mapping[str, Mapping[str, int]],
        calibration: Mapping[str, Mapping[str, int]] | None = None,
    ) -> dict[str, tuple[FairShare, ...]]:
        """Per pool (with its members' weights), each member's received vs. fair share, and the
        leads calibration credited them (per pool and rep)."""
        received = self.received_by_pool()
        credited = calibration or {}
        return {
            pool: fair_shares(received.get(pool, {}), w, credited.get(pool))
            for pool, w in weights.items()
        }


def _speed(seconds: list[float]) -> SpeedToLead:
    return SpeedToLead(len(seconds), percentile(seconds, 0.5), percentile(seconds, 0.9))


def earliest_recheck(groups: Iterable[Group]) -> datetime | None:
    """The first time any of these groups' SLA counts change on their own."""
    return min((g.recheck_at for g in groups if g.recheck_at is not None), default=None)
