"""Capacity periods: weekly and monthly caps, the monthly cap's daily quota, rolling or calendar
daily caps, pool fairness resets, and duplicates that keep their owner without using a cap."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from tests.distribute.distribute_factories import rep
from tests.factories import dedent, snapshot

from leadrouter.distribute.periods import counted, implied_quota, period_block, period_key
from leadrouter.engine import apply_effects, route
from leadrouter.errors import PolicyError
from leadrouter.model import Effects, Reason, RepLoad
from leadrouter.normalize import normalize_lead
from leadrouter.policy import parse_team
from leadrouter.policy.hours import Instant
from leadrouter.sequence import LeadSequence

MONDAY = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def test_weekly_cap__blocks_once_reached_and_frees_the_next_week():
    ana = rep("ana", max_per_week=2)
    load = RepLoad(week_count=2, week=date(2026, 11, 23))
    assert period_block(ana, load, Instant(MONDAY + timedelta(days=4))) == (
        Reason.WEEKLY_CAP_REACHED,
        "2/2 leads this week",
    )
    assert period_block(ana, load, Instant(MONDAY + timedelta(days=7))) is None


def test_monthly_cap__blocks_once_reached_and_implies_a_daily_quota():
    ana = rep("ana", max_per_month=60)
    assert implied_quota(ana, date(2026, 11, 5)) == 2  # 60 over November's 30 days
    assert implied_quota(ana, date(2026, 12, 5)) == 2  # ceil(60 / 31)
    full_month = RepLoad(month_count=60, month=date(2026, 11, 1))
    block = period_block(ana, full_month, Instant(MONDAY))
    assert block is not None and block[0] is Reason.MONTHLY_CAP_REACHED
    quota_day = RepLoad(today=2, day=date(2026, 11, 23), month_count=2, month=date(2026, 11, 1))
    block = period_block(ana, quota_day, Instant(MONDAY))
    assert block is not None and block[0] is Reason.DAILY_CAP_REACHED
    assert "daily quota of max_per_month 60 over 30 days" in block[1]


def test_daily_cap__calendar_day_is_the_reps_own_day():
    # 23:30 in New York is already the next day in UTC: the New York day still counts.
    ana = rep("ana", max_per_day=1, timezone="America/New_York")
    late = datetime(2026, 11, 24, 4, 30, tzinfo=UTC)  # 23:30 Monday in New York
    load = RepLoad(today=1, day=date(2026, 11, 23))
    assert period_block(ana, load, Instant(late)) is not None
    assert period_block(ana, load, Instant(late + timedelta(hours=1))) is None  # Tuesday there


def test_daily_cap__rolling_counts_the_last_24_hours():
    ana = rep("ana", max_per_day=2, daily_cap="rolling")
    times = ((MONDAY - timedelta(hours=20)).timestamp(), (MONDAY - timedelta(hours=2)).timestamp())
    load = RepLoad(recent=times)
    assert period_block(ana, load, Instant(MONDAY)) == (
        Reason.DAILY_CAP_REACHED,
        "2/2 leads in the last 24 h",
    )
    assert period_block(ana, load, Instant(MONDAY + timedelta(hours=5))) is None


def test_counted__moves_day_week_and_month_and_keeps_24h_for_rolling():
    load = RepLoad(1, 3, date(2026, 11, 22), 5, date(2026, 11, 16), 5, date(2026, 11, 1))
    effects = Effects(assigned_rep="ana", day=date(2026, 11, 23), rolling=True)
    after = counted(load, effects, MONDAY)
    assert (after.open, after.today, after.week_count, after.month_count) == (2, 1, 1, 6)
    assert after.week == date(2026, 11, 23) and after.month == date(2026, 11, 1)
    assert after.recent == (MONDAY.timestamp(),)


def test_counted__a_lead_that_is_no_new_lead_only_opens():
    load = RepLoad(open=1, today=3, day=date(2026, 11, 23))
    effects = Effects(assigned_rep="ana", day=date(2026, 11, 23), new_lead=False)
    after = counted(load, effects, MONDAY)
    assert (after.open, after.today) == (2, 3)


def test_period_key__names_utc_days_iso_weeks_and_months():
    assert period_key("daily", MONDAY) == "2026-11-23"
    assert period_key("weekly", MONDAY) == "2026-W48"
    assert period_key("monthly", MONDAY) == "2026-11"


TEAM = """
reps:
  - {id: ana, name: Ana, email: ana@acme.example, max_per_day: 1}
  - {id: bob, name: Bob, email: bob@acme.example}
