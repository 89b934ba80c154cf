"""The `distribution:` section and rep attributes: every new key validated with its file, line
and column, and the conditions over the candidate rep type-checked like any other."""

from __future__ import annotations

import pytest

from tests.policy.factories import CATCH_ALL, HEADER, compile_, problem, problems, team_problem

RULES = "rules:\n" + CATCH_ALL


def _where(text: str) -> tuple[int, int, str]:
    error = problem(HEADER + text + RULES)
    return error.line, error.column, error.message


def test_distribution__a_valid_section_compiles_every_part() -> None:
    policy = compile_(
        HEADER
        + "distribution:\n"
        + "  seed: 5\n"
        + "  pools:\n"
        + "    na:\n"
        + "      eligible: rep.languages contains lead.language\n"
        + "      otherwise_eligible: everyone\n"
        + "      priority: {ana: 2}\n"
        + "      calibrate: false\n"
        + "  reps:\n"
        + '    bob: {takes: score >= 20, prefers: industry == "fintech"}\n'
        + "  splits:\n"
        + "    world: {na: 3}\n"
        + 'rules:\n  - {id: s, when: country == "US", route: split world}\n'
        + CATCH_ALL
    )
    dist = policy.distribution
    assert dist.seed == 5 and dist.splits["world"].teams == (("na", 3),)
    rules = dist.pools["na"]
    assert rules.eligible is not None and rules.otherwise is not None and rules.otherwise.always
    assert dict(rules.priority) == {"ana": 2} and rules.calibrate is False
    assert dist.reps["bob"].takes is not None and dist.reps["bob"].prefers is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("distribution:\n  sed: 1\n", (4, 3, "unknown key 'sed' (did you mean 'seed'?)")),
        (
            "distribution:\n  seed: -1\n",
            (4, 9, "expected a whole number of at least 0, got the number -1"),
        ),
        ("distribution:\n  pools:\n    nope: {}\n", (5, 5, "unknown pool 'nope'")),
        (
            "distribution:\n  pools:\n    na: {eligble: x}\n",
            (5, 10, "unknown key 'eligble' (did you mean 'eligible'?)"),
        ),
        (
            "distribution:\n  pools:\n    na: {eligible: rep.langs contains language}\n",
            (5, 20, "unknown field 'rep.langs' (did you mean 'rep.languages'?)"),
        ),
        (
            "distribution:\n  pools:\n    na: {eligible: rep.languages == language}\n",
            (5, 34, "cannot compare 'rep.languages' (a list) with 'language' (text)"),
        ),
        (
            "distribution:\n  pools:\n    na: {otherwise_eligible: everyone}\n",
            (5, 30, "'otherwise_eligible' applies only with an 'eligible' condition"),
        ),
        (
            "distribution:\n  pools:\n    na: {priority: {cat: 1}}\n",
            (5, 21, "unknown member of pool na 'cat'"),
        ),
        (
            "distribution:\n  pools:\n    na: {calibrate: 1}\n",
            (5, 21, "expected true or false, got the number 1"),
        ),
        ("distribution:\n  reps:\n    zed: {takes: score > 1}\n", (5, 5, "unknown rep 'zed'")),
        (
            "distribution:\n  reps:\n    ana: {takes: scor > 1}\n",
            (5, 18, "unknown field 'scor' (did you mean 'score'?)"),
        ),
        (
            "distribution:\n  reps:\n    ana: {prefer: x}\n",
            (5, 11, "unknown key 'prefer' (did you mean 'prefers'?)"),
        ),
        ("distribution:\n  splits:\n    w: {nope: 1}\n", (5, 9, "unknown pool 'nope'")),
        (
            "distribution:\n  splits:\n    w: [na]\n",
            (5, 9, "pool na's capacity is the sum of its members' max_open, and ana, bob has none"),
        ),
        (
            "distribution:\n  splits:\n    w: {na: 0}\n",
            (5, 8, "split 'w': every capacity is 0, so no team takes a lead"),
        ),
    ],
)
def test_distribution__each_problem_is_reported_where_it_is_written(
    text: str, expected: tuple[int, int, str]
) -> None:
    line, column, message = _where(text)
    assert (line, column) == expected[:2], message
    assert message.startswith(expected[2])


def test_route_split__names_a_split_of_the_distribution_section() -> None:
    found = problems(
        HEADER + 'rules:\n  - {id: s, when: country == "US", route: split wrld}\n' + CATCH_ALL
    )
    assert [(e.line, e.column, e.message) for e in found] == [(4, 49, "unknown split 'wrld'")]


def test_team__rep_attributes_are_checked_where_written() -> None:
    bad_name = team_problem(
        "reps:\n  - {id: ana, name: A, email: a@x.example, attributes: {Tier: 1}}\n"
    )
    assert (bad_name.line, bad_name.column) == (2, 57)
    assert "cannot name a rep attribute" in bad_name.message
    bad_value = team_problem(
        "reps:\n  - {id: ana, name: A, email: a@x.example, attributes: {tier: {a: 1}}}\n"
    )
    assert (bad_value.line, bad_value.column) == (2, 63)
    mixed = team_problem(
        "reps:\n"
        "  - {id: ana, name: A, email: a@x.example, attributes: {tier: 1}}\n"
        "  - {id: bob, name: B, email: b@x.example, attributes: {tier: gold}}\n"
    )
    assert mixed.line == 3 and "holds text here but a number for rep ana" in mixed.message
    region = team_problem("reps:\n  - {id: ana, name: A, email: a@x.example, region: 12}\n")
    assert (region.line, region.column) == (2, 52)
