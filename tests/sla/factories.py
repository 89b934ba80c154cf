"""Small builders for SLA tests: a team, and inline `sla:` YAML compiled by the policy compiler."""

from __future__ import annotations

from datetime import time

from leadrouter.model import Pool, Queue, Rep, Shift, Team
from leadrouter.policy import compile_policy
from leadrouter.policy.sla import SlaPolicy

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


# The rest of a policy, after the `sla:` text so that its line numbers are the test's own.
REST = """
version: "1"
fallback_queue: shared
fields: {tier: string}
sets: {EMEA: [GB, DE, FR]}
rules:
  - {id: catch-all, route: queue shared}
"""


def sla(text: str) -> SlaPolicy:
    """The SLAs of a policy made of `text` (an `sla:` section) and a catch-all rule."""
    return compile_policy(text + REST, "policy.yaml", team()).sla