pools:
  - {id: p, name: P, members: [ana, bob], reset: monthly}
queues:
  - {id: q, name: Q, fallback: true}
"""
POLICY = """
version: "p-1"
fallback_queue: q
rules:
  - {id: again, when: duplicate, route: existing owner}
  - {id: pooled, route: pool p}
"""


def test_duplicate_kept_by_its_owner__does_not_use_the_owners_daily_cap():
    sequence = LeadSequence(snapshot(POLICY, TEAM))
    same = {"email": "jo@initech.com"}
    decisions = [sequence.route(_lead(same, i), MONDAY).decision for i in range(2)]
    assert [d.owner for d in decisions] == ["ana", "ana"]
    assert decisions[1].effects.new_lead is False
    assert any(n.code is Reason.OWNER_STICKY for n in decisions[1].trace.notes)
    assert sequence.state.load("ana").today == 1  # the duplicate did not count
    assert sequence.state.load("ana").open == 2
    # ana's cap of 1 a day is reached by the first lead alone: a new person goes to bob
    assert sequence.route(_lead({"email": "kim@x.com"}, 3), MONDAY).decision.owner == "bob"


def _lead(raw, number):
    return normalize_lead(raw, id=f"l{number}")


def test_pool_reset__starts_the_rotation_afresh_each_period_and_says_so():
    snap = snapshot(POLICY, TEAM.replace("max_per_day: 1", "max_per_day: 9"))
    owners = []
    for at in (MONDAY, MONDAY + timedelta(hours=1), MONDAY + timedelta(days=10)):
        decision = route({"email": f"x{at.day}{at.hour}@y{at.hour}.com"}, snap, at)
        owners.append(decision.owner)
        snap = snap.with_state(apply_effects(snap.state, decision))
    assert owners == ["ana", "bob", "ana"]  # December starts afresh
    assert snap.state.pool("p").period == "2026-12"
    last = [n.code for n in decision.trace.notes]
    assert Reason.FAIRNESS_RESET in last


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("max_per_week: -1", "expected a whole number of at least 0"),
        ("daily_cap: hourly", "unknown value 'hourly'"),
    ],
)
def test_team_check__reports_bad_period_keys_with_their_position(line, message):
    text = dedent(TEAM).replace("max_per_day: 1", line)
    with pytest.raises(PolicyError) as caught:
        parse_team(text, "team.yaml")
    assert message in str(caught.value)
    assert "team.yaml:2:" in str(caught.value)


def test_team_check__reports_a_bad_pool_reset():
    text = dedent(TEAM).replace("reset: monthly", "reset: yearly")
    with pytest.raises(PolicyError) as caught:
        parse_team(text, "team.yaml")
    assert "team.yaml:5:" in str(caught.value) and "unknown value 'yearly'" in str(caught.value)


def test_zero_period_cap__takes_no_leads_even_for_an_owner():
    from leadrouter.distribute.availability import takes_no_leads

    assert takes_no_leads(replace(rep("ana"), max_per_month=0)) is not None


def test_codec__keeps_the_new_effects_through_json():
    from leadrouter.codec import decision_from_dict, decision_to_dict

    sequence = LeadSequence(snapshot(POLICY, TEAM))
    decision = sequence.route(_lead({"email": "jo@initech.com"}, 1), MONDAY).decision
    assert decision.effects.pools["p"].period == "2026-11"
    effects = replace(decision.effects, new_lead=False, rolling=True, company="initech.com")
    again = decision_from_dict(decision_to_dict(replace(decision, effects=effects))).effects
    assert (again.new_lead, again.rolling, again.company) == (False, True, "initech.com")
    assert again.pools["p"].period == "2026-11"
