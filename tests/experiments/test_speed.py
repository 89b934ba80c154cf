"""The speed-to-lead estimate: each destination's recorded first touches, mixed by leads."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from leadrouter.experiments.speed import _bootstrap, _weighted_quantiles, estimate
from leadrouter.model import Decision, Kind, Trace

AT = datetime(2026, 11, 24, tzinfo=UTC)


def _to(rep: str, n: int, pool: str | None = "p") -> list[Decision]:
    return [Decision(Kind.REP, rep, None, "r", "v", AT, Trace(), pool=pool) for _ in range(n)]


def test_estimate__is_the_destination_history_when_one_rep_takes_every_lead():
    history = {"ana": [60.0, 120.0, 180.0, 240.0, 300.0], "bob": [3600.0] * 5}
    found = estimate("draft", _to("ana", 10), history, {"p": ["ana", "bob"]})

    assert found.median_seconds == 180.0
    assert found.coverage == 1.0
    low, high = found.median_interval
    assert 60.0 <= low <= 180.0 <= high <= 300.0


def test_estimate__mixes_destinations_by_their_leads():
    history = {"ana": [60.0] * 5, "bob": [3600.0] * 5}
    mostly_bob = estimate("d", _to("ana", 1) + _to("bob", 9), history, {})
    mostly_ana = estimate("d", _to("ana", 9) + _to("bob", 1), history, {})

    assert mostly_bob.median_seconds == 3600.0 and mostly_ana.median_seconds == 60.0
    assert mostly_ana.p90_seconds == 3600.0 or mostly_ana.p90_seconds == 60.0


def test_estimate__a_rep_without_history_borrows_the_pool_then_everyone():
    history = {"ana": [100.0] * 5, "zed": [900.0] * 5}
    in_pool = estimate("d", _to("newbie", 4), history, {"p": ["ana", "newbie"]})
    no_pool = estimate("d", _to("newbie", 4, pool=None), history, {})

    assert in_pool.median_seconds == 100.0 and in_pool.coverage == 0.0
    assert no_pool.median_seconds in (100.0, 900.0)


def test_estimate__without_any_history_says_nothing():
    found = estimate("d", _to("ana", 3), {}, {})
    assert found.median_seconds is None and found.median_interval is None


def test_bootstrap__gives_the_quantiles_of_each_resampling_sorted_afresh():
    # Ties within and across histories, one history of one value, uneven weights.
    source = np.random.default_rng(3)
    histories = [
        source.integers(0, 30, size=40).astype(float),
        np.array([7.0]),
        source.integers(10, 50, size=25).astype(float),
        np.array([7.0, 7.0, 12.0]),
    ]
    weights = [5.0, 1.0, 12.0, 2.0]
    rng = np.random.default_rng(20)
    expected = []
    for _ in range(50):
        drawn = [h[rng.integers(0, len(h), size=len(h))] for h in histories]
        expected.append(_weighted_quantiles(drawn, weights, (0.1, 0.5, 0.9)))

    found = _bootstrap(np.random.default_rng(20), histories, weights, (0.1, 0.5, 0.9), 50)

    assert found == expected
