"""The config-version counter: one row, bumped in the same transaction as any change to reps,
pools, queues, accounts or policies.

Processes cache what they compile from the configuration (the routing snapshot) and compare this
counter once per request, one primary-key read, to know when to rebuild. It never holds config.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from leadrouter.store.base import Base

ROW_ID = 1


class ConfigVersion(Base):
    __tablename__ = "config_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)


def read_config_version(session: Session) -> int:
    """The current counter; 0 on a database where nothing was configured yet."""
    value = session.scalar(select(ConfigVersion.version).where(ConfigVersion.id == ROW_ID))
    return value or 0


def bump_config_version(session: Session) -> None:
    """Mark the configuration changed; call inside the transaction that changes it."""
    # The initial migration inserts the row, so an UPDATE is all it takes (and it row-locks,
    # serializing concurrent config changes).
    session.execute(
        update(ConfigVersion)
        .where(ConfigVersion.id == ROW_ID)
        .values(version=ConfigVersion.version + 1)
    )
