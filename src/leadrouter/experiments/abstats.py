"""The statistics of an A/B test of routing, per arm: rates with Wilson intervals and a
two-proportion z-test (statsmodels), times to first touch with bootstrap intervals for the median
and a Mann-Whitney U test (scipy), the sample size each arm needs to detect the effect observed
(statsmodels' power analysis), and the SLA guard rail.

Library tests, not hand-written ones. Pure: values in, values out; the bootstrap is seeded.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel

from leadrouter.reports.figures import percentile

if TYPE_CHECKING:
    from statsmodels.stats.power import NormalIndPower, TTestIndPower

# scipy and statsmodels are imported where a test runs: together they take seconds to import,
# and the service, the worker and every CLI command load this module without reporting.

ALPHA = 0.05
POWER = 0.8
GUARD_MIN_LEADS = 20  # SLA outcomes per arm before the guard rail may stop one


@dataclass(frozen=True, slots=True)
class ArmLead:
    """One lead of a test as the statistics see it."""

    arm: str
    touch_seconds: float | None  # None: not touched yet
    sla: str | None  # "met", "breached", "pending" or None (no SLA)
    qualified: bool
    won: bool


class Rate(BaseModel):
    successes: int
    leads: int
    rate: float | None
    interval: list[float] | None  # 95 % Wilson interval


class RateTest(BaseModel):
    metric: str  # sla_met, qualified, won
    a: Rate
    b: Rate
    difference: float | None  # b - a
    p_value: float | None  # two-proportion z-test, two-sided
    needed_per_arm: int | None  # leads per arm to detect this difference (alpha 0.05, power 0.8)


class Times(BaseModel):
    touched: int
    median_seconds: float | None
    p90_seconds: float | None
    median_interval: list[float] | None  # 95 % bootstrap interval


class TimeTest(BaseModel):
    metric: str  # time_to_first_touch
    a: Times
    b: Times
    p_value: float | None  # Mann-Whitney U, two-sided
    needed_per_arm: int | None  # on log seconds, two-sample t-test power


class Guard(BaseModel):
    margin: float
    breach_rate_a: float | None
    breach_rate_b: float | None
    stop_arm: str | None  # the arm to stop, when its breach rate exceeds the other's by margin
    reason: str


def _solve(power: NormalIndPower | TTestIndPower, effect: float) -> int | None:
    """Leads per arm to detect `effect` (None where the solver finds no finite answer)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a huge effect: the root finder warns, returns nan
        found = power.solve_power(effect_size=effect, alpha=ALPHA, power=POWER, ratio=1)
    value = _finite(float(np.asarray(found).ravel()[0]))
    return None if value is None else max(math.ceil(value), 2)


def _finite(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def rate(successes: int, leads: int) -> Rate:
    if leads == 0:
        return Rate(successes=0, leads=0, rate=None, interval=None)
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(successes, leads, alpha=ALPHA, method="wilson")
    return Rate(
        successes=successes,
        leads=leads,
        rate=round(successes / leads, 6),
        interval=[round(float(low), 6), round(float(high), 6)],
    )


def two_proportions(metric: str, a: tuple[int, int], b: tuple[int, int]) -> RateTest:
    """Rates `(successes, leads)` of both arms compared with statsmodels' two-proportion z-test."""
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize, proportions_ztest

    left, right = rate(*a), rate(*b)
    p_value = needed = difference = None
    if left.leads and right.leads:
        difference = round(right.rate - left.rate, 6)  # type: ignore[operator]
        pooled = (a[0] + b[0]) / (a[1] + b[1])
        if 0 < pooled < 1:
            _, p = proportions_ztest([a[0], b[0]], [a[1], b[1]])
            p_value = _finite(p)
        effect = abs(proportion_effectsize(left.rate, right.rate))
        if effect > 0:
            needed = _solve(NormalIndPower(), effect)
    return RateTest(
        metric=metric,
        a=left,
        b=right,
        difference=difference,
        p_value=p_value,
        needed_per_arm=needed,
    )


def times(seconds: Sequence[float], *, seed: int = 20) -> Times:
    median_interval = None
    if len(seconds) >= 2 and len(set(seconds)) > 1:
        from scipy import stats

        found = stats.bootstrap(
            (np.asarray(seconds, dtype=float),),
            np.median,
            confidence_level=1 - ALPHA,
            n_resamples=999,
            method="percentile",
            random_state=np.random.default_rng(seed),
        )
        interval = found.confidence_interval
        median_interval = [round(float(interval.low), 1), round(float(interval.high), 1)]
    median, p90 = percentile(seconds, 0.5), percentile(seconds, 0.9)
    return Times(
        touched=len(seconds),
        median_seconds=None if median is None else round(median, 1),
        p90_seconds=None if p90 is None else round(p90, 1),
        median_interval=median_interval,
    )


def compare_times(a: Sequence[float], b: Sequence[float]) -> TimeTest:
    """Times to first touch of both arms compared with scipy's Mann-Whitney U test."""
    p_value = needed = None
    if a and b:
        from scipy import stats
        from statsmodels.stats.power import TTestIndPower

        p_value = _finite(stats.mannwhitneyu(a, b, alternative="two-sided").pvalue)
        logs_a, logs_b = np.log1p(np.asarray(a)), np.log1p(np.asarray(b))
        spread = (
            math.sqrt((np.var(logs_a, ddof=1) + np.var(logs_b, ddof=1)) / 2)
            if len(a) > 1 and len(b) > 1
            else 0.0
        )
        if spread > 0:
            effect = abs(float(np.mean(logs_a) - np.mean(logs_b))) / spread
            if effect > 0:
                needed = _solve(TTestIndPower(), effect)
    return TimeTest(
        metric="time_to_first_touch", a=times(a), b=times(b), p_value=p_value, needed_per_arm=needed
    )


def guard(leads: Sequence[ArmLead], margin: float) -> Guard:
    """Whether one arm's SLA breach rate exceeds the other's by more than `margin`."""
    decided = {
        arm: [x.sla for x in leads if x.arm == arm and x.sla in ("met", "breached")]
        for arm in ("a", "b")
    }
    rates = {
        arm: (outcomes.count("breached") / len(outcomes) if outcomes else None)
        for arm, outcomes in decided.items()
    }
    stop = None
    reason = f"waiting for {GUARD_MIN_LEADS} SLA outcomes per arm"
    if all(len(v) >= GUARD_MIN_LEADS for v in decided.values()):
        a, b = rates["a"], rates["b"]
        assert a is not None and b is not None
        if b - a > margin:
            stop, reason = "b", f"arm b breaches {b:.0%} of SLAs against {a:.0%} for arm a"
        elif a - b > margin:
            stop, reason = "a", f"arm a breaches {a:.0%} of SLAs against {b:.0%} for arm b"
        else:
            reason = f"breach rates within {margin:.0%} of each other"
    return Guard(
        margin=margin,
        breach_rate_a=rates["a"],
        breach_rate_b=rates["b"],
        stop_arm=stop,
        reason=reason,
    )
