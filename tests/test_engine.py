from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from leadrouter.codec import decision_from_dict, decision_to_dict
from leadrouter.engine import Snapshot, apply_effects, route
from leadrouter.explain import describe, describe_rule
from leadrouter.model import (
    Account,
    AccountType,
    Kind,
    Overflow,
    Reason,
    RepLoad,
    RoutingState,
    RuleCheck,
    WhenFull,
)
from tests.factories import TUESDAY_15_UTC, snapshot

HOT = {"email": "jo@initech.com", "employees": "5k", "form": "demo_request"}


def test_route__assigns_from_pool_and_explains_every_rule_tried():
    decision = route({**HOT, "country": "USA"}, snapshot(), TUESDAY_15_UTC)

    assert (decision.kind, decision.owner, decision.rule, decision.pool) == (
        Kind.REP,
        "ana",
        "north-america",
        "na",
    )
    tried = {check.rule: check for check in decision.trace.rules}
    assert list(tried) == ["customer", "big-deal", "nurture", "emea", "apac", "north-america"]
    assert tried["big-deal"].missing == ("estimated_value",)
    assert tried["emea"].values == (("country", "US"),)
    assert tried["north-america"].matched
    assert decision.trace.score is not None and decision.trace.score.total == 70
    assert decision.effects.assigned_rep == "ana"
    assert not decision.fallback


def test_route__round_robin_moves_on_once_effects_are_applied():
    snap = snapshot()
    owners = []
    for _ in range(4):
        decision = route({**HOT, "country": "US"}, snap, TUESDAY_15_UTC)
        owners.append(decision.owner)
        snap = replace(snap, state=apply_effects(snap.state, decision))
    assert owners == ["ana", "bob", "ana", "bob"]
    assert snap.state.load("ana").open == 2


def test_route__sends_low_scores_to_nurture_and_big_deals_to_review():
    nurture = route({"email": "x@y.io", "country": "US"}, snapshot(), TUESDAY_15_UTC)
    review = route({**HOT, "estimated_value": "$75k"}, snapshot(), TUESDAY_15_UTC)

    assert (nurture.kind, nurture.queue, nurture.rule) == (Kind.NURTURE, "nurture", "nurture")
    assert (review.kind, review.queue, review.rule) == (Kind.REVIEW, "deal_desk", "big-deal")


def test_route__follows_the_sun_and_says_who_was_off_shift():
    wednesday_3_utc = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
    decision = route({**HOT, "country": "Brazil"}, snapshot(), wednesday_3_utc)

    assert (decision.owner, decision.rule) == ("sam", "catch-all")
    skipped = {c.rep: c.reason for c in decision.trace.reps}
    assert skipped["ana"] is Reason.OUTSIDE_WORKING_HOURS
    assert skipped["lea"] is Reason.OUTSIDE_WORKING_HOURS
    assert skipped["sam"] is Reason.REP_SELECTED


def test_route__full_pool_overflows_to_its_queue_and_flags_the_fallback():
    decision = route({**HOT, "country": "Singapore"}, snapshot(), TUESDAY_15_UTC)

    assert (decision.kind, decision.queue, decision.rule) == (Kind.QUEUE, "unrouted", "apac")
    assert decision.fallback
    assert any(n.code is Reason.POOL_EXHAUSTED for n in decision.trace.notes)


def _apac_overflowing_to(target: str | None) -> Snapshot:
    """The test snapshot, its APAC pool spilling over to `target` (as a team edited through
    the API could say, with no target or one since deleted)."""
    snap = snapshot()
    apac = snap.team.pools["apac"]
    pools = {**snap.team.pools, "apac": replace(apac, overflow=Overflow(WhenFull.QUEUE, target))}
    return replace(snap, team=replace(snap.team, pools=pools))


def test_route__overflow_to_no_queue_falls_back_with_reason_instead_of_nowhere():
    decision = route({**HOT, "country": "Singapore"}, _apac_overflowing_to(None), TUESDAY_15_UTC)

    assert (decision.kind, decision.owner, decision.queue) == (Kind.QUEUE, None, "unrouted")
    assert decision.fallback and decision.rule == "apac"
    (note,) = [n for n in decision.trace.notes if n.code is Reason.ROUTING_ERROR]
    assert "rule 'apac' sent the lead to no queue and to no rep" in note.message


