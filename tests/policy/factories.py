"""Small builders for policy tests: a team, inline policies, and their problems or conditions."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from functools import cache
from typing import Any

import pytest

from leadrouter.errors import PolicyError, SourceError
from leadrouter.model import Team
from leadrouter.policy import compile_policy, parse_team
from leadrouter.policy.compiled import CompiledPolicy, Condition

TEAM = """\
reps:
  - {id: ana, name: Ana Souza, email: ana@acme.example, backup: bob}
  - {id: bob, name: Bob Stone, email: bob@acme.example}
pools:
  - {id: na, members: [ana, bob]}
queues:
  - {id: unrouted, fallback: true}
  - {id: nurture}
"""

# Two lines, so the first line of a body passed to `policy` is line 3.
HEADER = 'version: "1"\nfallback_queue: unrouted\n'
CATCH_ALL = "  - {id: catch-all, route: queue unrouted}\n"


@cache
def team() -> Team:
    return parse_team(TEAM, "team.yaml")


def yaml(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def compile_(text: str) -> CompiledPolicy:
    return compile_policy(yaml(text), "policy.yaml", team())


def problems(text: str) -> list[SourceError]:
    with pytest.raises(PolicyError) as raised:
        compile_(text)
    return raised.value.errors


def problem(text: str) -> SourceError:
    """The one problem a policy has; fails the test if it has none or several."""
    found = problems(text)
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def team_problem(text: str) -> SourceError:
    with pytest.raises(PolicyError) as raised:
        parse_team(yaml(text), "team.yaml")
    assert len(raised.value.errors) == 1, str(raised.value)
    return raised.value.errors[0]


def when_policy(when: str, preamble: str = "") -> str:
    """A policy whose first rule has `when`, written as a double-quoted YAML scalar on line 3+."""
    quoted = when.replace("\\", "\\\\").replace('"', '\\"')
    return (
        HEADER + preamble + f'rules:\n  - {{id: r, route: pool na, when: "{quoted}"}}\n' + CATCH_ALL
    )


def condition(when: str, preamble: str = "") -> Condition:
    return compile_policy(when_policy(when, preamble), "policy.yaml", team()).rules[0].condition


def when_problem(when: str, preamble: str = "") -> SourceError:
    with pytest.raises(PolicyError) as raised:
        compile_policy(when_policy(when, preamble), "policy.yaml", team())
    assert len(raised.value.errors) == 1, str(raised.value)
    return raised.value.errors[0]


# `when:` starts at this column of its line in `when_policy`, after the opening quote.
WHEN_COLUMN = len('  - {id: r, route: pool na, when: "') + 1


def holds(when: str, preamble: str = "", **fields: Any) -> bool:
    """Whether `when` holds for a lead context with `fields` (dots written as __)."""
    ctx: Mapping[str, Any] = {key.replace("__", "."): value for key, value in fields.items()}
    return condition(when, preamble).first_false(ctx) == -1
