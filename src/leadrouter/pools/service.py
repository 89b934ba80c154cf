"""Pools: create, update, list, and the conversion between rows and the core's `Pool`.

Members must be known reps; every change is audited and bumps the config version.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadrouter.codec import pool_state_of
from leadrouter.config_table import ConfigTable
from leadrouter.errors import FieldProblem, LeadValidationError
from leadrouter.model import Fairness, Overflow, Pool, Strategy, WhenFull
from leadrouter.pools.models import PoolRow, PoolStateRow
from leadrouter.pools.schemas import PoolCreate, PoolRead, PoolUpdate
from leadrouter.queues.models import QueueRow
from leadrouter.reps.models import RepRow
from leadrouter.store.rows import as_json


def get_or_raise(*, session: Session, pool_id: str) -> PoolRow:
    return _POOLS.get_or_raise(session, pool_id)


def list_(*, session: Session) -> list[PoolRow]:
    return _POOLS.list_(session)


def create(
    *, session: Session, pool_in: PoolCreate, actor: str, now: datetime, whole_team: bool = False
) -> PoolRow:
    """Add a pool (with a fresh round-robin state), audited. `whole_team`: one of a team file's
    pools, whose references the team loader checked against the whole file (an overflow pool
    may come later in it)."""
    row = _POOLS.create(session, pool_in, actor=actor, now=now, check=not whole_team)
    session.add(PoolStateRow(pool_id=row.id))
    return row


def update(
    *, session: Session, pool_id: str, pool_in: PoolUpdate, actor: str, now: datetime
) -> PoolRow:
    """Change the fields given in `pool_in`, audited. The pool as changed must pass every rule
    of creation, its references included."""
    return _POOLS.update(session, pool_id, pool_in, actor=actor, now=now)


def read(*, session: Session, row: PoolRow) -> PoolRead:
    state = session.get(PoolStateRow, row.id)
    fairness = pool_state_of(state.cursor, state.current).fairness if state else Fairness()
    shares = [
        {
            "rep": rep,
            "received": fairness.counts.get(rep, 0),
            "calibration": fairness.baseline.get(rep, 0),
            "fair_share_count": fairness.share(rep),
            "last_assigned": fairness.last.get(rep),
        }
        for rep in row.members
    ]
    return PoolRead.model_validate(
        {**as_json(row), "cursor": state.cursor if state else 0, "fair_shares": shares}
    )


def _check_references(session: Session, pool: PoolCreate) -> None:
    """Members must be known reps, and an overflow target a known queue or another pool that
    does not overflow back (a loop), as in a team file: a lead must always land somewhere."""
    members = pool.members
    known = set(session.scalars(select(RepRow.id).where(RepRow.id.in_(members))))
    problems = [
        FieldProblem(f"body.members[{i}]", f"unknown rep '{rep_id}'")
        for i, rep_id in enumerate(members)
        if rep_id not in known
    ]
    target = pool.when_full_target
    if pool.when_full == WhenFull.QUEUE and session.get(QueueRow, target) is None:
        problems.append(FieldProblem("body.when_full_target", f"unknown queue '{target}'"))
    if pool.when_full == WhenFull.POOL:
        if target == pool.id:
            problem = "a pool cannot overflow into itself"
        elif session.get(PoolRow, target) is None:
            problem = f"unknown pool '{target}'"
        else:
            loop = _overflow_loop(session, pool)
            problem = f"pools would overflow into each other in a loop: {loop}" if loop else ""
        if problem:
            problems.append(FieldProblem("body.when_full_target", problem))
    if problems:
        raise LeadValidationError(problems)


def _overflow_loop(session: Session, pool: PoolCreate) -> str:
    """The loop `pool` would close by overflowing into its target ("" if none)."""
    path = [pool.id]
    following = pool.when_full_target
    while following is not None and following not in path:
        path.append(following)
        row = session.get(PoolRow, following)
        following = row.when_full_target if row and row.when_full == WhenFull.POOL else None
    if following != pool.id:
        return ""
    return " -> ".join(f"pool {p}" for p in [*path, pool.id])


_POOLS = ConfigTable(PoolRow, PoolCreate, "pool", check=_check_references)


def to_pool(row: PoolRow) -> Pool:
    """The core's value for a pool row."""
    return Pool(
        id=row.id,
        name=row.name,
        members=tuple(row.members),
        strategy=Strategy(row.strategy),
        weights=dict(row.weights),
        overflow=Overflow(WhenFull(row.when_full), row.when_full_target),
        respect_working_hours=row.respect_working_hours,
        reset=row.reset,
    )


def from_pool(pool: Pool) -> PoolCreate:
    """The create request that reproduces a core `Pool` (seeding from a workspace)."""
    return PoolCreate(
        id=pool.id,
        name=pool.name,
        members=list(pool.members),
        weights=dict(pool.weights),
        strategy=pool.strategy,
        when_full=pool.overflow.kind,
        when_full_target=pool.overflow.target,
        respect_working_hours=pool.respect_working_hours,
        reset=pool.reset,  # type: ignore[arg-type]  # team.py allows only the three
    )
