"""A rule's `owner:` terms: when an owner route (`account owner`, `parent owner`, `existing
owner`) may give the lead to the owner it names.

By default an owner keeps their leads after hours and however busy (only availability and a cap
of 0 stop them). `owner:` can ask more: that the owner be a member of a pool (`pool: <id>`), that
their caps hold (`caps: respect`) and that they be at work (`working_hours: respect`). When the
owner does not meet the terms, the route fails like an owner who is away: the rule's `otherwise`
(or the next rule) takes the lead, with the reason in the trace. Load-time only: parsing and
checking against the team, never routing.
"""

from __future__ import annotations

from dataclasses import dataclass

from leadrouter.model import Team
from leadrouter.policy.source import Document, Node

_KEYS = ("pool", "caps", "working_hours")
_RESPECT = ("respect", "ignore")


@dataclass(frozen=True, slots=True)
class OwnerTerms:
    """What an owner must meet to get the lead: pool membership, caps, working hours."""

    pool: str | None = None  # the owner must be a member of this pool
    caps: bool = False  # respect the owner's caps (max_open, daily and period caps)
    hours: bool = False  # respect the owner's working hours

    def __str__(self) -> str:
        parts = [f"member of pool {self.pool}"] if self.pool else []
        parts += ["under their caps"] if self.caps else []
        parts += ["at work"] if self.hours else []
        return ", ".join(parts) or "no terms"


def parse_owner_terms(doc: Document, node: Node, team: Team) -> OwnerTerms | None:
    """The `owner:` mapping of a rule, or None when it has problems (reported to `doc`)."""
    keys = doc.mapping(node, optional=_KEYS)
    if keys is None:
        return None
    mark = doc.mark()
    pool = None
    if "pool" in keys:
        pool = doc.text(keys["pool"], "a pool id")
        if pool is not None and not doc.reference(keys["pool"], pool, team.pools, "pool"):
            pool = None
    caps = doc.choice(keys["caps"], _RESPECT) if "caps" in keys else "ignore"
    hours = doc.choice(keys["working_hours"], _RESPECT) if "working_hours" in keys else "ignore"
    if doc.failed_since(mark):
        return None
    return OwnerTerms(pool, caps == "respect", hours == "respect")
