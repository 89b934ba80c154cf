"""Properties of issue 17's bugs over random teams, states and times, through the whole engine.

Availability is absolute: whatever the pool's strategy, its overflow (`least_loaded`, a queue,
another pool), an account owner with `otherwise: backup`, or a named rep with `otherwise:
manager`, no lead ever goes to a rep who is inactive or out of office at `now`, nor to a rep
whose cap (`max_open` or `max_per_day`) is 0.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from types import MappingProxyType

from hypothesis import given, settings
from hypothesis import strategies as st

from leadrouter.engine import Snapshot, apply_effects, route
from leadrouter.matching import AccountIndex
from leadrouter.model import (
    Absence,
    Account,
    AccountType,
    Kind,
    Overflow,
    Pool,
    Queue,
    Rep,
    RepLoad,
    RoutingState,
    Shift,
    Strategy,
    Team,
    WhenFull,
)
from leadrouter.policy import compile_policy

IDS = ("ana", "bob", "cat", "dan", "eve", "fay")
START = datetime(2026, 12, 21, tzinfo=UTC)  # a Monday; the leads arrive over two weeks
SPAN = timedelta(days=14)
ZONES = ("UTC", "America/New_York", "Asia/Singapore")
NINE_TO_FIVE = tuple(Shift(day, time(9), time(17)) for day in range(5))


@st.composite
def absences(draw: st.DrawFn) -> tuple[Absence, ...]:
    found = []
    for _ in range(draw(st.integers(0, 2))):
        start = START + timedelta(hours=draw(st.integers(-48, 14 * 24)))
        found.append(Absence(start, start + timedelta(hours=draw(st.integers(1, 10 * 24)))))
    return tuple(found)


caps = st.one_of(st.none(), st.integers(0, 4))


@st.composite
def reps(draw: st.DrawFn, rep_id: str) -> Rep:
    others = [other for other in IDS if other != rep_id]
    return Rep(
        id=rep_id,
        name=rep_id.title(),
        email=f"{rep_id}@acme.example",
        timezone=draw(st.sampled_from(ZONES)),
        working_hours=draw(st.sampled_from((None, NINE_TO_FIVE, ()))),
        out_of_office=draw(absences()),
        max_open=draw(caps),
        max_per_day=draw(caps),
        active=draw(st.booleans()),
        manager=draw(st.one_of(st.none(), st.sampled_from(others))),
        backup=draw(st.one_of(st.none(), st.sampled_from(others))),
    )


overflows = st.sampled_from(
    (Overflow(WhenFull.LEAST_LOADED), Overflow(WhenFull.QUEUE, "q"), Overflow(WhenFull.POOL, "p2"))
)


@st.composite
def pools(draw: st.DrawFn, pool_id: str, overflow: st.SearchStrategy[Overflow]) -> Pool:
    members = draw(st.lists(st.sampled_from(IDS), min_size=1, max_size=len(IDS), unique=True))
    weights = {member: draw(st.integers(1, 3)) for member in members}
    return Pool(
        pool_id,
        pool_id.upper(),
        tuple(members),
        strategy=draw(st.sampled_from(tuple(Strategy))),
        weights=MappingProxyType(weights),
        overflow=draw(overflow),
        respect_working_hours=draw(st.booleans()),
    )


@st.composite
def teams(draw: st.DrawFn, zero_caps: bool = False) -> Team:
    members = {rep_id: draw(reps(rep_id)) for rep_id in IDS}
    if zero_caps:  # at least two reps who take no leads, otherwise fully available
        for rep_id in draw(st.lists(st.sampled_from(IDS), min_size=2, max_size=3, unique=True)):
            cap = draw(st.sampled_from(("max_open", "max_per_day")))
            members[rep_id] = replace(members[rep_id], active=True, out_of_office=(), **{cap: 0})
    second = pools(
        "p2", st.sampled_from((Overflow(WhenFull.LEAST_LOADED), Overflow(WhenFull.QUEUE, "q")))
    )
    return Team(
        reps=MappingProxyType(members),
        pools=MappingProxyType({"p": draw(pools("p", overflows)), "p2": draw(second)}),
        queues=MappingProxyType({"q": Queue("q", "Unrouted", fallback=True)}),
    )


def _snapshot(team: Team, owner: str, named: str, loads: dict[str, int]) -> Snapshot:
    policy = f"""
version: "prop"
name: Availability is absolute
fallback_queue: q
rules:
  - {{id: customer, when: account.matched, route: account owner, otherwise: backup}}
  - {{id: named, when: country == "DE", route: rep {named}, otherwise: manager}}
  - {{id: pooled, route: pool p}}
"""
    account = Account("a1", "Globex", ("globex.com",), "US", owner, type=AccountType.CUSTOMER)
    state = RoutingState(loads=MappingProxyType({r: RepLoad(open=n) for r, n in loads.items()}))
    return Snapshot(
        compile_policy(policy, "policy.yaml", team), team, AccountIndex.build([account]), state
    )


leads = st.lists(
    st.tuples(
        st.sampled_from(("jo@globex.com", "kim@initech.com")),
        st.sampled_from(("US", "DE", "SG")),
        st.integers(0, int(SPAN.total_seconds() // 60)),  # minutes after START
    ),
    min_size=1,
    max_size=25,
)
loads = st.dictionaries(st.sampled_from(IDS), st.integers(0, 5))


def _route_all(snap: Snapshot, batch: list[tuple[str, str, int]]) -> list[tuple[datetime, str]]:
    """(when, owner) of every lead of `batch` given to a rep, effects applied lead after lead."""
    given_to = []
    for email, country, minutes in sorted(batch, key=lambda lead: lead[2]):
        now = START + timedelta(minutes=minutes)
        decision = route({"email": email, "country": country}, snap, now)
        assert (decision.kind is Kind.REP) == (decision.owner is not None)
        if decision.owner is not None:
            given_to.append((now, decision.owner))
        else:
            assert decision.queue == "q"
        snap = snap.with_state(apply_effects(snap.state, decision))
    return given_to


@settings(max_examples=200, deadline=None)
@given(
    team=teams(), owner=st.sampled_from(IDS), named=st.sampled_from(IDS), loads=loads, batch=leads
)
def test_no_unavailable_rep_ever_receives_a_lead(
    team: Team, owner: str, named: str, loads: dict[str, int], batch: list[tuple[str, str, int]]
) -> None:
    for now, rep_id in _route_all(_snapshot(team, owner, named, loads), batch):
        rep = team.reps[rep_id]
        assert rep.active, f"{rep_id} is inactive"
        assert not any(a.start <= now < a.end for a in rep.out_of_office), f"{rep_id} is away"


@settings(max_examples=200, deadline=None)
@given(
    team=teams(zero_caps=True),
    owner=st.sampled_from(IDS),
    named=st.sampled_from(IDS),
    loads=loads,
    batch=leads,
)
def test_a_rep_with_a_zero_cap_never_receives_a_lead(
    team: Team, owner: str, named: str, loads: dict[str, int], batch: list[tuple[str, str, int]]
) -> None:
    for _, rep_id in _route_all(_snapshot(team, owner, named, loads), batch):
        rep = team.reps[rep_id]
        assert rep.max_open != 0 and rep.max_per_day != 0, f"{rep_id} takes no leads"