def test_route__overflow_to_a_queue_not_on_the_team_falls_back_with_reason():
    decision = route({**HOT, "country": "SG"}, _apac_overflowing_to("gone"), TUESDAY_15_UTC)

    assert (decision.owner, decision.queue, decision.fallback) == (None, "unrouted", True)
    assert any("queue 'gone', which is not on the team" in n.message for n in decision.trace.notes)
    assert decision_from_dict(decision_to_dict(decision)) == decision


def test_route__customer_goes_to_account_owner():
    accounts = [
        Account(
            "a1", "Globex Corporation", ("globex.com",), "US", "maya", type=AccountType.CUSTOMER
        )
    ]
    decision = route(
        {**HOT, "email": "kim@globex.com"}, snapshot(accounts=accounts), TUESDAY_15_UTC
    )

    assert (decision.owner, decision.rule) == ("maya", "customer")
    assert decision.trace.match is not None and decision.trace.match.account.id == "a1"


def test_route__out_of_office_owner_hands_over_to_backup_with_reason():
    accounts = [
        Account(
            "a1", "Globex Corporation", ("globex.com",), "US", "otto", type=AccountType.CUSTOMER
        )
    ]
    decision = route(
        {**HOT, "email": "kim@globex.com"}, snapshot(accounts=accounts), TUESDAY_15_UTC
    )

    assert (decision.owner, decision.rule) == ("bob", "customer")
    otto = next(c for c in decision.trace.reps if c.rep == "otto")
    assert otto.reason is Reason.REP_OUT_OF_OFFICE
    assert any("backup of Otto Away" in c.detail for c in decision.trace.reps if c.rep == "bob")


def test_route__exception_inside_routing_lands_in_fallback_queue():
    class Broken:
        def match(self, lead):
            raise RuntimeError("index corrupted")

    snap = replace(snapshot(), accounts=Broken())
    decision = route(HOT, snap, TUESDAY_15_UTC)

    assert (decision.kind, decision.queue, decision.rule) == (Kind.QUEUE, "unrouted", None)
    assert decision.fallback
    assert decision.trace.notes[0].code is Reason.ROUTING_ERROR
    assert "index corrupted" in decision.trace.notes[0].message


def test_apply_effects__daily_counter_restarts_on_a_new_local_day():
    snap = snapshot(
        state=RoutingState(
            loads={"ana": RepLoad(open=3, today=5, day=datetime(2026, 11, 23).date())}
        )
    )
    decision = route({**HOT, "country": "US"}, snap, TUESDAY_15_UTC)
    load = apply_effects(snap.state, decision).load("ana")

    assert (load.open, load.today, load.day) == (4, 1, datetime(2026, 11, 24).date())


def test_codec__round_trips_a_decision_with_its_whole_trace():
    decision = route({**HOT, "country": "Brazil", "phone": "garbage"}, snapshot(), TUESDAY_15_UTC)
    data = decision_to_dict(decision)

    assert decision_to_dict(decision_from_dict(data)) == data
    assert data["trace"]["rules"][-1] == {
        "rule": "catch-all",
        "matched": True,
        "clause": None,
        "missing": [],
        "values": {},
    }


def test_describe__tells_a_human_why():
    decision = route({**HOT, "country": "Singapore"}, snapshot(), TUESDAY_15_UTC)
    text = "\n".join(describe(decision))

    assert "Sent to queue unrouted by rule 'apac'" in text
    assert "rep sam in pool apac: skipped: outside working hours" in text
    assert "estimated_value missing" in text


def test_describe_rule__words_each_check_by_its_own_content():
    """Sentences are remembered per check object; equal checks word alike, others differ."""
    missed = RuleCheck("big", False, "employees >= 1000", (), (("employees", 50.0),))
    again = RuleCheck("big", False, "employees >= 1000", (), (("employees", 50.0),))
    other = RuleCheck("big", False, "employees >= 1000", (), (("employees", 75.0),))
    first = describe_rule(missed)

    assert first == "rule 'big': no — employees >= 1000 is false (employees = 50)"
    assert describe_rule(missed) == describe_rule(again) == first
    assert describe_rule(other).endswith("(employees = 75)")


BASE = snapshot()
FIELDS = [
    "email",
    "company",
    "country",
    "state",
    "employees",
    "revenue",
    "phone",
    "form",
    "industry",
    "estimated_value",
    "Zip",
    "source",
]


