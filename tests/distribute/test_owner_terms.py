"""`route: account owner` with `owner:` terms: pool membership, caps, working hours."""

from datetime import UTC, datetime

import pytest
from tests.factories import TEAM, TUESDAY_15_UTC, snapshot

from leadrouter.engine import route
from leadrouter.errors import PolicyError
from leadrouter.model import Account, AccountType, Kind, Reason, RepLoad, RoutingState

CUSTOMER = Account("a1", "Initech", ("initech.com",), owner="ana", type=AccountType.CUSTOMER)
LEAD = {"email": "jo@initech.com", "form": "demo_request", "employees": "5k"}


def _policy(terms: str) -> str:
    return f"""
version: "t-1"
fallback_queue: unrouted
rules:
  - id: customer
    when: account.matched
    route: account owner
    owner: {terms}
    otherwise: queue nurture
  - id: catch-all
    route: pool global
"""


def _route(terms: str, state: RoutingState | None = None, at: datetime = TUESDAY_15_UTC):
    snap = snapshot(_policy(terms), accounts=[CUSTOMER], state=state)
    return route(LEAD, snap, at)


def test_owner_terms__owner_in_the_pool_gets_the_lead_and_the_trace_says_why():
    decision = _route("{pool: na}")
    assert (decision.kind, decision.owner, decision.rule) == (Kind.REP, "ana", "customer")
    selected = [c for c in decision.trace.reps if c.reason is Reason.REP_SELECTED]
    assert "member of pool na" in selected[0].detail


def test_owner_terms__owner_outside_the_pool_is_not_used_and_otherwise_takes_the_lead():
    decision = _route("{pool: apac}")
    assert (decision.kind, decision.queue) == (Kind.QUEUE, "nurture")
    notes = [n for n in decision.trace.notes if n.code is Reason.OWNER_NOT_ELIGIBLE]
    assert "not a member of pool apac" in notes[0].message


def test_owner_terms__caps_respected_only_when_the_policy_says_so():
    team_capped = TEAM.replace(
        "backup: bob, manager: maya}", "backup: bob, manager: maya, max_open: 2}"
    )
    full = RoutingState(loads={"ana": RepLoad(open=2)})
    snap_ignore = snapshot(_policy("{caps: ignore}"), team_capped, accounts=[CUSTOMER], state=full)
    snap_respect = snapshot(
        _policy("{caps: respect}"), team_capped, accounts=[CUSTOMER], state=full
    )

    assert route(LEAD, snap_ignore, TUESDAY_15_UTC).owner == "ana"
    respected = route(LEAD, snap_respect, TUESDAY_15_UTC)
    assert respected.queue == "nurture"
    assert any(c.reason is Reason.CAPACITY_FULL for c in respected.trace.reps)


def test_owner_terms__working_hours_respected_when_asked():
    night = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
    assert _route("{working_hours: ignore}", at=night).owner == "ana"
    assert _route("{working_hours: respect}", at=night).queue == "nurture"


def test_owner_terms__availability_is_never_relaxed():
    away = Account("a2", "Away Inc", ("initech.com",), owner="otto", type=AccountType.CUSTOMER)
    snap = snapshot(_policy("{caps: ignore, working_hours: ignore}"), accounts=[away])
    decision = route(LEAD, snap, TUESDAY_15_UTC)
    assert decision.owner != "otto"


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ("{pool: nowhere}", "unknown pool 'nowhere'"),
        ("{caps: maybe}", "unknown value 'maybe'"),
        ("{colour: red}", "unknown key 'colour'"),
    ],
)
def test_owner_terms__policy_check_reports_bad_terms_with_their_position(terms, message):
    with pytest.raises(PolicyError) as caught:
        _route(terms)
    assert message in str(caught.value)
    assert "policy.yaml:7:" in str(caught.value)


def test_owner_terms__only_owner_routes_take_terms():
    policy = _policy("{pool: na}").replace("route: account owner", "route: pool na")
    with pytest.raises(PolicyError) as caught:
        snapshot(policy)
    assert "'owner' applies to owner routes" in str(caught.value)
