"""Generated rule code agrees with the closures it was written beside, on any policy and lead.

Random policies mix every kind of clause (text in any case, sets, territories by country, state
and postal code, ranges, true/false fields, lists, missing fields, not/or) over enough rules for
the generated code to dispatch on the lead's country and segment; random leads leave fields out.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadrouter.model import RuleCheck
from leadrouter.normalize import normalize_lead
from leadrouter.policy import (
    codegen,
    compile_policy,
    inline_scan,
    load_policy,
    load_team,
    rule_trace,
)
from leadrouter.policy.scan import Generated
from tests.policy.factories import team
from tests.policy.test_policy_scan import plain_check, rule_by_rule, scanned

ACME = Path(__file__).parents[2] / "examples" / "acme"

PREAMBLE = """\
version: "1"
fallback_queue: unrouted
fields: {segment: string, pages_viewed: number, vip: bool}
sets:
  EMEA: [GB, DE, FR, Spain]
  APAC: [JP, SG, AU]
  hot: [FinTech, banking, SaaS]
  sizes: [10, 50, 1000]
territories:
  us_west: {countries: [US], states: [CA, WA, OR]}
  us_zip: {countries: [US], postal_codes: ["97*", "98000-98999", "10001"]}
  dach: {countries: [DE, AT, CH]}
  anywhere_94: {postal_codes: ["94*"]}