@settings(max_examples=200, deadline=None)
@given(
    lead=st.dictionaries(
        st.sampled_from(FIELDS),
        st.one_of(st.text(max_size=30), st.integers(), st.none(), st.floats()),
    ),
    hour=st.integers(0, 167),
    loads=st.dictionaries(
        st.sampled_from(["ana", "bob", "lea", "sam"]), st.integers(0, 1000), max_size=4
    ),
)
def test_route__every_lead_gets_an_owner_or_a_queue(lead, hour, loads):
    state = RoutingState(loads={rep: RepLoad(open=n) for rep, n in loads.items()})
    snap: Snapshot = replace(BASE, state=state)
    at = datetime(2026, 11, 23, tzinfo=UTC).replace(hour=hour % 24, day=23 + hour // 24)
    decision = route(lead, snap, at)

    if decision.kind is Kind.REP:
        assert decision.owner in snap.team.reps
    else:
        assert decision.queue in snap.team.queues
    assert not any(n.code is Reason.ROUTING_ERROR for n in decision.trace.notes)


# Issue 17, bugs 1 and 2: availability is absolute and a cap of 0 takes no leads, whatever the
# route (overflow "assign anyway", named rep, owner); only hours and caps may be relaxed.
HOLIDAY_TEAM = """
reps:
  - {id: ana, name: Ana Souza, email: ana@acme.example, timezone: America/New_York,
     working_hours: {mon-fri: "09:00-17:00"}, max_open: 40}
  - {id: hol, name: Hal Holiday, email: hal@acme.example, max_open: 40,
     out_of_office: [{from: 2026-12-20, to: 2027-01-04, note: holiday}]}
  - {id: zed, name: Zed Zero, email: zed@acme.example, max_open: 0}
  - {id: gone, name: Gone Away, email: gone@acme.example, active: false}
pools:
  - {id: public, name: Public sector, members: [hol, zed, gone, ana]}
  - {id: away, name: Nobody available, members: [hol, zed, gone]}
queues:
  - {id: unrouted, name: Unrouted leads, fallback: true}
"""
HOLIDAY_POLICY = """
version: "t-17"
name: Availability
fallback_queue: unrouted
rules:
  - {id: nobody, when: country == "FR", route: pool away}
  - {id: zero, when: country == "DE", route: rep zed}
  - {id: public, route: pool public}
"""
BOXING_DAY_3_UTC = datetime(2026, 12, 26, 3, 0, tzinfo=UTC)


def _holiday_snapshot(**loads: int) -> Snapshot:
    state = RoutingState(loads={rep: RepLoad(open=n) for rep, n in loads.items()})
    return snapshot(HOLIDAY_POLICY, HOLIDAY_TEAM, state=state)


def test_route__assign_anyway_overflow_never_picks_an_out_of_office_rep():
    # hol (0 open, on holiday) used to get the lead over ana (4 open, off shift at 22:00).
    decision = route({**HOT, "country": "US"}, _holiday_snapshot(ana=4), BOXING_DAY_3_UTC)

    assert (decision.kind, decision.owner, decision.pool) == (Kind.REP, "ana", "public")
    checks = {c.rep: c for c in decision.trace.reps if c.reason is not Reason.ASSIGNED_ANYWAY}
    assert checks["hol"].reason is Reason.REP_OUT_OF_OFFICE
    assert checks["zed"].reason is Reason.CAPACITY_FULL
    assert checks["gone"].reason is Reason.REP_INACTIVE
    anyway = next(c for c in decision.trace.reps if c.reason is Reason.ASSIGNED_ANYWAY)
    assert anyway.rep == "ana"
    assert "assigned anyway despite: outside working hours" in anyway.detail


def test_route__assign_anyway_with_nobody_available_goes_to_the_fallback_queue_with_reason():
    decision = route({**HOT, "country": "FR"}, _holiday_snapshot(), BOXING_DAY_3_UTC)

    assert (decision.kind, decision.owner, decision.queue) == (Kind.QUEUE, None, "unrouted")
    assert (decision.rule, decision.pool, decision.fallback) == ("nobody", "away", True)
    assert decision.effects.assigned_rep is None
    assert any(
        "no member is available even ignoring hours and caps" in n.message
        for n in decision.trace.notes
    )


def test_route__a_named_rep_with_a_zero_cap_takes_no_leads():
    # `rep zed` ignores caps, as owner routes do, but a cap of 0 means "takes no leads".
    decision = route({**HOT, "country": "DE"}, _holiday_snapshot(), TUESDAY_15_UTC)

    assert decision.owner == "hol" and decision.rule == "public"  # back in office in November
    zed = next(c for c in decision.trace.reps if c.rep == "zed")
    assert (zed.reason, zed.detail) == (Reason.CAPACITY_FULL, "max_open 0: takes no leads")
