"""Properties of capacity periods over random teams, caps, periods and times, through the engine.

Availability stays absolute whatever the caps and periods (weekly, monthly with its implied daily
quota, rolling or calendar daily caps), pool fairness resets, owner terms, net-new companies and
sticky duplicates: no lead ever goes to an inactive or out-of-office rep, nor to a rep with a cap
of 0. And a pool's own pick never takes a rep past a cap: only an "assign anyway" overflow or an
owner route may, and the trace says so.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import MappingProxyType

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.distribute.test_distribute_properties import IDS, SPAN, START, teams

from leadrouter.distribute.periods import month_of, week_of
from leadrouter.engine import Snapshot, apply_effects, route
from leadrouter.matching import AccountIndex
from leadrouter.model import Account, AccountType, Reason, Team
from leadrouter.policy import compile_policy
from leadrouter.policy.hours import local_time

period_caps = st.one_of(st.none(), st.integers(0, 6))


@st.composite
def period_teams(draw: st.DrawFn) -> Team:
    team = draw(teams())
    reps = {
        rep_id: replace(
            rep,
            max_per_week=draw(period_caps),
            max_per_month=draw(period_caps),
            daily_cap=draw(st.sampled_from(("calendar", "rolling"))),
        )
        for rep_id, rep in team.reps.items()
    }
    pools = {
        pool_id: replace(pool, reset=draw(st.sampled_from((None, "daily", "weekly", "monthly"))))
        for pool_id, pool in team.pools.items()
    }
    return Team(MappingProxyType(reps), MappingProxyType(pools), team.queues)


def _snapshot(team: Team, owner: str, terms: str) -> Snapshot:
    policy = f"""
version: "prop"
fallback_queue: q
net_new_companies: {{window: 3d}}
grace: {{delay: 5m, when: employees is missing}}
rules:
  - {{id: again, when: duplicate and age < 2 days, route: existing owner}}
  - id: customer
    when: account.matched
    route: account owner
    owner: {terms}
    otherwise: backup
  - {{id: pooled, route: pool p}}
"""
    account = Account("a1", "Globex", ("globex.com",), "US", owner, type=AccountType.CUSTOMER)
    return Snapshot(
        compile_policy(policy, "policy.yaml", team), team, AccountIndex.build([account])
    )


leads = st.lists(
    st.tuples(
        st.sampled_from(("jo@globex.com", "kim@initech.com", "lu@initech.com", "max@gmail.com")),
        st.integers(0, int(SPAN.total_seconds() // 60)),
    ),
    min_size=1,
    max_size=30,
)
terms = st.sampled_from(("{caps: respect}", "{caps: ignore}", "{pool: p, caps: respect}", "{}"))


@settings(max_examples=150, deadline=None)
@given(team=period_teams(), owner=st.sampled_from(IDS), terms=terms, batch=leads)
def test_no_unavailable_rep_ever_receives_a_lead_whatever_caps_and_periods(
    team: Team, owner: str, terms: str, batch: list[tuple[str, int]]
) -> None:
    snap = _snapshot(team, owner, terms.replace("{}", "{working_hours: ignore}"))
    for email, minutes in sorted(batch, key=lambda lead: lead[1]):
        now = START + timedelta(minutes=minutes)
        decision = route({"email": email, "created_at": now.isoformat()}, snap, now)
        if decision.owner is not None:
            rep = team.reps[decision.owner]
            assert rep.active, f"{rep.id} is inactive"
            assert not any(a.start <= now < a.end for a in rep.out_of_office), f"{rep.id} away"
            assert 0 not in (rep.max_open, rep.max_per_day, rep.max_per_week, rep.max_per_month)
            picked = {c.reason for c in decision.trace.reps if c.rep == rep.id}
            if decision.pool is not None and Reason.ASSIGNED_ANYWAY not in picked:
                _assert_under_caps(snap, rep.id, now)
        snap = snap.with_state(apply_effects(snap.state, decision))


def _assert_under_caps(snap: Snapshot, rep_id: str, now: datetime) -> None:
    rep = snap.team.reps[rep_id]
    load = snap.state.load(rep_id)
    day = local_time(now, rep.timezone).clock.date()
    if rep.max_per_week is not None:
        assert load.week_on(week_of(day)) < rep.max_per_week
    if rep.max_per_month is not None:
        assert load.month_on(month_of(day)) < rep.max_per_month
    if rep.max_per_day is not None and rep.daily_cap == "rolling":
        assert load.last_24h(now.astimezone(UTC).timestamp()) < rep.max_per_day
    elif rep.max_per_day is not None:
        assert load.today_on(day) < rep.max_per_day
