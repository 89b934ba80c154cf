"""What a valid policy compiles to: routes, scoring, test cases, names and the source text."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from leadrouter.errors import PolicyError
from leadrouter.model import FieldType
from leadrouter.policy import load_policy, load_team
from leadrouter.policy.compiled import Route, RouteKind
from tests.policy.factories import TEAM, compile_, team

POLICY = """
version: "2026.11.1"
name: Acme
mql_threshold: 50
fallback_queue: unrouted
fields: {estimated_value: number}
scoring:
  fit:
    - {when: employees >= 1000, points: 30, label: Enterprise size}
  behavior:
    - {when: form == "demo_request" and not free_email, points: 40}
rules:
  - id: owner
    when: account.matched
    route: account owner
    otherwise: backup
  - id: nurture
    when: not mql
    route: nurture nurture
  - id: named
    when: estimated_value > 50k
    route: rep ana
    otherwise: pool na
  - id: catch-all
    route: queue unrouted
tests:
  - name: an enterprise demo request
    lead: {email: jo@big.example, employees: "5,000", tags: [a, b]}
    expect: {rule: owner, kind: rep, owner: ana}
  - name: at a given time
    lead: {email: jo@big.example}
    at: 2026-11-24T17:00:00Z
    expect: {queue: unrouted}
"""


def test_rules__compile_in_order_with_typed_routes_and_their_lines() -> None:
    policy = compile_(POLICY)
    assert [(r.id, r.route, r.otherwise, r.line) for r in policy.rules] == [
        ("owner", Route(RouteKind.ACCOUNT_OWNER), Route(RouteKind.BACKUP), 12),
        ("nurture", Route(RouteKind.NURTURE, "nurture"), None, 16),
        ("named", Route(RouteKind.REP, "ana"), Route(RouteKind.POOL, "na"), 19),
        ("catch-all", Route(RouteKind.QUEUE, "unrouted"), None, 23),
    ]
    assert policy.rules[-1].condition.always


def test_policy__keeps_version_name_fallback_custom_fields_and_text() -> None:
    policy = compile_(POLICY)
    assert (policy.version, policy.name, policy.fallback_queue, policy.source) == (
        "2026.11.1",
        "Acme",
        "unrouted",
        "policy.yaml",
    )
    assert dict(policy.custom_fields) == {"estimated_value": FieldType.NUMBER}
    assert policy.text.startswith('version: "2026.11.1"')


def test_scoring__sums_the_points_of_clauses_that_hold_and_flags_mql() -> None:
    model = compile_(POLICY).scoring
    score = model.score({"employees": 5000.0, "form": "Demo_Request", "free_email": False})
    assert (score.fit, score.behavior, score.mql) == (30.0, 40.0, True)
    assert [line.label for line in score.lines] == [
        "Enterprise size",
        'form == "demo_request" and not free_email',
    ]
    assert not model.score({"form": "demo_request", "free_email": True}).mql


def test_test_cases__keep_the_raw_lead_the_time_and_the_expectations() -> None:
    first, second = compile_(POLICY).tests
    assert dict(first.lead) == {"email": "jo@big.example", "employees": "5,000", "tags": ("a", "b")}
    assert first.at == datetime(2026, 1, 5, 15, tzinfo=UTC)
    assert dict(first.expect) == {"rule": "owner", "kind": "rep", "owner": "ana"}
    assert second.at == datetime(2026, 11, 24, 17, tzinfo=UTC)
    assert (first.line, second.line) == (26, 29)


def test_load_policy_and_team__read_files_and_name_them_in_errors(tmp_path: Path) -> None:
    (tmp_path / "team.yaml").write_text(TEAM)
    (tmp_path / "policy.yaml").write_text('version: "1"\nfallback_queue: nowhere\nrules: []\n')
    loaded = load_team(tmp_path / "team.yaml")
    assert loaded == team()
    with pytest.raises(PolicyError) as raised:
        load_policy(tmp_path / "policy.yaml", loaded)
    assert [str(e) for e in raised.value.errors] == [
        f"{tmp_path / 'policy.yaml'}:2:17: fallback_queue: unknown queue 'nowhere'",
        f"{tmp_path / 'policy.yaml'}:3:8: rules: a policy needs at least one rule",
    ]


def test_missing_file__is_a_policy_error_without_a_position(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as raised:
        load_team(tmp_path / "absent.yaml")
    assert (raised.value.errors[0].line, raised.value.errors[0].column) == (0, 0)


def test_acme_example__compiles() -> None:
    root = Path(__file__).parents[2] / "examples" / "acme"
    policy = load_policy(root / "policy.yaml", load_team(root / "team.yaml"))
    assert policy.rules[-1].condition.always
