from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from leadrouter.reports.figures import Conversion, FairShare, fair_shares, percentile, queue_age

from .factories import FACTS, NOW
from .reference import LeadFact, sla_compliance, speed_to_lead
from .reference import conversion_by as conversion


def test_speed_to_lead__median_and_p90_of_ten_touches_one_to_ten_minutes():
    figure = speed_to_lead(FACTS)
    assert (figure.touched, figure.median, figure.p90) == (10, 330.0, 546.0)


def test_speed_to_lead__no_touched_leads_has_no_median():
    figure = speed_to_lead(FACTS[10:])
    assert (figure.touched, figure.median, figure.p90) == (0, None, None)


def test_sla_compliance__late_and_overdue_untouched_breach_and_fresh_untouched_is_pending():
    figure = sla_compliance(FACTS, NOW)
    assert (figure.met, figure.breached, figure.pending) == (5, 6, 1)
    assert figure.rate == 5 / 11


def test_sla_compliance__leads_without_deadline_are_not_counted():
    fact = LeadFact("x", NOW)
    assert sla_compliance([fact], NOW).rate is None


def test_fair_shares__split_received_leads_by_weight():
    shares = fair_shares({"ana": 6, "bob": 3, "lea": 1}, {"ana": 2, "bob": 1, "lea": 1, "sam": 1})
    assert shares == (
        FairShare("ana", 2, 6, 4.0),
        FairShare("bob", 1, 3, 2.0),
        FairShare("lea", 1, 1, 2.0),
        FairShare("sam", 1, 0, 2.0),
    )
    assert [s.ratio for s in shares] == [1.5, 1.5, 0.5, 0.0]


def test_fair_shares__ignore_leads_of_reps_outside_the_pool():
    (share,) = fair_shares({"ana": 4, "zed": 100}, {"ana": 1})
    assert share.fair_share == 4.0


def test_conversion__by_rule_counts_qualified_including_lost_and_won():
    assert conversion(FACTS, lambda f: f.rule) == (
        Conversion("catch-all", 2, 0, 0),
        Conversion("enterprise", 5, 3, 1),
        Conversion("smb", 5, 1, 1),
    )


def test_conversion__leaves_out_leads_without_a_value():
    rows = conversion(FACTS, lambda f: f.segment)
    assert rows == (Conversion("enterprise", 5, 3, 1),)
    assert (rows[0].qualification_rate, rows[0].win_rate) == (0.6, 0.2)


def test_queue_age__size_oldest_and_median_wait():
    since = [datetime(2026, 11, 23, 10, 0, tzinfo=UTC), NOW - timedelta(minutes=2)]
    figure = queue_age("unrouted", since, NOW)
    assert (figure.size, figure.oldest, figure.median) == (2, 93600.0, 46860.0)


def test_queue_age__empty_queue_has_no_age():
    figure = queue_age("unrouted", [], NOW)
    assert (figure.size, figure.oldest, figure.median) == (0, None, None)


@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1), st.floats(0, 1))
def test_percentile__lies_between_min_and_max_and_grows_with_q(values, q):
    value = percentile(values, q)
    assert min(values) <= value <= max(values)
    assert percentile(values, 0) == min(values)
    assert percentile(values, 1) == max(values)


@given(
    st.dictionaries(st.sampled_from("abcdef"), st.integers(0, 1000)),
    st.dictionaries(st.sampled_from("abcdef"), st.integers(1, 10), min_size=1),
)
def test_fair_shares__sum_to_the_leads_received_in_the_pool(received, weights):
    shares = fair_shares(received, weights)
    total = sum(received.get(rep, 0) for rep in weights)
    assert abs(sum(s.fair_share for s in shares) - total) < 1e-6


def test_fair_shares__show_the_leads_calibration_credited_a_newcomer():
    shares = fair_shares({"ana": 6, "dan": 2}, {"ana": 1, "dan": 1}, {"dan": 30})
    assert [(s.rep, s.received, s.calibration) for s in shares] == [("ana", 6, 0), ("dan", 2, 30)]
