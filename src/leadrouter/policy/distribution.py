"""What a policy's `distribution:` section compiles to: who in a pool may take which lead.

Pool rules (an eligibility condition over the lead and the candidate rep, a fallback when no
available member is eligible, priority tiers), per-rep rules (`takes`: the only leads a rep
takes; `prefers`: leads a rep gets before the others), capacity-weighted splits between teams
(pools), and the seed that breaks exact ties. Values only: `policy/distribution_section.py`
builds them, `distribute/` applies them. Nothing here does I/O or reads the clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from leadrouter.model import EMPTY, Rep

if TYPE_CHECKING:
    from leadrouter.policy.compiled import Condition

# Rep fields every condition may read as `rep.<name>`, beside the team's custom attributes.
REP_LIST_FIELDS = ("languages", "skills")
REP_TEXT_FIELDS = ("id", "name", "email", "timezone")


@dataclass(frozen=True, slots=True)
class PoolRules:
    """How one pool filters and orders its members for a lead."""

    eligible: Condition | None = None  # None: every member is eligible
    # When no available member is eligible: None = nobody (the pool is exhausted), a Condition
    # (its `always` = everyone available).
    otherwise: Condition | None = None
    priority: Mapping[str, int] = field(default_factory=lambda: EMPTY)  # rep -> tier, default 0
    calibrate: bool = True  # newcomers and returning reps start at the others' average


@dataclass(frozen=True, slots=True)
class RepRules:
    """One rep's own conditions, in every pool they belong to."""

    takes: Condition | None = None  # the rep takes only leads for which this holds
    prefers: Condition | None = None  # the rep gets leads for which this holds first


@dataclass(frozen=True, slots=True)
class Split:
    """A capacity-weighted split of leads between teams (pools): `route: split <id>`."""

    id: str
    teams: tuple[tuple[str, int], ...]  # (pool id, capacity), as written


@dataclass(frozen=True, slots=True)
class Distribution:
    seed: int = 0
    pools: Mapping[str, PoolRules] = field(default_factory=lambda: EMPTY)
    reps: Mapping[str, RepRules] = field(default_factory=lambda: EMPTY)
    splits: Mapping[str, Split] = field(default_factory=lambda: EMPTY)


NO_DISTRIBUTION = Distribution()
DEFAULT_POOL_RULES = PoolRules()


def rep_fields(rep: Rep) -> dict[str, Any]:
    """The rep as conditions read it: `rep.<name>` keys, values typed like lead fields."""
    fields: dict[str, Any] = {
        "rep.id": rep.id,
        "rep.name": rep.name,
        "rep.email": rep.email,
        "rep.timezone": rep.timezone,
        "rep.languages": tuple(sorted(rep.languages)),
        "rep.skills": tuple(sorted(rep.skills)),
    }
    for name, value in rep.attributes.items():
        fields[f"rep.{name}"] = value
    return fields


class Candidate:
    """A lead's context seen with one candidate rep: `rep.x` reads the rep, `lead.x` (or a bare
    name) reads the lead. The one mapping method conditions use is `get`."""

    __slots__ = ("lead", "rep")

    def __init__(self, lead: Mapping[str, Any], rep: Mapping[str, Any]) -> None:
        self.lead = lead
        self.rep = rep

    def get(self, key: str, default: Any = None) -> Any:
        if key.startswith("rep."):
            return self.rep.get(key, default)
        if key.startswith("lead."):
            return self.lead.get(key[5:], default)
        return self.lead.get(key, default)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __getitem__(self, key: str) -> Any:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value
