"""Expected speed-to-lead of a routing, from the first touches people actually recorded.

Each destination (a rep, or a queue) has a history: the seconds from arrival to first touch of
the past leads it had. A routing's expected time to first touch is the mixture of those
histories, each weighted by the leads the routing sends there: its median and p90 are that
mixture's. A destination with fewer than `MIN_HISTORY` touches borrows the history of the pool it
took the lead through, else everyone's (the `coverage` says how many leads had their own). The
uncertainty is a 90 % bootstrap interval: each history is resampled with replacement
(`RESAMPLES` times, seeded) and the quantiles recomputed. It says nothing of how people would
behave with more or fewer leads: busier reps may answer slower. Pure: the seed is an argument.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

import numpy as np

from leadrouter.experiments.history import Arrival
from leadrouter.experiments.schemas import SpeedEstimate, SpeedFigure
from leadrouter.model import Kind
from leadrouter.reports.figures import percentile

MIN_HISTORY = 5
RESAMPLES = 200
ALL = "(all)"

METHOD = (
    "Recorded: time from arrival to the first recorded touch of the replayed leads, by the rule "
    "and rep that had them. Estimate: for each side, every lead is given the first-touch times "
    "its destination (rep or queue) had on past leads; the median and p90 are those of the "
    f"mixture weighted by leads per destination. A destination with fewer than {MIN_HISTORY} "
    "touches borrows its pool's history, else everyone's (coverage: the share of leads with "
    "their own). Intervals: 90 % bootstrap, each history resampled "
    f"{RESAMPLES} times. Not modelled: reps answering slower when they get more leads."
)


class Sent(Protocol):
    """Where a lead was sent, as the estimate reads it: a `Decision`, or a backtest's
    `sides.Outcome`."""

    @property
    def kind(self) -> Kind: ...
    @property
    def owner(self) -> str | None: ...
    @property
    def queue(self) -> str | None: ...
    @property
    def rule(self) -> str | None: ...
    @property
    def pool(self) -> str | None: ...


def destination(decision: Sent) -> str:
    """Where a decision sent the lead, as one label: a rep id or `<kind>:<queue>`."""
    if decision.kind == Kind.REP:
        return decision.owner or ""
    return f"{decision.kind}:{decision.queue}"


def _recorded_destination(arrival: Arrival) -> str | None:
    if arrival.owner is not None:
        return arrival.owner
    return arrival.queue


def seconds_to_touch(arrival: Arrival) -> float | None:
    if arrival.first_touch_at is None:
        return None
    return max((arrival.first_touch_at - arrival.at).total_seconds(), 0.0)


def figure(key: str, leads: int, seconds: Sequence[float]) -> SpeedFigure:
    return SpeedFigure(
        key=key,
        leads=leads,
        touched=len(seconds),
        median_seconds=_round(percentile(seconds, 0.5)),
        p90_seconds=_round(percentile(seconds, 0.9)),
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)


def histories(
    arrivals: Sequence[Arrival], replayed: Sequence[Sent] | None = None
) -> dict[str, list[float]]:
    """First-touch seconds per destination: the recorded one, else (a CSV without owners) where
    `replayed` (the current setup's replay) sent the lead."""
    found: dict[str, list[float]] = defaultdict(list)
    for n, arrival in enumerate(arrivals):
        seconds = seconds_to_touch(arrival)
        if seconds is None:
            continue
        where = _recorded_destination(arrival)
        if where is None and replayed is not None:
            where = destination(replayed[n])
        if where is not None:
            found[where].append(seconds)
    return dict(found)


def recorded(
    arrivals: Sequence[Arrival], replayed: Sequence[Sent]
) -> tuple[SpeedFigure, list[SpeedFigure], list[SpeedFigure]]:
    """The recorded first touches overall, by rule and by rep (recorded, else replayed)."""
    everything: list[float] = []
    by_rule: dict[str, list[float]] = defaultdict(list)
    by_rep: dict[str, list[float]] = defaultdict(list)
    rule_leads: Counter[str] = Counter()
    rep_leads: Counter[str] = Counter()
    for arrival, decision in zip(arrivals, replayed, strict=True):
        rule = arrival.rule or decision.rule or "(none)"
        rep = arrival.owner if arrival.owner is not None else decision.owner
        rule_leads[rule] += 1
        if rep is not None:
            rep_leads[rep] += 1
        seconds = seconds_to_touch(arrival)
        if seconds is None:
            continue
        everything.append(seconds)
        by_rule[rule].append(seconds)
        if rep is not None:
            by_rep[rep].append(seconds)
    return (
        figure(ALL, len(arrivals), everything),
        [figure(rule, n, by_rule.get(rule, [])) for rule, n in sorted(rule_leads.items())],
        [figure(rep, n, by_rep.get(rep, [])) for rep, n in sorted(rep_leads.items())],
    )


def _weighted_quantiles(
    samples: Sequence[np.ndarray], weights: Sequence[float], qs: Sequence[float]
) -> list[float] | None:
    """Quantiles of the mixture of `samples` (each a history) with per-history `weights`."""
    parts = [(s, w / len(s)) for s, w in zip(samples, weights, strict=True) if len(s) and w > 0]
    if not parts:
        return None
    values = np.concatenate([s for s, _ in parts])
    mass = np.concatenate([np.full(len(s), w) for s, w in parts])
    order = np.argsort(values, kind="stable")
    values, mass = values[order], mass[order]
    cumulative = np.cumsum(mass)
    cumulative /= cumulative[-1]
    return [float(values[min(np.searchsorted(cumulative, q), len(values) - 1)]) for q in qs]


def _bootstrap(
    rng: np.random.Generator,
    samples: Sequence[np.ndarray],
    weights: Sequence[float],
    qs: Sequence[float],
    resamples: int,
) -> list[list[float]]:
    """`_weighted_quantiles` of `resamples` resamplings of `samples`, each history drawn with
    replacement: the very draws of `rng.choice(history, len(history))` (the same indices from the
    same stream) and the very quantiles, without sorting each resampling (the bootstrap was a
    third of a 100,000-lead backtest's report). The histories are merged into one stable order
    once; a resampling is then how often each value was drawn, and laying the merged values out
    that many times gives the order a stable sort of the resampling would, ties included (values
    of one history carry one mass; across histories the earlier comes first)."""
    parts = [(s, w / len(s)) for s, w in zip(samples, weights, strict=True) if len(s) and w > 0]
    if not parts:
        return []
    merged = np.argsort(np.concatenate([s for s, _ in parts]), kind="stable")
    values = np.concatenate([s for s, _ in parts])[merged]
    mass = np.concatenate([np.full(len(s), w) for s, w in parts])[merged]
    at = np.empty(len(merged), dtype=np.intp)  # where each history's values sit once merged
    at[merged] = np.arange(len(merged))
    starts = np.cumsum([0] + [len(s) for s, _ in parts])
    places = [at[start : start + len(s)] for start, (s, _) in zip(starts, parts, strict=False)]
    draws = []
    for _ in range(resamples):
        picked = [place[rng.integers(0, len(place), size=len(place))] for place in places]
        counts = np.bincount(np.concatenate(picked), minlength=len(values))
        cumulative = np.cumsum(np.repeat(mass, counts))
        cumulative /= cumulative[-1]
        drawn = np.repeat(values, counts)
        draws.append(
            [float(drawn[min(np.searchsorted(cumulative, q), len(drawn) - 1)]) for q in qs]
        )
    return draws


def estimate(
    label: str,
    decisions: Sequence[Sent],
    history: Mapping[str, Sequence[float]],
    pools: Mapping[str, Iterable[str]],
    *,
    seed: int = 20,
    resamples: int = RESAMPLES,
) -> SpeedEstimate:
    """The expected time to first touch of `decisions`, from each destination's `history`."""
    everyone = np.array([s for seconds in history.values() for s in seconds], dtype=float)
    pooled: dict[str, np.ndarray] = {}
    for pool, members in pools.items():
        pooled[pool] = np.array([s for m in members for s in history.get(m, ())], dtype=float)
    sources: dict[str, np.ndarray] = {}  # source label -> history used
    weights: Counter[str] = Counter()
    by_rule: dict[str, Counter[str]] = defaultdict(Counter)
    own = 0
    # (destination, pool) -> (source label, whether the destination's own): a few dozen pairs
    # for 100,000 decisions, each worked out once.
    chosen: dict[tuple[str, str | None], tuple[str, bool]] = {}
    for decision in decisions:
        where, pool = destination(decision), decision.pool
        pick = chosen.get((where, pool))
        if pick is None:
            if len(history.get(where, ())) >= MIN_HISTORY:
                pick = (where, True)
            elif pool is not None and len(pooled.get(pool, ())) >= MIN_HISTORY:
                pick = (f"pool:{pool}", False)
            else:
                pick = (ALL, False)
            chosen[where, pool] = pick
            source = pick[0]
            if source not in sources:
                if source == ALL:
                    sources[source] = everyone
                elif source.startswith("pool:"):
                    sources[source] = pooled[source[5:]]
                else:
                    sources[source] = np.array(history[source], dtype=float)
        source, mine = pick
        own += mine
        weights[source] += 1
        by_rule[decision.rule or "(none)"][source] += 1
    names = sorted(weights)
    point = _weighted_quantiles(
        [sources[n] for n in names], [weights[n] for n in names], (0.5, 0.9)
    )
    intervals = None
    if point is not None and resamples > 0:
        rng = np.random.default_rng(seed)
        draws = _bootstrap(
            rng, [sources[n] for n in names], [weights[n] for n in names], (0.5, 0.9), resamples
        )
        if draws:
            table = np.array(draws)
            intervals = [
                [
                    round(float(np.percentile(table[:, i], 5)), 1),
                    round(float(np.percentile(table[:, i], 95)), 1),
                ]
                for i in (0, 1)
            ]
    rules = []
    for rule, counts in sorted(by_rule.items()):
        rule_names = sorted(counts)
        found = _weighted_quantiles(
            [sources[n] for n in rule_names], [counts[n] for n in rule_names], (0.5, 0.9)
        )
        rules.append(
            SpeedFigure(
                key=rule,
                leads=sum(counts.values()),
                touched=sum(len(sources[n]) for n in rule_names),
                median_seconds=_round(found[0]) if found else None,
                p90_seconds=_round(found[1]) if found else None,
            )
        )
    return SpeedEstimate(
        label=label,
        median_seconds=_round(point[0]) if point else None,
        p90_seconds=_round(point[1]) if point else None,
        median_interval=intervals[0] if intervals else None,
        p90_interval=intervals[1] if intervals else None,
        coverage=round(own / len(decisions), 4) if decisions else None,
        by_rule=rules,
    )
