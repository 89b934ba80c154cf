"""How fairly a pool shares its leads: each member's share against their weighted fair share,
summed up in one figure per pool (the largest relative deviation, and a Gini coefficient over
the members' leads per unit of weight).

Pure functions over counts: the backtest, the roster what-if, `leadrouter report` and `/metrics`
all judge fairness here, so they agree. A newcomer (a member with no leads in the period while
others had many) shows as a deviation of -1.0; the drift check (`drifting`) says when a pool has
stayed above a threshold for long enough to alert someone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MemberShare:
    """One member's leads in a pool against what their weight entitles them to."""

    rep: str
    weight: int
    leads: int
    share: float  # leads / the pool's leads
    fair_share: float  # weight / the pool's total weight

    @property
    def deviation(self) -> float | None:
        """share / fair share - 1: 0.0 is exactly fair, +0.5 is half again their share."""
        return self.share / self.fair_share - 1.0 if self.fair_share else None


@dataclass(frozen=True, slots=True)
class PoolFairness:
    pool: str
    leads: int
    members: tuple[MemberShare, ...]
    max_deviation: float  # the largest |deviation| over members with a weight (0: no leads)
    gini: float  # Gini over leads per unit of weight: 0 equal, towards 1 one member takes all


def gini(values: Sequence[float]) -> float:
    """The Gini coefficient of non-negative values (0 when all are equal or all zero)."""
    ordered = sorted(values)
    n = len(ordered)
    total = sum(ordered)
    if n == 0 or total <= 0:
        return 0.0
    ranked = sum((2 * (i + 1) - n - 1) * v for i, v in enumerate(ordered))
    return ranked / (n * total)


def pool_fairness(
    pool: str, weights: Mapping[str, int], received: Mapping[str, int]
) -> PoolFairness:
    """Fairness of one pool whose members have `weights`, from the leads each `received` through
    it (leads of reps outside the pool do not count)."""
    total_weight = sum(w for w in weights.values() if w > 0)
    leads = sum(received.get(rep, 0) for rep in weights)
    members = tuple(
        MemberShare(
            rep,
            weight,
            received.get(rep, 0),
            received.get(rep, 0) / leads if leads else 0.0,
            weight / total_weight if total_weight and weight > 0 else 0.0,
        )
        for rep, weight in weights.items()
    )
    deviations = [abs(d) for m in members if (d := m.deviation) is not None]
    spread = max(deviations, default=0.0) if leads else 0.0
    per_weight = [m.leads / m.weight for m in members if m.weight > 0]
    return PoolFairness(pool, leads, members, spread, gini(per_weight))


def drifting(figures: Sequence[tuple[object, float]], threshold: float, periods: int) -> bool:
    """Whether the last `periods` figures (oldest first, each `(period, max deviation)`) all
    exceed `threshold`: a pool that stays unfair, not one unlucky hour."""
    if periods <= 0 or len(figures) < periods:
        return False
    return all(value > threshold for _, value in figures[-periods:])
