"""Small builders for SLA tests: a team, inline YAML, and a stand-in condition compiler."""

from __future__ import annotations

import io
from datetime import time
from typing import Any

from ruamel.yaml import YAML

from leadrouter.errors import PolicyError, SourceError
from leadrouter.model import Pool, Queue, Rep, Shift, Team
from leadrouter.policy.compiled import Clause, Condition
from leadrouter.sla.policy import SlaPolicy, parse_sla

NINE_TO_FIVE = tuple(Shift(d, time(9), time(17)) for d in range(5))


def team() -> Team:
    reps = {
        "ana": Rep(
            "ana",
            "Ana Souza",
            "ana@acme.example",
            "America/New_York",
            NINE_TO_FIVE,
            manager="maria",
        ),
        "bob": Rep("bob", "Bob Lee", "bob@acme.example", "America/New_York", NINE_TO_FIVE),
        "carl": Rep("carl", "Carl Diaz", "carl@acme.example", "UTC", None, active=False),
        "dina": Rep("dina", "Dina Roy", "dina@acme.example", "UTC", None, manager="maria"),
        "maria": Rep("maria", "Maria Chen", "maria@acme.example"),
    }
    pools = {"na": Pool("na", "North America", ("ana", "bob", "carl", "dina"))}
    queues = {
        "shared": Queue("shared", "Shared leads", fallback=True),
        "nurture": Queue("nurture", "Nurture"),
    }
    return Team(reps, pools, queues)


def equals_compiler(text: str, path: str, line: int, column: int) -> Condition:
    """Understands only `field == "value"`: enough to select SLAs without the policy compiler."""
    name, sep, value = text.partition("==")
    if not sep:
        raise PolicyError([SourceError("<test>", line, column, "unsupported", path)])
    name, value = name.strip(), value.strip().strip("\"'")
    return Condition(text, (Clause(text, (name,), lambda ctx: ctx.get(name) == value),))


def load(text: str) -> Any:
    return YAML().load(io.StringIO(text))["sla"]


def sla(text: str) -> SlaPolicy:
    return parse_sla(load(text), "policy.yaml", compile_condition=equals_compiler, team=team())
