"""A/B statistics checked against known results of the libraries and textbooks."""

from __future__ import annotations

import pytest

from leadrouter.experiments.abstats import ArmLead, compare_times, guard, two_proportions


def test_two_proportions__matches_the_textbook_z_test():
    # 45 of 100 against 60 of 100: pooled 0.525, z = -0.15 / sqrt(.525 * .475 * 2 / 100) = -2.124.
    found = two_proportions("qualified", (45, 100), (60, 100))

    assert found.p_value == pytest.approx(0.03368, abs=1e-4)
    assert found.difference == pytest.approx(0.15)
    assert found.a.interval == pytest.approx([0.3561, 0.5476], abs=1e-3)  # Wilson
    # 50 % against 60 %: Cohen's h 0.2014, 388 leads per arm at alpha 0.05 and power 0.8.
    assert two_proportions("won", (50, 100), (60, 100)).needed_per_arm == 388


def test_two_proportions__without_any_success_has_no_test_and_no_division_by_zero():
    found = two_proportions("won", (0, 40), (0, 35))
    assert found.p_value is None and found.needed_per_arm is None and found.difference == 0.0
    empty = two_proportions("won", (0, 0), (3, 10))
    assert empty.a.rate is None and empty.p_value is None


def test_compare_times__is_scipys_mann_whitney_on_its_documented_example():
    # scipy.stats.mannwhitneyu's documentation: U = 17, exact two-sided p = 0.1111.
    males = [19.0, 22.0, 16.0, 29.0, 24.0]
    females = [20.0, 11.0, 17.0, 12.0]

    found = compare_times(males, females)

    assert found.p_value == pytest.approx(0.1111, abs=1e-4)
    assert found.a.median_seconds == 22.0 and found.b.median_seconds == 14.5
    low, high = found.a.median_interval
    assert low <= 22.0 <= high


def _leads(arm: str, met: int, breached: int) -> list[ArmLead]:
    return [ArmLead(arm, 60.0, "met", False, False) for _ in range(met)] + [
        ArmLead(arm, 9000.0, "breached", False, False) for _ in range(breached)
    ]


def test_guard__stops_the_arm_whose_breach_rate_exceeds_the_others_by_the_margin():
    assert guard(_leads("a", 27, 3) + _leads("b", 18, 12), 0.1).stop_arm == "b"
    assert guard(_leads("a", 18, 12) + _leads("b", 27, 3), 0.1).stop_arm == "a"
    assert guard(_leads("a", 27, 3) + _leads("b", 25, 5), 0.1).stop_arm is None


def test_guard__waits_for_enough_outcomes_in_both_arms():
    verdict = guard(_leads("a", 30, 0) + _leads("b", 0, 10), 0.1)
    assert verdict.stop_arm is None and "waiting" in verdict.reason
