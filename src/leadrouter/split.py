"""An A/B split of live routing: which arm (policy version, or team with a pool's strategy) decides
a lead.

The arm is a deterministic hash of the experiment id and the lead's identity (its email, else
its phone, else its name at its company, else its id), so a retry or a duplicate of a lead lands
in the same arm as the first, and the same lead always gets the same arm in a replay. Each arm
has a share; the hash is spread uniformly over [0, 1) and cut at the cumulative shares. Pure: no
clock (the split is active when `start <= now < end`), no randomness.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from leadrouter.matching import DedupeKeys
from leadrouter.model import Lead, Team
from leadrouter.policy.compiled import CompiledPolicy

_SCALE = float(1 << 64)


@dataclass(frozen=True, slots=True)
class Arm:
    name: str  # "a", "b", ...
    share: float  # 0 < share <= 1; the shares of a split add up to 1
    policy: CompiledPolicy
    team: Team | None = None  # another team to route with (a pool's strategy): None, the live one


@dataclass(frozen=True, slots=True)
class Split:
    """A running A/B test: its arms, and when it runs ([start, end); end None: until stopped)."""

    id: str
    arms: tuple[Arm, ...]
    start: datetime
    end: datetime | None = None

    def active(self, now: datetime) -> bool:
        return self.start <= now and (self.end is None or now < self.end)

    def arm_for(self, identity: str) -> Arm:
        """The arm of a lead whose identity is `identity` (see `identity`)."""
        point = position(self.id, identity)
        cumulative = 0.0
        for arm in self.arms:
            cumulative += arm.share
            if point < cumulative:
                return arm
        return self.arms[-1]


def position(experiment: str, identity: str) -> float:
    """Where the hash of the experiment and the lead's identity falls in [0, 1)."""
    digest = hashlib.blake2b(f"{experiment}\x1f{identity}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / _SCALE


def identity(lead: Lead, keys: DedupeKeys) -> str:
    """What makes two leads the same person for the split: the keys dedupe finds them by."""
    if keys.email_key:
        return f"e:{keys.email_key}"
    if keys.phone:
        return f"p:{keys.phone}"
    if keys.name_key:
        return f"n:{keys.name_key}"
    return f"i:{lead.id or ''}"