rules:
"""

CLAUSES = [
    "country in EMEA",
    "country in APAC",
    "country not in EMEA",
    'country == "US"',
    'country != "DE"',
    "us_west",
    "us_zip",
    "dach",
    "anywhere_94",
    'segment == "SMB"',
    'segment == "enterprise"',
    'segment in ["mid", "Enterprise"]',
    "segment is missing",
    "industry in hot",
    'industry contains "tech"',
    'industry starts with "BAN"',
    'industry ends with "care"',
    'industry matches "^(saas|retail)$"',
    "employees >= 1000",
    "employees < 50",
    "employees in sizes",
    "employees not in [10, 50]",
    "employees == 50",
    "pages_viewed > 4",
    "pages_viewed is present",
    "vip",
    "not vip",
    "vip == false",
    'product_interest contains "API"',
    'product_interest in ["sso", "billing"]',
    "(country in APAC or employees >= 1000)",
    'not (segment == "smb" and pages_viewed <= 2)',
    "employees > pages_viewed",
    "state == state",
]

LEADS = st.fixed_dictionaries(
    {},
    optional={
        "country": st.sampled_from(["US", "GB", "DE", "ES", "JP", "AT", "BR"]),
        "state": st.sampled_from(["US-CA", "US-NY", "US-WA"]),
        "postal_code": st.sampled_from(["97201", "98101", "981", "10001", "94105", "w1a 1aa"]),
        "segment": st.sampled_from(["smb", "SMB", "Enterprise", "mid", "other"]),
        "industry": st.sampled_from(["fintech", "FinTech", "banking", "healthcare", "saas"]),
        "employees": st.sampled_from([1.0, 10.0, 49.0, 50.0, 999.0, 1000.0, 20000.0]),
        "pages_viewed": st.sampled_from([0.0, 2.0, 5.0, 1000.0]),
        "vip": st.booleans(),
        "product_interest": st.sampled_from([(), ("api",), ("SSO", "crm"), ("Billing",)]),
    },
)


def random_policy(draw: Any) -> str:
    count = draw(st.integers(min_value=1, max_value=60))
    lines = []
    for i in range(count):
        picked = draw(st.lists(st.sampled_from(CLAUSES), min_size=1, max_size=3, unique=True))
        when = " and ".join(picked).replace("'", "''")
        lines.append(f"  - {{id: r{i}, when: '{when}', route: pool na}}")
    lines.append("  - {id: catch-all, route: queue unrouted}")
    return PREAMBLE + "\n".join(lines) + "\n"


class _Every(frozenset[str]):
    """Every field: casefolded on first use only, whatever the rules read first."""

    def __contains__(self, field: object) -> bool:
        return True


# One inline function (its trace in locals, then in a list past a few entries); plans; each
# with text fields casefolded up front or on first use as the rules make worth it, or every one
# on first use (the dispatch's field too).
@pytest.mark.parametrize(
    ("inline_up_to", "held_in_locals", "all_lazy"),
    [(300, 48, False), (300, 3, False), (0, 48, False), (300, 48, True), (0, 48, True)],
)
@given(data=st.data())
@settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])
def test_generated_scan__agrees_with_the_closures_on_random_policies_and_leads(
    inline_up_to: int, held_in_locals: int, all_lazy: bool, data: Any
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(inline_scan, "INLINE_UP_TO", inline_up_to)
        patch.setattr(inline_scan, "HELD_IN_LOCALS", held_in_locals)
        if all_lazy:
            patch.setattr(codegen, "lazy_folds", lambda rules: _Every())
        policy = compile_policy(random_policy(data.draw), "policy.yaml", team())
        for ctx in data.draw(st.lists(LEADS, min_size=1, max_size=25)):
            assert scanned(policy, ctx) == rule_by_rule(policy, ctx)
            expected = next(i for i, r in enumerate(policy.rules) if plain_check(r, ctx).matched)
            assert policy.scan.code.first(ctx) == expected


@given(st.data())
@settings(deadline=None, max_examples=30, suppress_health_check=[HealthCheck.too_slow])
def test_rule_trace__past_its_plan_bounds_gives_the_same_traces(data: Any) -> None:
    # Room for one plan, dropping a key field at each refill: the leads' keys churn the plans.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rule_trace, "MIN_PLANS", 1)
        patch.setattr(rule_trace, "MAX_PLANS", 1)
        patch.setattr(rule_trace, "REFILLS", 1)
        patch.setattr(rule_trace, "KEY_SHARE", 1_000)
        patch.setattr(inline_scan, "INLINE_UP_TO", 0)
        policy = compile_policy(random_policy(data.draw), "policy.yaml", team())
        for ctx in data.draw(st.lists(LEADS, min_size=1, max_size=25)):
            assert scanned(policy, ctx) == rule_by_rule(policy, ctx)


def test_rule_trace__keys_on_the_most_pinned_fields_and_leaves_open_only_what_they_allow(
    monkeypatch: Any,
) -> None:
    monkeypatch.setattr(inline_scan, "INLINE_UP_TO", 0)
    policy = compile_policy(
        PREAMBLE
        + "".join(
            f"  - {{id: r{i}, when: 'country in EMEA and segment == \"smb\" and employees >= {i}'"
            ", route: pool na}\n"
            for i in range(30)
        )
        + "  - {id: catch-all, route: queue unrouted}\n",
        "policy.yaml",
        team(),
    )
    tracer = policy.scan.code.tracer
    assert tracer is not None
    assert tracer.fields == ("country", "segment")

    trace = tracer.trace({"country": "JP", "segment": "smb", "employees": 5.0}, 30)

    assert [check.clause for check in trace[:30]] == ["country in EMEA"] * 30
    assert trace == rule_by_rule(policy, {"country": "JP", "segment": "smb", "employees": 5.0})[0]


def _acme_policy() -> Any:
    return load_policy(ACME / "policy.yaml", load_team(ACME / "team.yaml"))


def _acme_contexts() -> list[dict[str, Any]]:
    policy = _acme_policy()
    with (ACME / "leads.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[:400]
    contexts = []
    for i, row in enumerate(rows):
        ctx = dict(normalize_lead(row, policy.custom_fields).fields)
        # What the engine adds: an account match on some leads, a duplicate on others, a score.
        ctx["account.matched"] = i % 3 == 0
        if i % 3 == 0:
            ctx.update(
                {
                    "account.type": ["customer", "partner", "prospect"][i % 9 // 3],
                    "account.ultimate_parent": f"acct-{i % 7}",
                    "match.strong": i % 2 == 0,
                }
            )
            if i % 4:
                ctx["account.owner"] = "olivia"
        ctx["duplicate"] = i % 5 == 0
        if i % 10 == 0:
            ctx["existing.owner"] = "jack"
        score = policy.scoring.score(ctx)
        ctx.update({"score": score.total, "fit_score": score.fit, "behavior_score": score.behavior})
        ctx["mql"] = score.mql
        contexts.append(ctx)
    return contexts


@pytest.mark.parametrize("inline_up_to", [300, 0])  # one inline function; plans
def test_generated_code__agrees_with_the_closures_on_every_rule_of_the_acme_policy(
    inline_up_to: int, monkeypatch: Any
) -> None:
    monkeypatch.setattr(inline_scan, "INLINE_UP_TO", inline_up_to)
    policy = _acme_policy()
    contexts = _acme_contexts()
    for rule in policy.rules:
        alone = Generated((rule,), (RuleCheck(rule.id, True),))
        for ctx in contexts:
            found, entries = alone.scan(ctx)
            expected = plain_check(rule, ctx)
            assert (found is rule) is expected.matched, (rule.id, ctx)
            assert entries == (expected,)
    for ctx in contexts:
        assert scanned(policy, ctx) == rule_by_rule(policy, ctx)
