"""Parsing the `sla:` section: shapes accepted, every problem reported with its position."""

from __future__ import annotations

from datetime import timedelta

import pytest

from leadrouter.errors import PolicyError
from leadrouter.sla.policy import (
    ClockMode,
    StepKind,
    Target,
    TargetKind,
    load_sla,
    parse_duration,
    parse_sla,
)

from .factories import equals_compiler, sla, team

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


def test_parse_sla__reads_durations_clock_and_sorts_steps_by_when_they_are_due() -> None:
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


def test_parse_sla__no_section_means_no_slas() -> None:
    assert parse_sla(None, "policy.yaml", compile_condition=equals_compiler).rules == ()


def test_parse_sla__reports_every_problem_with_line_and_column() -> None:
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
    assert "policy.yaml:4:5: sla[0].first_touch: not a duration: 'soon'" in lines[0]
    assert any("sla[0].clock: business or wall" in line for line in lines)
    assert any(":7:" in line and "percentage" in line for line in lines)
    assert any("remind takes owner" in line for line in lines)
    assert any("unknown pool 'ghosts'" in line for line in lines)
    assert any("exactly one of" in line for line in lines)
    assert any("sla[1].when: unsupported" in line for line in lines)
    assert any("duplicate SLA id 'a'" in line for line in lines)


def test_parse_sla__rejects_steps_after_recycling() -> None:
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


def test_load_sla__compiles_when_with_the_policy_condition_language() -> None:
    text = """version: "1"
sla:
  - id: big
    when: employees >= 1000 and not free_email
    first_touch: 5m
  - id: rest
    first_touch: 4h
"""
    policy = load_sla(text, "policy.yaml", team())
    assert policy.select({"employees": 5000.0, "free_email": False}).id == "big"
    assert policy.select({"employees": 5.0, "free_email": False}).id == "rest"


def test_load_sla__reports_condition_errors_at_their_position() -> None:
    text = "sla:\n  - id: a\n    when: nosuchfield > 3\n    first_touch: 5m\n"
    with pytest.raises(PolicyError) as caught:
        load_sla(text, "policy.yaml", team())
    (error,) = caught.value.errors
    assert (error.line, error.field) == (3, "sla[0].when") and "nosuchfield" in error.message
