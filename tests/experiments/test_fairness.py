"""Fairness figures: share against weighted fair share, max relative deviation and Gini."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from leadrouter.reports.fairness import drifting, gini, pool_fairness


def test_gini__of_equal_values_is_zero_and_of_one_taking_all_is_near_one():
    assert gini([5, 5, 5, 5]) == 0.0
    assert gini([0, 0, 0, 12]) == 0.75  # (n - 1) / n for one of four
    assert gini([]) == gini([0, 0]) == 0.0


def test_pool_fairness__weighs_fair_shares_and_finds_the_largest_deviation():
    fair = pool_fairness("p", {"a": 3, "b": 1}, {"a": 60, "b": 40, "outsider": 99})

    a, b = fair.members
    assert fair.leads == 100
    assert (a.share, a.fair_share) == (0.6, 0.75)
    assert round(b.deviation, 6) == 0.6  # 40 % of the leads for a 25 % share
    assert round(fair.max_deviation, 6) == 0.6


def test_pool_fairness__a_newcomer_without_leads_deviates_by_minus_one():
    fair = pool_fairness("p", {"old": 1, "new": 1}, {"old": 10})
    assert fair.members[1].deviation == -1.0 and fair.max_deviation == 1.0


@given(
    st.dictionaries(st.sampled_from("abcdef"), st.integers(1, 5), min_size=1),
    st.dictionaries(st.sampled_from("abcdef"), st.integers(0, 1000)),
)
def test_pool_fairness__figures_stay_in_range(weights, received):
    fair = pool_fairness("p", weights, received)
    assert 0.0 <= fair.gini < 1.0
    assert fair.max_deviation >= 0.0
    if fair.leads:
        assert abs(sum(m.share for m in fair.members) - 1.0) < 1e-9
    if all(received.get(r, 0) == w * 7 for r, w in weights.items()):
        assert fair.max_deviation < 1e-9 and fair.gini < 1e-9


def test_drifting__only_when_the_last_periods_all_exceed_the_threshold():
    figures = [(1, 0.1), (2, 0.5), (3, 0.6), (4, 0.7)]
    assert drifting(figures, 0.4, 3)
    assert not drifting(figures, 0.4, 4)
    assert not drifting(figures[:2], 0.4, 3)
