"""The config-version counters: one row per part of the configuration (the team, the policy, the
accounts), each bumped in the same transaction as any change to that part.

Processes cache what they compile from the configuration (the routing snapshot) and compare
these counters once per routing transaction to know which part to rebuild: a rep's edit moves
the team's counter only, so nobody rebuilds the account index or recompiles the policy for it.
The accounts counter also stamps each account row it changed (`accounts.changed_in`), so a
process holding version n reads only the rows changed since. It never holds config.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from leadrouter.store.base import Base


class Part(IntEnum):
    """A part of the configuration: the id of its counter row."""

    TEAM = 1  # reps, pools, queues (the row every version before parts counted in)
    POLICY = 2  # which policy version is active
    ACCOUNTS = 3


# The audit log's entity names, for the counter each kind of row moves.
PART_OF_ENTITY = {
    "rep": Part.TEAM,
    "pool": Part.TEAM,
    "queue": Part.TEAM,
    "policy": Part.POLICY,
    "account": Part.ACCOUNTS,
}


@dataclass(frozen=True, slots=True)
class ConfigVersions:
    """The counters of every part, as read together."""

    team: int = 0
    policy: int = 0
    accounts: int = 0

    @classmethod
    def of(cls, counters: dict[int, int]) -> ConfigVersions:
        """From {part id: counter} (a part without its row counts as 0)."""
        return cls(*(counters.get(part, 0) or 0 for part in Part))


class ConfigVersion(Base):
    __tablename__ = "config_version"

    id: Mapped[int] = mapped_column(primary_key=True)  # a Part
    version: Mapped[int] = mapped_column(default=0)


_COUNTERS = ConfigVersion.__table__


def read_config_version(session: Session) -> ConfigVersions:
    """The current counters; all 0 on a database where nothing was configured yet."""
    rows = session.execute(select(ConfigVersion.id, ConfigVersion.version))
    return ConfigVersions.of({part: counter for part, counter in rows})


def bump_config_version(session: Session, *parts: Part) -> int:
    """Mark `parts` of the configuration changed (every part when none is named); call inside
    the transaction that changes them. Returns the new counter of the last part bumped."""
    # The migrations insert the rows, so an UPDATE is all it takes (and it row-locks,
    # serializing concurrent changes of one part until commit: counters commit in order, which
    # is what lets a reader of `accounts.changed_in` miss nothing).
    counter = 0
    for part in sorted(parts or Part):  # one order for every writer: no cycle of waits
        counter = session.execute(
            update(_COUNTERS)
            .where(_COUNTERS.c.id == part)
            .values(version=_COUNTERS.c.version + 1)
            .returning(_COUNTERS.c.version)
        ).scalar_one()
    return counter
