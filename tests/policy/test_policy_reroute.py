"""`reroute:`: which changes to a routed lead route it again, compiled with the rest of the
policy (errors at their line and column) and judged purely."""

from __future__ import annotations

from leadrouter.policy.reroute import changed_fields, lead_state, verdict

from .factories import HEADER, compile_, problem

RULES = "rules:\n  - {id: catch-all, route: queue unrouted}\n"
SECTION = """\
mql_threshold: 50
reroute:
  - id: became-mql
    when: mql and changed contains "mql"
    from: [nurture, queue]
  - id: bigger
    when: changed contains "employees" and employees >= 1000
    from: [queue, review, owned]
"""


def _policy():
    return compile_(HEADER + SECTION + RULES).reroute


def test_reroute__compiles_triggers_in_order_with_their_states():
    policy = _policy()
    assert [t.id for t in policy.triggers] == ["became-mql", "bigger"]
    assert policy.triggers[0].states == {"nurture", "queue"}


def test_reroute__absent_section_is_none_and_keeps_the_built_in_rule():
    assert compile_(HEADER + RULES).reroute is None
    moved = verdict(None, "queue", {"changed": ("email",)}, place="queue unrouted")
    kept = verdict(None, "owned", {"changed": ("email",)}, owner="ana")
    assert moved.reroute and "waiting in queue unrouted" in moved.reason
    assert not kept.reroute and "ana, who keeps it" in kept.reason


def test_reroute__score_crossing_the_mql_threshold_moves_a_nurtured_lead():
    policy = _policy()
    crossed = verdict(policy, "nurture", {"mql": True, "changed": ("mql", "score")})
    already = verdict(policy, "nurture", {"mql": True, "changed": ("score",)})
    assert crossed.reroute and crossed.trigger == "became-mql"
    assert "became-mql" in crossed.reason
    assert not already.reroute and "meets no reroute trigger" in already.reason


def test_reroute__an_owned_lead_moves_only_when_a_trigger_names_owned():
    policy = _policy()
    ctx = {"employees": 5000.0, "mql": True, "changed": ("employees", "mql")}
    assert verdict(policy, "owned", ctx, owner="ana").trigger == "bigger"
    assert not verdict(policy, "nurture", {**ctx, "mql": False}).reroute


def test_reroute__a_touched_lead_never_moves():
    policy = _policy()
    ctx = {"employees": 5000.0, "mql": True, "changed": ("employees", "mql")}
    for section in (policy, None):
        judged = verdict(section, lead_state("rep", touched=True), ctx, owner="bob")
        assert not judged.reroute and "touched by bob" in judged.reason


def test_reroute__changed_fields_are_the_entries_that_moved():
    assert changed_fields({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == ("b", "c")


def test_reroute__unknown_state_is_reported_at_its_line_and_column():
    text = HEADER + "reroute:\n  - {id: x, from: [queue, parked]}\n" + RULES
    found = problem(text)
    assert (found.line, found.column) == (4, 27)
    assert "parked" in found.message


def test_reroute__touched_state_is_refused_with_why():
    found = problem(HEADER + "reroute:\n  - {id: x, from: touched}\n" + RULES)
    assert found.line == 4 and "never re-routes" in found.message


def test_reroute__a_condition_error_is_reported_in_the_trigger():
    found = problem(HEADER + "reroute:\n  - id: x\n    when: changed contains\n" + RULES)
    assert found.line == 5


def test_reroute__duplicate_trigger_ids_are_reported():
    text = HEADER + "reroute:\n  - {id: x}\n  - {id: x}\n" + RULES
    assert "duplicate reroute trigger 'x'" in problem(text).message
