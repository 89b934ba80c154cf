"""Routing's rotation state in the database: the turn routing transactions take, the read of
every pool's rotation, every rep's load and the configuration counters (one statement), and the
versioned write-back of the rows the decisions changed.

On PostgreSQL, routing transactions take turns on an advisory lock held until commit, so two
server processes never decide from the same rotation state. The versions catch any other writer
of state rows (a rep's load moved by an outcome): a mismatch means it committed first, and the
whole transaction is retried (`StateMoved`), the retry locking every state row before reading.
Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    Integer,
    String,
    bindparam,
    func,
    literal,
    null,
    select,
    type_coerce,
    update,
)
from sqlalchemy.orm import Session

from leadrouter.codec import pool_state_json, pool_state_of
from leadrouter.leads import loads
from leadrouter.model import Decision, PoolState, RepLoad, RoutingState
from leadrouter.pools.models import PoolStateRow
from leadrouter.reps.models import RepLoadRow
from leadrouter.store.config_version import ConfigVersion, ConfigVersions
from leadrouter.store.round_trip import Done, Step

_POOL, _REP, _CONFIG = "p", "r", "v"
# The first key of routing's advisory lock on PostgreSQL: an arbitrary constant of our own.
_ROUTING_LOCK_CLASS = 7_406_322


class StateMoved(Exception):
    """A rotation state row changed after routing read it: retry the transaction, locking."""


@dataclass(frozen=True, slots=True)
class StateRead:
    """What routing read in its turn: the configuration counters, the rotation state, and the
    version of each state row."""

    config_version: ConfigVersions
    state: RoutingState
    versions: dict[tuple[str, str], int]  # (_POOL or _REP, id) -> row version read


# Statements are built once: constructing and cache-keying SQLAlchemy statements per call cost
# more than the round trips themselves. Values are bound per execution.
_POOLS = PoolStateRow.__table__
_LOADS = RepLoadRow.__table__

# One statement for everything routing reads that changes per lead; the unused columns of each
# branch are typed NULLs so both databases agree on the union's column types.
_READ_STATE = select(
    type_coerce(literal(_REP), String),
    _LOADS.c.rep_id,
    _LOADS.c.open,
    _LOADS.c.periods,
    _LOADS.c.version,
    _LOADS.c.today,
    _LOADS.c.day,
    type_coerce(null(), String),
).union_all(
    select(
        literal(_POOL),
        _POOLS.c.pool_id,
        _POOLS.c.cursor,
        _POOLS.c.current,
        _POOLS.c.version,
        type_coerce(null(), Integer),
        type_coerce(null(), Date),
        _POOLS.c.period,
    ),
    # Every part's counter, its part in the version column.
    select(
        literal(_CONFIG),
        literal(""),
        ConfigVersion.version,
        null(),
        ConfigVersion.id,
        null(),
        null(),
        null(),
    ),
)
# Routing transactions of one schema take turns: each holds this lock from its first read to its
# commit. Optimistic versions alone let two server processes decide from the same state, and
# the loser redid its whole batch (one batch in ten with two processes, each retry locking every
# state row); waiting a few milliseconds for the other's commit costs less. The key is the
# schema's, so databases of other schemas (test runs) do not wait on each other.
_TAKE_TURN = select(
    func.pg_advisory_xact_lock(literal(_ROUTING_LOCK_CLASS), func.hashtext(func.current_schema()))
)
# Fixed order (pools by id, then reps by id) so two locking retries never wait on each other in
# a cycle; a deadlock PostgreSQL still detects is retried by Database.write.
_LOCK_STATE = (
    select(_POOLS.c.pool_id).order_by(_POOLS.c.pool_id).with_for_update(),
    select(_LOADS.c.rep_id).order_by(_LOADS.c.rep_id).with_for_update(),
)
_MOVE_LOAD = (
    update(_LOADS)
    .where(_LOADS.c.rep_id == bindparam("b_key"), _LOADS.c.open + bindparam("b_delta") >= 0)
    .values(open=_LOADS.c.open + bindparam("b_delta"), version=_LOADS.c.version + 1)
)


def move_load(session: Session, old: str | None, new: str | None) -> None:
    """One open lead fewer for `old` and one more for `new` (a lead changed hands)."""
    connection = session.connection()
    # Reps by id, the order every other writer of load rows follows.
    for rep_id, delta in sorted(((old, -1), (new, 1)), key=lambda pair: pair[0] or ""):
        if rep_id is not None:
            connection.execute(_MOVE_LOAD, {"b_key": rep_id, "b_delta": delta})


def reading(connection: Connection, *, lock: bool) -> list[Step]:
    """Routing's turn, then, with `lock`, every state row locked, then the state: the last step."""
    turn = [Step(_TAKE_TURN)] if connection.dialect.name == "postgresql" else []
    locks = [Step(query) for query in _LOCK_STATE] if lock else []
    return [*turn, *locks, Step(_READ_STATE)]


def read_state(done: Done) -> StateRead:
    """The state `reading`'s last step found."""
    counters: dict[int, int] = {}
    pool_states: dict[str, PoolState] = {}
    rep_loads: dict[str, RepLoad] = {}
    versions: dict[tuple[str, str], int] = {}
    for kind, key, number, current, version, today, day, period in done.rows:
        if kind == _CONFIG:
            counters[version] = number
        elif kind == _POOL:
            pool_states[key] = pool_state_of(number, current, period)
            versions[(_POOL, key)] = version
        else:
            rep_loads[key] = loads.load_from_row(number, today, _as_date(day), current)
            versions[(_REP, key)] = version
    return StateRead(
        ConfigVersions.of(counters), RoutingState(pools=pool_states, loads=rep_loads), versions
    )


def _as_date(value: date | str | None) -> date | None:
    # The union's result types come from its first branch on PostgreSQL; SQLite hands back text.
    return date.fromisoformat(value) if isinstance(value, str) else value


def state_rows(
    read: StateRead, state: RoutingState, decisions: Sequence[Decision]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The new values of the pool and load rows the decisions changed, pools by id, then reps by
    id: the order of a locking read, so no cycle of waits."""
    pools = sorted({pool_id for d in decisions for pool_id in d.effects.pools})
    reps = sorted({d.effects.assigned_rep for d in decisions} - {None})
    pool_rows = [
        _versioned(
            read,
            _POOL,
            pool_id,
            cursor=new.cursor,
            current=pool_state_json(new),
            period=new.period,
        )
        for pool_id, new in ((p, state.pool(p)) for p in pools)
    ]
    load_rows = [
        _versioned(
            read,
            _REP,
            rep,
            open=load.open,
            today=load.today,
            day=load.day,
            periods=loads.periods_of(load),
        )
        for rep, load in ((r, state.load(r)) for r in reps if (_REP, r) in read.versions)
    ]
    return pool_rows, load_rows


def _versioned(read: StateRead, kind: str, key: str, **values: Any) -> dict[str, Any]:
    """The parameters updating state row `key` to `values` if still at the version read."""
    version = read.versions.get((kind, key))
    # Every pool gets its state row when created and a policy naming an unknown pool does not
    # compile, so a missing row is a version mismatch too.
    if version is None:
        raise StateMoved
    return {**values, "version": version + 1, "b_key": key, "b_version": version}
