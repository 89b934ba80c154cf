"""The `sla:` section, compiled by the policy compiler: shapes accepted, every problem reported
with its position, and `when:` with the same scope as the rules."""

from __future__ import annotations

from datetime import timedelta

import pytest

from leadrouter.errors import PolicyError
from leadrouter.policy.sla import ClockMode, StepKind, Target, TargetKind, parse_duration

from .factories import sla

DEMO = """
sla:
  - id: demo-request
    when: form == "demo_request"
    first_touch: 5m
    escalation:
      - {after: 10m, do: reassign next}
      - {at: 50%, do: remind owner}
      - {at: 100%, do: alert manager}
      - {after: 1h, do: recycle shared}
  - id: high-value
    when: tier == "high"
    first_touch: 15 minutes
    clock: wall
  - id: default
    first_touch: 4h
"""


def test_compile_sla__reads_durations_clock_and_sorts_steps_by_when_they_are_due() -> None:
    policy = sla(DEMO)
    demo, high, default = policy.rules
    assert demo.first_touch == timedelta(minutes=5) and demo.clock is ClockMode.BUSINESS
    assert [(s.kind, s.target) for s in demo.escalation] == [
        (StepKind.REMIND, Target(TargetKind.OWNER)),
        (StepKind.ALERT, Target(TargetKind.MANAGER)),
        (StepKind.REASSIGN, Target(TargetKind.NEXT)),
        (StepKind.RECYCLE, Target(TargetKind.QUEUE, "shared")),
    ]
    assert demo.escalation[0].fraction == 0.5
    assert demo.escalation[1].after == timedelta(0)  # at 100% is the breach itself
    assert high.clock is ClockMode.WALL and high.first_touch == timedelta(minutes=15)
    assert default.condition.always and demo.line == 3


def test_select__takes_the_first_sla_whose_condition_holds() -> None:
    policy = sla(DEMO)
    assert policy.select({"form": "demo_request", "tier": "high"}).id == "demo-request"
    assert policy.select({"tier": "high"}).id == "high-value"
    assert policy.select({}).id == "default"


def test_compile_sla__no_section_means_no_slas() -> None:
    assert sla("").rules == ()


def test_compile_sla__reports_every_problem_with_line_and_column() -> None:
    bad = """
sla:
  - id: a
    first_touch: soon
    clock: lunar
    escalation:
      - {at: 150%, do: remind owner}
      - {after: 5m, do: remind manager}
      - {after: 5m, do: reassign pool ghosts}
      - {at: 10%, after: 5m, do: remind owner}
  - id: a
    first_touch: 1h
    when: form ~ demo
"""
    with pytest.raises(PolicyError) as caught:
        sla(bad)
    lines = [str(e) for e in caught.value.errors]
    assert "policy.yaml:4:18: sla[0].first_touch: not a duration: 'soon'" in lines[0]
    assert any("sla[0].clock: unknown value 'lunar'" in line for line in lines)
    assert any(":7:" in line and "percentage" in line for line in lines)
    assert any("remind takes owner" in line for line in lines)
    assert any("unknown pool 'ghosts'" in line for line in lines)
    assert any("exactly one of" in line for line in lines)
    assert any(":13:" in line and "sla[1].when" in line for line in lines)
    assert any("duplicate SLA id 'a'" in line for line in lines)


def test_compile_sla__rejects_steps_after_recycling() -> None:
    text = """
sla:
  - id: a
    first_touch: 1h
    escalation:
      - {after: 1h, do: recycle shared}
      - {after: 2h, do: alert manager}
"""
    with pytest.raises(PolicyError, match="steps after a move to a queue"):
        sla(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5m", timedelta(minutes=5)),
        ("4h", timedelta(hours=4)),
        ("1h30m", timedelta(minutes=90)),
        ("90 seconds", timedelta(seconds=90)),
        ("2 days", timedelta(days=2)),
        ("0.5h", timedelta(minutes=30)),
    ],
)
def test_parse_duration__reads_units_and_combinations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "5", "five minutes", "5m soon", "m5"])
def test_parse_duration__rejects_text_without_units(text: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)


def test_compile_sla__when_uses_the_rule_condition_language() -> None:
    text = """sla:
  - id: big
    when: employees >= 1000 and not free_email
    first_touch: 5m
  - id: rest
    first_touch: 4h
"""
    policy = sla(text)
    assert policy.select({"employees": 5000.0, "free_email": False}).id == "big"
    assert policy.select({"employees": 5.0, "free_email": False}).id == "rest"


def test_compile_sla__when_may_use_the_policys_sets_and_account_fields() -> None:
    # Refused before SLAs were compiled with the rules: sets were out of the SLA's scope.
    text = """sla:
  - id: emea-customers
    when: country in EMEA and account.type == "customer"
    first_touch: 1h
"""
    (rule,) = sla(text).rules
    assert rule.condition.first_false({"country": "DE", "account.type": "customer"}) == -1
    assert rule.condition.first_false({"country": "US", "account.type": "customer"}) == 0


def test_compile_sla__reports_condition_errors_at_their_position() -> None:
    text = "sla:\n  - id: a\n    when: nosuchfield > 3\n    first_touch: 5m\n"
    with pytest.raises(PolicyError) as caught:
        sla(text)
    (error,) = caught.value.errors
    assert (error.line, error.field) == (3, "sla[0].when") and "nosuchfield" in error.message
