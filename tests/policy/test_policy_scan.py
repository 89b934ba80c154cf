"""CompiledPolicy.scan, first and after: the rules tried for a lead, by generated code, with
the same trace."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadrouter.model import RuleCheck
from leadrouter.policy import codegen, inline_scan, recurrence
from leadrouter.policy.compiled import Clause, CompiledPolicy, CompiledRule, Condition, Route
from leadrouter.policy.compiled import RouteKind as Kind
from tests.policy.factories import compile_

POLICY = """\
version: "1"
fallback_queue: unrouted
sets:
  EMEA: [GB, DE, FR]
rules:
  - {id: big-emea, when: country in EMEA and employees >= 1000, route: pool na}
  - {id: small-emea, when: country in EMEA and employees < 50, route: queue nurture}
  - {id: fintech, when: 'industry == "fintech" and employees >= 1000', route: pool na}
  - {id: us, when: 'country == "US"', route: pool na}
  - {id: emea, when: country in EMEA, route: queue nurture}
  - {id: catch-all, route: queue unrouted}
"""


@pytest.fixture(autouse=True, params=["inline", "plans"])
def scan_kind(request: Any, monkeypatch: Any) -> str:
    """Every test here runs on both ways of scanning: one inline function, and plans."""
    monkeypatch.setattr(inline_scan, "INLINE_UP_TO", 300 if request.param == "inline" else 0)
    return str(request.param)


def plain_check(rule: CompiledRule, ctx: dict[str, Any]) -> RuleCheck:
    """What a rule says of a lead, written the plain way: no memo, no generated code."""
    failed = rule.condition.first_false(ctx)
    if failed == -1:
        return RuleCheck(rule.id, True)
    clause = rule.condition.clauses[failed]
    missing = tuple(f for f in clause.fields if f not in ctx)
    values = tuple((f, ctx[f]) for f in clause.fields if f in ctx)
    return RuleCheck(rule.id, False, clause.source, missing, values)


def rule_by_rule(policy: CompiledPolicy, ctx: dict[str, Any]) -> list[tuple[RuleCheck, ...]]:
    """The trace entries up to each matching rule, one rule at a time."""
    found, checks = [], []
    for rule in policy.rules:
        checks.append(plain_check(rule, ctx))
        if checks[-1].matched:
            found.append(tuple(checks))
    return found


def matches(
    policy: CompiledPolicy, ctx: dict[str, Any]
) -> list[tuple[CompiledRule | None, tuple[RuleCheck, ...]]]:
    """Each rule that holds, as the engine goes on past each, then (None, every entry)."""
    found = [policy.scan.first(ctx)]
    while found[-1][0] is not None:
        found.append(policy.scan.after(ctx, found[-1][1]))
    return found


def scanned(policy: CompiledPolicy, ctx: dict[str, Any]) -> list[tuple[RuleCheck, ...]]:
    return [checks for rule, checks in matches(policy, ctx) if rule is not None]


def _rule(rule_id: str, *clauses: Clause) -> CompiledRule:
    return CompiledRule(rule_id, Condition(rule_id, clauses), Route(Kind.QUEUE, "unrouted"))


def _counted(source: str, calls: list[str], test: Any, **kwargs: Any) -> Clause:
    def counted(ctx: Any) -> bool:
        calls.append(source)
        return bool(test(ctx))

    return Clause(source, kwargs.pop("fields", ("country",)), counted, **kwargs)


def test_matches__a_clause_called_in_several_rules_is_called_once_per_lead() -> None:
    policy = compile_(POLICY)
    calls: list[str] = []
    emea = _counted("country in EMEA", calls, lambda ctx: ctx.get("country") in {"DE", "GB"})
    rules = (_rule("a", emea, policy.rules[0].condition.clauses[1]), _rule("b", emea), _rule("c"))
    fresh = CompiledPolicy("1", "p", rules, policy.scoring, "unrouted")

    found = matches(fresh, {"country": "DE", "employees": 200.0})

    assert calls == ["country in EMEA"]
    assert [rule.id if rule else None for rule, _ in found] == ["b", "c", None]


def test_matches__a_big_policy_tries_only_the_rules_the_leads_country_can_meet() -> None:
    policy = compile_(POLICY)
    calls: list[str] = []
    rules = []
    for i in range(60):
        country = f"c{i % 6}"
        pinned = Clause(
            f"country == {country}",
            ("country",),
            lambda ctx, c=country: ctx.get("country") == c,
            allows=("country", frozenset({country})),
        )
        rules.append(_rule(f"r{i}", pinned, _counted(f"late {i}", calls, lambda ctx: False)))
    rules.append(_rule("catch-all"))
    big = CompiledPolicy("1", "p", tuple(rules), policy.scoring, "unrouted")

    assert big.scan.code.first({"country": "c2"}) == 60
    assert sorted(calls) == sorted(f"late {i}" for i in range(60) if i % 6 == 2)
    calls.clear()
    assert big.scan.code.first({"country": "elsewhere"}) == 60
    assert calls == []


def test_matches__yields_every_matching_rule_in_order_with_the_rules_tried_before_it() -> None:
    policy = compile_(POLICY)

    found = matches(policy, {"country": "DE", "employees": 10.0})

    assert [rule.id if rule else None for rule, _ in found] == [
        "small-emea",
        "emea",
        "catch-all",
        None,
    ]
    assert [c.rule for c in found[1][1]] == [r.id for r in policy.rules[:5]]
    checks = found[-1][1]
    assert [c.rule for c in checks] == [r.id for r in policy.rules]
    assert checks[0] == RuleCheck(
        "big-emea", False, "employees >= 1000", (), (("employees", 10.0),)
    )
    assert checks[2] == RuleCheck("fintech", False, 'industry == "fintech"', ("industry",), ())


def test_first__gives_the_first_rule_that_holds_and_the_rules_tried_before_it() -> None:
    policy = compile_(POLICY)

    first, checks = policy.scan.first({"country": "US"})

    assert first is not None and first.id == "us"
    assert [c.rule for c in checks] == ["big-emea", "small-emea", "fintech", "us"]


def test_matches__leads_with_the_same_values_share_one_trace_once_they_recur() -> None:
    # Entries are kept from their values' second appearance: from then on the trace is shared.
    policy = compile_(POLICY)
    ctx = {"country": "DE", "employees": 10.0}

    first = scanned(policy, ctx)
    second = scanned(policy, dict(ctx))
    third = scanned(policy, dict(ctx))

    assert first == second and second[0] is third[0]


def test_matches__past_its_memo_bounds_gives_the_same_trace(monkeypatch: Any) -> None:
    monkeypatch.setattr(codegen, "ENTRIES_PER_CLAUSE", 1)
    policy = compile_(POLICY)
    for employees in (10.0, 20.0, 5000.0, 10.0):
        for country in ("US", "DE", "JP"):
            ctx = {"country": country, "employees": employees, "industry": "fintech"}
            assert scanned(policy, ctx) == rule_by_rule(policy, ctx)


def test_generated_code__holds_no_text_of_the_policy() -> None:
    policy = compile_(
        """\
        version: "1"
        fallback_queue: unrouted
        fields: {secret_field: string}
        sets:
          odd: ["a'b", 'c"d', "import os"]
        rules:
          - {id: odd-rule, when: 'industry in odd and secret_field == "\\")or(1"', route: pool na}
          - {id: catch-all, route: queue unrouted}
        """
    )
    source = policy.scan.code.source

    for text in ("industry", "secret_field", "import", "a'b", "or(1", "odd-rule", "catch-all"):
        assert text not in source
    ctx = {"industry": "Import OS", "secret_field": '")OR(1'}
    assert scanned(policy, ctx) == rule_by_rule(policy, ctx)


_CONTEXTS = st.fixed_dictionaries(
    {},
    optional={
        "country": st.sampled_from(["US", "GB", "DE", "JP"]),
        "employees": st.sampled_from([1.0, 49.0, 50.0, 1000.0, 5000.0]),
        "industry": st.sampled_from(["fintech", "saas", "FinTech"]),
    },
)


@given(st.lists(_CONTEXTS, min_size=1, max_size=30))
# Compiles a policy per example (slow on a busy machine); the fixture only picks the scan.
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_matches__equals_checking_rule_by_rule_for_any_sequence_of_leads(
    contexts: list[dict[str, Any]],
) -> None:
    policy = compile_(POLICY)
    for ctx in contexts:
        assert scanned(policy, ctx) == rule_by_rule(policy, ctx)


def test_matches__traces_are_the_same_while_the_memo_of_whole_traces_is_skipped(
    monkeypatch: Any,
) -> None:
    # Leads whose traces rarely recur (values never seen) skip the memo for a while.
    monkeypatch.setattr(recurrence, "PROBE", 4)
    monkeypatch.setattr(recurrence, "SKIP", 3)
    policy = compile_(POLICY)
    contexts: list[dict[str, Any]] = [
        {"country": country, "employees": float(employees), "industry": "fintech"}
        for country in ("DE", "US", "JP")
        for employees in range(1, 3_000, 97)
    ]
    skipping = []
    for ctx in contexts + contexts:
        assert scanned(policy, ctx) == rule_by_rule(policy, ctx)
        code = policy.scan.code
        assert policy.scan.first == code.scan  # the engine calls what the code uses now
        skipping.append(code.scan is code._inline if code.tracer is None else code.tracer._skip > 0)
    # It skips, then looks again.
    assert any(skipping) and not all(skipping[skipping.index(True) :])
