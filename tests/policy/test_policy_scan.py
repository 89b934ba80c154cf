"""CompiledPolicy.matches: the rules tried for a lead, each clause evaluated once, same trace."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from leadrouter.model import RuleCheck
from leadrouter.policy import scan
from leadrouter.policy.compiled import CompiledPolicy, CompiledRule
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


def _rule_by_rule(policy: CompiledPolicy, ctx: dict[str, Any]) -> list[tuple[RuleCheck, ...]]:
    """The trace entries up to each matching rule, written the plain way: one rule at a time."""
    found, checks = [], []
    for rule in policy.rules:
        checks.append(rule.check(ctx))
        if checks[-1].matched:
            found.append(tuple(checks))
    return found


def _scanned(policy: CompiledPolicy, ctx: dict[str, Any]) -> list[tuple[RuleCheck, ...]]:
    return [checks for rule, checks in policy.matches(ctx) if rule is not None]


def test_matches__a_clause_written_in_several_rules_is_evaluated_once_per_lead() -> None:
    policy = compile_(POLICY)
    calls: list[str] = []
    clauses = {id(c): c for rule in policy.rules for c in rule.condition.clauses}
    for clause in clauses.values():
        object.__setattr__(clause, "test", _counting(clause.test, clause.source, calls))
    fresh = CompiledPolicy("1", "p", policy.rules, policy.scoring, "unrouted")

    list(fresh.matches({"country": "DE", "employees": 200.0, "industry": "saas"}))

    assert sorted(calls) == sorted(set(calls))
    assert calls.count("country in EMEA") == 1


def _counting(test: Any, source: str, calls: list[str]) -> Any:
    def counted(ctx: Any) -> bool:
        calls.append(source)
        return bool(test(ctx))

    return counted


def test_matches__yields_every_matching_rule_in_order_with_the_rules_tried_before_it() -> None:
    policy = compile_(POLICY)

    found = list(policy.matches({"country": "DE", "employees": 10.0}))

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


def test_matches__stops_where_the_caller_stops() -> None:
    policy = compile_(POLICY)

    first, checks = next(iter(policy.matches({"country": "US"})))

    assert first is not None and first.id == "us"
    assert [c.rule for c in checks] == ["big-emea", "small-emea", "fintech", "us"]


def test_matches__leads_with_the_same_path_and_values_share_one_trace() -> None:
    policy = compile_(POLICY)
    ctx = {"country": "DE", "employees": 10.0}

    first = _scanned(policy, ctx)
    second = _scanned(policy, dict(ctx))

    assert [a is b for a, b in zip(first, second, strict=True)] == [True, True, True]


def test_matches__past_the_trace_bound_traces_are_joined_afresh(monkeypatch: Any) -> None:
    monkeypatch.setattr(scan, "TRACES", 0)
    policy = compile_(POLICY)
    ctx = {"country": "DE", "employees": 10.0}

    first, second = _scanned(policy, ctx), _scanned(policy, ctx)

    assert first == second == _rule_by_rule(policy, ctx)
    assert first[0] is not second[0]


def test_matches__past_its_bounds_gives_the_same_trace(monkeypatch: Any) -> None:
    monkeypatch.setattr(scan, "NODES", 2)
    monkeypatch.setattr(scan, "OUTCOMES_PER_CLAUSE", 1)
    monkeypatch.setattr(scan, "CHECKS_PER_CLAUSE", 1)
    monkeypatch.setattr(scan, "EMITTED_PER_NODE", 1)
    monkeypatch.setattr(scan, "EMITTED", 2)
    policy = compile_(POLICY)
    for employees in (10.0, 20.0, 5000.0, 10.0):
        for country in ("US", "DE", "JP"):
            ctx = {"country": country, "employees": employees, "industry": "fintech"}
            assert _scanned(policy, ctx) == _rule_by_rule(policy, ctx)


_CONTEXTS = st.fixed_dictionaries(
    {},
    optional={
        "country": st.sampled_from(["US", "GB", "DE", "JP"]),
        "employees": st.sampled_from([1.0, 49.0, 50.0, 1000.0, 5000.0]),
        "industry": st.sampled_from(["fintech", "saas"]),
    },
)


@given(st.lists(_CONTEXTS, min_size=1, max_size=30))
@settings(deadline=None)  # compiles a policy per example: slow on a busy machine
def test_matches__equals_checking_rule_by_rule_for_any_sequence_of_leads(
    contexts: list[dict[str, Any]],
) -> None:
    policy = compile_(POLICY)
    for ctx in contexts:
        assert _scanned(policy, ctx) == _rule_by_rule(policy, ctx)


def test_matches__rules_built_by_hand_keep_their_own_clauses() -> None:
    policy = compile_(POLICY)
    # Same texts, compiled separately: the scan cannot know they mean the same, so it asks both.
    other = compile_(POLICY)
    rules = (policy.rules[0], *other.rules[1:])
    mixed = CompiledPolicy("1", "p", rules, policy.scoring, "unrouted")
    ctx = {"country": "GB", "employees": 10.0}

    assert _scanned(mixed, ctx) == _rule_by_rule(mixed, ctx)
    assert isinstance(rules[0], CompiledRule)
