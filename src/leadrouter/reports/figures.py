"""The figures RevOps asks for, as values: speed-to-lead (time to first touch), SLA compliance,
distribution fairness, conversion by any dimension, fallback queue age; and the pure pieces the
queries share (`percentile`, `fair_shares`, `queue_age`).

The SQL in `reports.queries` computes the figures; what each one means is written once more,
plainly over one row per lead, in `tests/reports/reference.py`, and the queries are tested
against it. Nothing here reads a database, the clock or the environment: `now` is an argument.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

# Outcomes that count as qualified: a lost deal was still a qualified opportunity.
QUALIFIED_OUTCOMES = frozenset({"qualified", "won", "lost"})
WON_OUTCOME = "won"


def _share(part: float, whole: float) -> float | None:
    """part / whole, None when there is nothing to divide by (no leads, no fair share yet)."""
    return part / whole if whole else None


@dataclass(frozen=True, slots=True)
class SpeedToLead:
    """Time to first touch, in seconds, over the leads that were touched."""

    touched: int
    median: float | None
    p90: float | None


@dataclass(frozen=True, slots=True)
class SlaCompliance:
    """Leads whose first touch came by the deadline (`met`) vs. late or still missing past it
    (`breached`); leads whose deadline is still ahead are `pending` and not in the rate."""

    met: int
    breached: int
    pending: int

    @property
    def rate(self) -> float | None:
        return _share(self.met, self.met + self.breached)


@dataclass(frozen=True, slots=True)
class FairShare:
    """A rep's leads received vs. the share their pool weight entitles them to."""

    rep: str
    weight: int
    received: int
    fair_share: float
    # Leads credited to the rep by calibration when they joined the pool or came back from an
    # absence (the pool's fairness record): they started at the others' average, not at zero.
    calibration: int = 0

    @property
    def ratio(self) -> float | None:
        """received / fair share: 1.0 is exactly fair, 1.5 means 50% more than their share."""
        return _share(self.received, self.fair_share)


@dataclass(frozen=True, slots=True)
class Conversion:
    """Leads of one group (a rule, segment, source or rep) and how many qualified and won."""

    key: str
    leads: int
    qualified: int
    won: int

    @property
    def qualification_rate(self) -> float | None:
        return _share(self.qualified, self.leads)

    @property
    def win_rate(self) -> float | None:
        return _share(self.won, self.leads)


@dataclass(frozen=True, slots=True)
class QueueAge:
    """Leads waiting in a queue and how long they have waited, in seconds."""

    queue: str
    size: int
    oldest: float | None
    median: float | None


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-quantile (0..1) with linear interpolation between ranks, as PostgreSQL's
    percentile_cont computes it; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def fair_shares(
    received: Mapping[str, int],
    weights: Mapping[str, int],
    calibration: Mapping[str, int] | None = None,
) -> tuple[FairShare, ...]:
    """Each weighted rep's received leads vs. total received x weight / total weight, with the
    leads calibration credited them (shown beside, since it counts from the pool's start).

    Leads received by reps outside `weights` do not count: fairness is judged within a pool.
    """
    calibration = calibration or {}
    total_weight = sum(weights.values())
    total = sum(received.get(rep, 0) for rep in weights)
    return tuple(
        FairShare(
            rep,
            weight,
            received.get(rep, 0),
            total * weight / total_weight if total_weight else 0.0,
            calibration.get(rep, 0),
        )
        for rep, weight in sorted(weights.items())
    )


def queue_age(queue: str, waiting_since: Sequence[datetime], now: datetime) -> QueueAge:
    """Size, oldest and median wait of the leads waiting in `queue` since the given times."""
    ages = [(now - since).total_seconds() for since in waiting_since]
    return QueueAge(queue, len(ages), max(ages, default=None), percentile(ages, 0.5))
