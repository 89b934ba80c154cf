"""The unit of work of every write that routes a stored lead: intake, sweep, reroute, change,
hand-off. One transaction, optimistic first; again when routing finds the configuration moved
(built outside routing's turn in between); and, when another writer moved a state row it read,
once more locking every state row before reading, so that attempt cannot lose.

`lock_lead` is how any of them (and an outcome, a manual assignment) takes the lead's row for
the rest of its transaction. Nothing here decides: the work passed in does
(`leads/routing.py`, `leads/placement.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from leadrouter.errors import NotFound
from leadrouter.leads.models import LeadRow
from leadrouter.leads.rotation import StateMoved
from leadrouter.leads.routing import ConfigMoved
from leadrouter.policies.snapshot import ConfigCache
from leadrouter.store import Database

# Attempts that find the configuration moved since this process built it, each building it
# out of routing's turn; the last attempt builds in turn whatever moved again meanwhile.
CONFIG_ATTEMPTS = 3

Result = TypeVar("Result")
Handle = TypeVar("Handle", Session, Connection)
# The work of one attempt: given the transaction's session (or connection) and whether every
# state row is to be locked before it is read, what it routed.
Work = Callable[[Handle, bool], Result]


def write(*, db: Database, cache: ConfigCache, work: Work[Session, Result]) -> Result:
    """Run routing `work` in an ORM transaction, committed on return (see the module)."""
    return _attempts(db.write, work, _refresher(db, cache))


def write_lazy(*, db: Database, cache: ConfigCache, work: Work[Connection, Result]) -> Result:
    """Run routing `work` on a connection, committed lazily: the caller waits for the disk
    (`Database.wait_for_disk`) before it tells anyone (the intake's batches)."""
    return _attempts(
        lambda attempt: db.write_core(attempt, lazy_commit=True), work, _refresher(db, cache)
    )


def lock_lead(session: Session, lead_id: str) -> LeadRow:
    """The lead's row, locked to the end of the transaction and read afresh; NotFound."""
    lead = session.scalar(
        select(LeadRow)
        .where(LeadRow.id == lead_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if lead is None:
        raise NotFound(f"lead '{lead_id}' not found")
    return lead


def _attempts(
    write: Callable[[Callable[[Handle], Result]], Result],
    work: Work[Handle, Result],
    refresh: Callable[[], object],
) -> Result:
    for _ in range(CONFIG_ATTEMPTS):
        try:
            return write(lambda handle: work(handle, False))
        except StateMoved:
            break
        except ConfigMoved:
            # Built here, out of routing's turn, which the other processes wait for.
            refresh()
    # Another request changed a rotation row this decision rested on (or the configuration
    # kept moving); this attempt locks every state row before reading, so it cannot be
    # overtaken.
    return write(lambda handle: work(handle, True))


def _refresher(db: Database, cache: ConfigCache) -> Callable[[], object]:
    """What builds the configuration for routing when it finds it moved; run at once when this
    process has none yet, so that its first routing takes no turn in vain."""

    def refresh() -> None:
        with db.read() as session:
            cache.get(session)

    if cache.latest() is None:
        refresh()
    return refresh
