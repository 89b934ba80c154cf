"""`handoffs:`: per stage, the role a lead goes to and its own rules, checked like the policy's."""

from __future__ import annotations

from .factories import HEADER, compile_, problem

RULES = "rules:\n  - {id: catch-all, route: queue unrouted}\n"
SECTION = """\
handoffs:
  - stage: Meeting Booked
    to: ae
    rules:
      - {id: ae, when: employees >= 100, route: pool na}
      - {id: ae-catch-all, route: queue unrouted}
"""


def test_handoffs__compile_by_stage_with_their_rules():
    (handoff,) = compile_(HEADER + SECTION + RULES).handoffs.values()
    assert (handoff.stage, handoff.from_role, handoff.to_role) == ("meeting_booked", "sdr", "ae")
    assert [r.id for r in handoff.rules] == ["ae", "ae-catch-all"]


def test_handoffs__absent_section_has_none():
    assert not compile_(HEADER + RULES).handoffs


def test_handoffs__rules_without_a_catch_all_are_reported_at_their_line():
    text = HEADER + SECTION.replace("      - {id: ae-catch-all, route: queue unrouted}\n", "")
    found = problem(text + RULES)
    assert found.line == 7 and "catch-all" in found.message


def test_handoffs__to_the_same_role_is_reported():
    found = problem(HEADER + SECTION.replace("to: ae", "to: sdr") + RULES)
    assert found.line == 5 and "another role" in found.message


def test_handoffs__two_on_one_stage_are_reported():
    twice = SECTION + SECTION.replace("handoffs:\n", "")
    assert "already defined" in problem(HEADER + twice + RULES).message
