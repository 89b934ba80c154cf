"""The backtest: a setup against itself changes nothing; a single rule's change reports exactly
the leads that rule decides; rotation reshuffles are counted apart from changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadrouter.engine import route
from leadrouter.experiments.backtest import (
    CHANGE,
    RESHUFFLE,
    SAME,
    backtest,
    classify,
    compare,
)
from leadrouter.experiments.history import Arrival
from leadrouter.experiments.replay import (
    MatchOnce,
    Prepared,
    Setup,
    replay,
    replay_sides,
    sharing_scores,
)
from leadrouter.forking import fork_helps
from leadrouter.matching import AccountIndex
from leadrouter.model import Decision, Kind, Lead, Team, Trace
from leadrouter.policy import compile_policy, parse_team

from ..factories import POLICY, TEAM, account_book, dedent, snapshot

START = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)  # a Monday: New York and Berlin at work
COUNTRIES = ["US", "CA", "DE", "FR", "SG", "BR", "US", "GB"]


def arrivals(count: int = 120) -> list[Arrival]:
    return [
        Arrival(
            f"lead-{n}",
            {
                "email": f"person{n}@company{n}.com",
                "company": f"Company {n}",
                "country": COUNTRIES[n % len(COUNTRIES)],
                "form": "demo_request",
                "employees": "5000" if n % 3 == 0 else "50",
            },
            START + timedelta(minutes=7 * n),
        )
        for n in range(count)
    ]


def setup(label: str, policy: str = POLICY) -> Setup:
    built = snapshot(policy, TEAM)
    return Setup(label, built.policy, built.team)


def test_backtest__of_a_policy_against_itself_has_no_change_and_no_reshuffle():
    result = backtest(compare(arrivals(), setup("current"), setup("draft")))

    assert (result.changed, result.reshuffled, result.unchanged) == (0, 0, 120)
    assert result.changes == [] and result.moves == [] and result.absorbed == []
    assert result.current.model_dump(exclude={"label"}) == result.candidate.model_dump(
        exclude={"label"}
    )


def test_backtest__of_one_rule_changed_reports_exactly_the_leads_that_rule_decides():
    draft_text = POLICY.replace('version: "t-1"', 'version: "t-2"').replace(
        "route: rep lea", "route: pool na"
    )
    leads = arrivals()
    current = setup("current")
    # The leads the changed rule decides, found lead by lead with the engine alone.
    emea = {a.id for a in leads if route(dict(a.raw), snapshot(POLICY, TEAM), a.at).rule == "emea"}

    result = backtest(compare(leads, current, setup("draft", draft_text)))

    assert result.draft == "t-2" and result.against == "t-1"
    assert [(c.from_rule, c.to_rule, c.count) for c in result.changes] == [
        ("emea", "emea", len(emea))
    ]
    moved = {e.lead_id for e in result.changes[0].examples}
    assert moved <= emea and len(result.changes[0].examples) == 5
    assert result.changed == len(emea)
    # North America's pool now also takes EMEA leads: its own leads go to other members.
    assert result.reshuffled > 0
    assert result.changed + result.reshuffled + result.unchanged == len(leads)


def test_backtest__lists_every_example_when_asked_for_enough():
    draft_text = POLICY.replace("route: rep lea", "route: queue deal_desk")
    result = backtest(compare(arrivals(), setup("c"), setup("d", draft_text)), examples=1000)

    (change,) = result.changes
    assert len(change.examples) == change.count == result.changed
    assert {e.to for e in change.examples} == {"queue:deal_desk"}


def _decision(rule: str, kind: Kind, owner: str | None, pool: str | None, queue=None) -> Decision:
    return Decision(kind, owner, queue, rule, "v", START, Trace(), pool=pool)


def test_classify__same_rule_and_pool_another_rep_is_a_reshuffle_not_a_change():
    assert (
        classify(_decision("r", Kind.REP, "ana", "na"), _decision("r", Kind.REP, "bob", "na"))
        == RESHUFFLE
    )
    assert (
        classify(_decision("r", Kind.REP, "ana", "na"), _decision("r", Kind.REP, "ana", "na"))
        == SAME
    )
    assert (
        classify(_decision("r", Kind.REP, "ana", "na"), _decision("s", Kind.REP, "ana", "na"))
        == CHANGE
    )
    assert (
        classify(_decision("r", Kind.REP, "ana", "na"), _decision("r", Kind.REP, "bob", "global"))
        == CHANGE
    )
    assert (
        classify(
            _decision("r", Kind.REP, "ana", "na"),
            _decision("r", Kind.QUEUE, None, "na", "unrouted"),
        )
        == CHANGE
    )
    assert (
        classify(_decision("r", Kind.REP, "ana", None), _decision("r", Kind.REP, "bob", None))
        == CHANGE
    )


def test_backtest__reports_the_drafts_failing_tests_by_name_and_line():
    draft_text = POLICY + dedent(
        """
        tests:
          - name: a German lead goes to Lea
            lead: {email: a@b.de, country: DE, form: demo_request}
            at: "2026-11-24T15:00:00Z"
            expect: {owner: bob}
        """
    )
    result = backtest(compare(arrivals(10), setup("c"), setup("d", draft_text)))

    assert result.tests.passed == 0
    (failed,) = result.tests.failed
    assert failed.name == "a German lead goes to Lea" and failed.line > 0
    assert failed.failures == ["expected owner 'bob', got 'lea'"]


def test_backtest__counts_leads_arriving_while_nobody_in_the_pool_works():
    # Every lead at 03:00 UTC on a Sunday: nobody in the North America pool is at work.
    night = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
    leads = [replace(a, at=night) for a in arrivals(16)]
    result = backtest(compare(leads, setup("c"), setup("d")))

    na = next(p for p in result.current.pools if p.pool == "na")
    us_or_ca = sum(a.raw["country"] in {"US", "CA"} for a in leads)
    assert na.rule_leads == na.off_hours == us_or_ca > 0


def lea_holding_two() -> Team:
    """The factory team, Lea holding at most two open leads."""
    return parse_team(
        dedent(TEAM).replace("id: lea, name: Lea Kurz,", "id: lea, name: Lea Kurz, max_open: 2,"),
        "team.yaml",
    )


def test_backtest__counts_capacity_breaches_and_frees_slots_at_recorded_closes():
    # A named rep keeps getting the leads their rule names, however many they hold.
    team = lea_holding_two()
    policy = compile_policy(dedent(POLICY), "policy.yaml", team)
    sides = Setup("c", policy, team), Setup("d", policy, team)
    german = [
        Arrival(
            f"de-{n}",
            {"email": f"p{n}@x{n}.de", "country": "DE", "form": "demo_request"},
            START + timedelta(hours=n),
        )
        for n in range(5)
    ]
    held = backtest(compare(german, *sides))
    closed = backtest(
        compare([replace(a, closed_at=a.at + timedelta(minutes=30)) for a in german], *sides)
    )

    assert {r.rep: r.capacity_breaches for r in held.current.reps} == {"lea": 3}
    assert {r.rep: r.capacity_breaches for r in closed.current.reps} == {"lea": 0}


@settings(max_examples=20, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([*COUNTRIES, "JP", "??"]), st.integers(0, 60 * 24 * 7)),
        min_size=1,
        max_size=40,
    )
)
def test_backtest__of_any_leads_against_the_same_setup_changes_nothing(leads):
    arrivals = [
        Arrival(
            f"h-{n}",
            {"email": f"p{n % 7}@c{n % 5}.com", "country": country, "form": "demo_request"},
            START + timedelta(minutes=minutes),
        )
        for n, (country, minutes) in enumerate(sorted(leads, key=lambda x: x[1]))
    ]
    result = backtest(compare(arrivals, setup("current"), setup("draft")), examples=0)
    assert (result.changed, result.reshuffled) == (0, 0)
    assert result.unchanged == len(arrivals)


@pytest.mark.parametrize(
    ("draft_text", "scored_once"),
    [
        (POLICY.replace("route: rep lea", "route: pool na"), True),
        # Demo requests score 10, under the MQL threshold: the draft nurtures them.
        (POLICY.replace("points: 40}", "points: 10}"), False),
    ],
)
def test_compare__sharing_work_between_the_sides_decides_as_replaying_each_alone(
    draft_text: str, scored_once: bool
):
    # The same people again (their earlier owner differs between the sides once EMEA moves).
    leads = [
        replace(a, raw={**a.raw, "email": f"person{n % 9}@company{n % 9}.com"})
        for n, a in enumerate(arrivals())
    ]
    current, draft = setup("current"), setup("draft", draft_text)
    prepared = Prepared(leads)
    shared = replay_sides(prepared, (current, draft), propensities=False)
    alone = [replay(prepared, s, propensities=False) for s in (current, draft)]

    sides = sharing_scores([current, draft])
    assert (sides[0].policy.scoring is sides[1].policy.scoring) is scored_once
    for together, apart in zip(shared, alone, strict=True):
        assert [r.decision for r in together] == [r.decision for r in apart]
    assert backtest(compare(leads, current, draft)).changed > 0


@pytest.mark.parametrize("known", [0, 40])
def test_compare__with_two_jobs_reports_exactly_what_one_job_does(known: int):
    # A changed rule, reshuffles, earlier leads, capacity breaches and closes: every part of the
    # report has something to say.
    leads = [
        replace(a, raw={**a.raw, "email": f"person{n % 13}@company{n % 13}.com"})
        for n, a in enumerate(arrivals(200))
    ]
    before_them = [
        replace(a, id=f"old-{n}", at=a.at - timedelta(days=2)) for n, a in enumerate(leads[:known])
    ]
    team = lea_holding_two()
    draft_text = POLICY.replace("route: rep lea", "route: pool na")
    current = Setup("current", compile_policy(dedent(POLICY), "policy.yaml", team), team)
    draft = Setup("draft", compile_policy(dedent(draft_text), "policy.yaml", team), team)
    earlier = [r.known for r in replay(Prepared(before_them), current)]
    one = compare(leads, current, draft, earlier, open_for=timedelta(hours=3), jobs=1)
    two = compare(leads, current, draft, earlier, open_for=timedelta(hours=3), jobs=2)

    assert two.before == one.before and two.after == one.after
    report = backtest(one)
    assert backtest(two).model_dump_json() == report.model_dump_json()
    assert report.changed > 0 and report.reshuffled > 0
    assert any(rep.capacity_breaches for rep in report.current.reps)


@pytest.mark.parametrize("jobs", [1, 2])
def test_compare__with_one_account_book_matches_each_lead_once_and_reports_what_one_job_does(
    jobs: int, monkeypatch: pytest.MonkeyPatch
):
    leads = [
        replace(
            a,
            raw={
                **a.raw,
                "email": f"person{n % 13}@company{n % 13}.com",
                "company": f"Company {n % 11} {('Labs', 'Systems', '')[n % 3]}",
            },
        )
        for n, a in enumerate(arrivals(200))
    ]
    team = lea_holding_two()
    index = AccountIndex.build(account_book())
    draft_text = POLICY.replace("route: rep lea", "route: pool na")

    def sides(accounts: object) -> tuple[Setup, Setup]:
        return (
            Setup("current", compile_policy(dedent(POLICY), "policy.yaml", team), team, accounts),
            Setup("draft", compile_policy(dedent(draft_text), "policy.yaml", team), team, accounts),
        )

    # Each side matching on its own, one job: the reference.
    one = compare(leads, *sides(index), open_for=timedelta(hours=3))
    asked: list[str | None] = []
    match = AccountIndex.match

    def counted(self: AccountIndex, lead: Lead) -> object:
        asked.append(lead.id)  # in this process only: a child's calls stay in the child
        return match(self, lead)

    monkeypatch.setattr(AccountIndex, "match", counted)
    shared = compare(leads, *sides(MatchOnce(index)), open_for=timedelta(hours=3), jobs=jobs)

    # With two jobs, this process matched the first half and the child the second.
    halves = jobs == 2 and fork_helps()
    assert asked == [a.id for a in (leads[:100] if halves else leads)]
    assert shared.before == one.before and shared.after == one.after
    report = backtest(one)
    assert backtest(shared).model_dump_json() == report.model_dump_json()
    assert report.changed > 0 and report.reshuffled > 0
    assert report.current.by_rule["customer"] > 0


def test_compare__a_lead_whose_matching_fails_goes_to_the_fallback_queue_with_either_jobs(
    monkeypatch: pytest.MonkeyPatch,
):
    leads = arrivals(40)
    index = AccountIndex.build(account_book())
    match = AccountIndex.match

    def failing(self: AccountIndex, lead: Lead) -> object:
        if lead.id in {"lead-3", "lead-30"}:  # one in each process's half
            raise ValueError("a matcher bug")
        return match(self, lead)

    def sides() -> list[Setup]:
        matcher = MatchOnce(index)  # afresh for each comparison, as a command makes it
        return [replace(setup(label), accounts=matcher) for label in ("current", "draft")]

    monkeypatch.setattr(AccountIndex, "match", failing)
    one, two = (compare(leads, *sides(), jobs=jobs) for jobs in (1, 2))

    assert one.before == two.before and one.after == two.after
    failed = [o for o in one.before + one.after if o.rule is None and o.queue == "unrouted"]
    assert len(failed) == 4
