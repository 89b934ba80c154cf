"""The A/B tests of live routing: two stored policy versions splitting the leads by share, or one
version with two strategies for one pool (`pool`, `strategy_a`, `strategy_b`).

A test runs from `start` to `end` (or until stopped); stopping one arm (`stopped_arm`, by hand
or by the SLA guard rail) sends every lead of the rest of the period to the other arm. Every
change here bumps the policy's config counter in its transaction, so every process routes with
the new split at once (`policies/snapshot.py` builds it with the configuration).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from leadrouter.errors import Conflict, FieldProblem, LeadValidationError
from leadrouter.model import Strategy, Team
from leadrouter.policy.compiled import CompiledPolicy
from leadrouter.split import Arm, Split
from leadrouter.store import Base
from leadrouter.store.config_version import Part, bump_config_version

ARMS = ("a", "b")


class AbTestRow(Base):
    __tablename__ = "ab_tests"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    version_a: Mapped[str] = mapped_column(String(100))
    version_b: Mapped[str] = mapped_column(String(100))
    share_b: Mapped[float]  # the share of leads arm b decides; arm a takes the rest
    start: Mapped[datetime]
    end: Mapped[datetime | None]
    # Stop an arm when its SLA breach rate exceeds the other's by more than this (0.1 = 10 points).
    guard_margin: Mapped[float] = mapped_column(default=0.1)
    stopped_arm: Mapped[str | None] = mapped_column(String(1))
    stopped_at: Mapped[datetime | None]
    stop_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]
    # A test of two pool strategies: the pool, and the strategy each arm routes it with.
    pool: Mapped[str | None] = mapped_column(String(100))
    strategy_a: Mapped[str | None] = mapped_column(String(40))
    strategy_b: Mapped[str | None] = mapped_column(String(40))


def running(session: Session) -> AbTestRow | None:
    """The A/B test that routes leads now or will (not ended by a stop), newest first."""
    query = (
        select(AbTestRow)
        .where(AbTestRow.stopped_at.is_(None))
        .order_by(AbTestRow.created_at.desc())
    )
    return session.scalars(query.limit(1)).first()


def split_of(row: AbTestRow, compile_version: Callable[[str], CompiledPolicy], team: Team) -> Split:
    """The split a stored test routes with; a stopped arm leaves the whole share to the other.
    A test of two pool strategies gives each arm `team` with its strategy for the pool."""
    shares = {"a": 1.0 - row.share_b, "b": row.share_b}
    if row.stopped_arm is not None:
        shares = {arm: 0.0 if arm == row.stopped_arm else 1.0 for arm in ARMS}
    versions = {"a": row.version_a, "b": row.version_b}
    strategies = {"a": row.strategy_a, "b": row.strategy_b}
    arms = tuple(
        Arm(
            arm,
            shares[arm],
            compile_version(versions[arm]),
            with_strategy(team, row.pool, strategies[arm]) if row.pool is not None else None,
        )
        for arm in ARMS
        if shares[arm] > 0
    )
    return Split(row.id, arms, row.start, row.end)


def with_strategy(team: Team, pool_id: str, strategy: str | None) -> Team:
    """`team` with pool `pool_id` distributing by `strategy`; LeadValidationError when the team
    has no such pool or there is no such strategy."""
    pool = team.pools.get(pool_id)
    if pool is None:
        raise LeadValidationError([FieldProblem("pool", f"the team has no pool '{pool_id}'")])
    if strategy not in {s.value for s in Strategy}:
        choices = ", ".join(s.value for s in Strategy)
        problem = FieldProblem("strategy", f"no strategy '{strategy}' (one of: {choices})")
        raise LeadValidationError([problem])
    pools = {**team.pools, pool_id: replace(pool, strategy=Strategy(strategy))}
    return replace(team, pools=pools)


class AbTestDefinition(BaseModel):
    """What starting an A/B test names: two policy versions, or one version and two strategies
    of `pool`. What the service answers of a test extends it (`experiments/abtest.AbTestRead`)."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    version_a: str
    version_b: str
    share_b: float
    start: datetime
    end: datetime | None
    guard_margin: float
    pool: str | None = None
    strategy_a: str | None = None
    strategy_b: str | None = None


def create(session: Session, test: AbTestDefinition, *, now: datetime) -> AbTestRow:
    """Store a new test (one at a time: a running one must be stopped first)."""
    id, version_a, version_b, pool = test.id, test.version_a, test.version_b, test.pool
    if running(session) is not None:
        raise Conflict("an A/B test is running: stop it first")
    if session.get(AbTestRow, id) is not None:
        raise Conflict(f"an A/B test '{id}' exists already")
    if pool is None and version_a == version_b:
        raise Conflict("the two arms must be two different policy versions")
    if pool is not None and (version_a != version_b or test.strategy_a == test.strategy_b):
        raise Conflict("the two arms of a pool test are one policy version, two strategies")
    if test.end is not None and test.end <= test.start:
        raise Conflict("an A/B test ends after it starts")
    row = AbTestRow(**test.model_dump(), created_at=now)
    session.add(row)
    bump_config_version(session, Part.POLICY)
    return row


def stop(session: Session, row: AbTestRow, *, arm: str | None, reason: str, now: datetime) -> None:
    """Stop one arm (the other takes every lead until the end) or, with `arm` None, the test."""
    if arm is None:
        row.stopped_at = now
    row.stopped_arm = arm if arm is not None else row.stopped_arm
    row.stop_reason = reason
    bump_config_version(session, Part.POLICY)
