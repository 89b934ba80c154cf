"""CompiledRule.check: the trace entry of one rule, the same whether built fresh or remembered."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from leadrouter.model import RuleCheck
from leadrouter.policy.compiled import CompiledRule, Condition, Route, RouteKind
from tests.policy.factories import condition

WHEN = 'country in ["US", "CA"] and employees >= 50 and industry == "fintech"'


def _rule(when: str = WHEN) -> CompiledRule:
    return CompiledRule("r", condition(when), Route(RouteKind.POOL, "na"))


def _expected(cond: Condition, ctx: dict[str, Any]) -> RuleCheck:
    """What the trace says about a rule, written the plain way."""
    failed = cond.first_false(ctx)
    if failed < 0:
        return RuleCheck("r", True)
    clause = cond.clauses[failed]
    return RuleCheck(
        "r",
        False,
        clause.source,
        tuple(f for f in clause.fields if f not in ctx),
        tuple((f, ctx[f]) for f in clause.fields if f in ctx),
    )


def test_check__names_the_first_false_clause_with_missing_fields_and_values() -> None:
    rule = _rule()

    check = rule.check({"country": "US", "industry": "banking"})

    assert check == RuleCheck("r", False, "employees >= 50", ("employees",), ())
    assert rule.check({"country": "DE"}).values == (("country", "DE"),)


def test_check__a_matching_rule_says_matched_and_nothing_else() -> None:
    check = _rule().check({"country": "CA", "employees": 80.0, "industry": "fintech"})

    assert check == RuleCheck("r", True)


def test_check__remembered_entries_never_leak_between_values() -> None:
    rule = _rule()

    first = rule.check({"country": "US", "employees": 10.0})
    again = rule.check({"country": "US", "employees": 10.0})
    other = rule.check({"country": "US", "employees": 20.0})

    assert again is first  # built once
    assert other.values == (("employees", 20.0),)


def test_check__a_clause_over_a_unique_field_keeps_a_bounded_memo() -> None:
    rule = _rule('email ends with "@acme.com"')

    for i in range(5000):
        check = rule.check({"email": f"jo{i}@other.com"})
        assert check.values == (("email", f"jo{i}@other.com"),)

    assert len(rule._steps[0][2]) <= 256


def test_check__territory_clauses_report_every_field_they_read() -> None:
    preamble = "territories:\n  west: {countries: [US], states: [US-CA], postal_codes: ['97*']}\n"
    rule = CompiledRule("r", condition("west", preamble), Route(RouteKind.POOL, "na"))

    check = rule.check({"country": "US", "state": "US-NY"})

    assert check.missing == ("postal_code",)
    assert check.values == (("country", "US"), ("state", "US-NY"))


_CONTEXTS = st.fixed_dictionaries(
    {},
    optional={
        "country": st.sampled_from(["US", "CA", "DE", "JP"]),
        "employees": st.sampled_from([1.0, 49.0, 50.0, 5000.0]),
        "industry": st.sampled_from(["fintech", "banking", "saas"]),
    },
)


@given(st.lists(_CONTEXTS, min_size=1, max_size=30))
def test_check__equals_the_plain_trace_entry_for_any_sequence_of_leads(
    contexts: list[dict[str, Any]],
) -> None:
    rule = _rule()
    for ctx in contexts:
        assert rule.check(ctx) == _expected(rule.condition, ctx)
