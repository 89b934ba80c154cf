"""Where a route sends a lead, and the scratchpad a routing run fills: the part of the engine that
places a lead in a pool (its rotation, the net-new company's rep, a split between teams, the
pool's overflow) and says why in the trace.

Pure like the engine it serves (`engine.py`): reads the snapshot, never the clock or a store;
every state change it decides (a pool's new cursor) is kept in the run, for the decision's effects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from leadrouter.distribute import least_loaded, pick_rep
from leadrouter.distribute.companies import claim_within, sticky_rep
from leadrouter.distribute.split import team_order, took
from leadrouter.model import (
    AccountMatch,
    Kind,
    Note,
    Pool,
    PoolState,
    Reason,
    RepCheck,
    RuleCheck,
    WhenFull,
)
from leadrouter.model.frozen import quick_init

if TYPE_CHECKING:
    from leadrouter.engine import Snapshot


class Run:
    """Mutable scratchpad of one routing run; never leaves the engine.

    A plain class: a dataclass's __init__ tests a sentinel per defaulted field, once per lead.
    """

    __slots__ = (
        "company", "ctx", "match", "new_lead", "notes", "now", "pools", "reps", "rules", "snapshot",
    )  # fmt: skip

    def __init__(self, snapshot: Snapshot, now: datetime, ctx: dict[str, Any]) -> None:
        self.snapshot = snapshot
        self.now = now
        self.ctx = ctx
        self.match: AccountMatch | None = None
        self.rules: tuple[RuleCheck, ...] = ()
        self.reps: list[RepCheck] = []
        self.notes: list[Note] = []
        self.pools: dict[str, PoolState] = {}
        self.new_lead = True  # counts toward the owner's new-lead caps
        # The lead's net-new company domain, when the policy keeps such companies with one rep.
        self.company: str | None = None


@quick_init
@dataclass(frozen=True, slots=True)
class Outcome:
    """Where a route sent the lead; built positionally (kind, owner, queue, pool), once per lead."""

    kind: Kind
    owner: str | None = None
    queue: str | None = None
    pool: str | None = None


def from_pool(run: Run, pool_id: str, *, overflow: bool, seen: set[str]) -> Outcome | None:
    team = run.snapshot.team
    pool = team.pools[pool_id]
    seen.add(pool_id)
    state = run.snapshot.state
    if run.company is not None:
        sticky = _same_company(run, pool)
        if sticky is not None:
            return sticky
    distribution = run.snapshot.policy.distribution
    pick = pick_rep(pool, team, state, run.now, ctx=run.ctx, distribution=distribution)
    before = state.pool(pool_id).period if pool.reset is not None else None
    if before is not None and pick.pool_state.period != before:
        run.notes.append(
            Note(
                Reason.FAIRNESS_RESET,
                f"pool {pool.name}: fairness counts start afresh for the {pool.reset} period"
                f" {pick.pool_state.period}",
            )
        )
    run.reps.extend(pick.checks)
    if pick.notes:
        run.notes.extend(pick.notes)
    if pick.rep is not None:
        run.pools[pool_id] = pick.pool_state
        return Outcome(Kind.REP, pick.rep, None, pool_id)
    run.notes.append(
        Note(Reason.POOL_EXHAUSTED, f"nobody in pool {pool.name} can take the lead now")
    )
    if not overflow:
        return None
    return _overflow(run, pool, seen, pick.eligible)


def _same_company(run: Run, pool: Pool) -> Outcome | None:
    """The rep of the lead's net-new company, when they may take it in `pool`: no turn used."""
    policy, state = run.snapshot.policy, run.snapshot.state
    assert run.company is not None and policy.company_window is not None
    claim = claim_within(state, run.company, policy.company_window, run.now)
    if claim is None:
        return None
    rep_id, why_not = sticky_rep(pool, run.snapshot.team, state, claim, run.now)
    since = claim.at.isoformat().replace("+00:00", "Z")
    if rep_id is None:
        run.notes.append(
            Note(
                Reason.COMPANY_STICKY,
                f"net-new company {run.company} went to {claim.rep} on {since}, who cannot take"
                f" this lead in pool {pool.name} ({why_not}): the pool's rotation decides",
            )
        )
        return None
    detail = (
        f"same net-new company ({run.company}) as the lead assigned on {since}: same rep,"
        " no rotation turn used"
    )
    run.reps.append(RepCheck(rep_id, pool.id, Reason.COMPANY_STICKY, detail))
    run.notes.append(Note(Reason.COMPANY_STICKY, f"{detail} (pool {pool.name})"))
    return Outcome(Kind.REP, rep_id, None, pool.id)


def from_split(run: Run, split_id: str, *, overflow: bool) -> Outcome | None:
    """`route: split <id>`: the team furthest behind its capacity share that can take the lead
    (distribute/split.py); when none can, the first team's own overflow (if allowed)."""
    split = run.snapshot.policy.distribution.splits[split_id]
    order = team_order(split, run.snapshot.state)
    outcome = None
    for pool_id, why in order:
        outcome = from_pool(run, pool_id, overflow=False, seen=set())
        if outcome is not None:
            run.notes.append(
                Note(
                    Reason.TEAM_SPLIT,
                    f"split {split_id}: team {pool_id} ({why})",
                    {"split": split_id, "team": pool_id},
                )
            )
            break
    if outcome is None and overflow and order:
        first = run.snapshot.team.pools[order[0][0]]
        outcome = _overflow(run, first, {pool for pool, _ in order}, None)
    if outcome is not None and outcome.pool is not None and outcome.kind is Kind.REP:
        before = run.pools.get(outcome.pool) or run.snapshot.state.pool(outcome.pool)
        run.pools[outcome.pool] = took(before, split_id)
    return outcome


def _overflow(
    run: Run, pool: Pool, seen: set[str], allowed: frozenset[str] | None
) -> Outcome | None:
    spill = pool.overflow
    if spill.kind is WhenFull.QUEUE:
        run.notes.append(Note(Reason.FALLBACK, f"pool {pool.name} is full: queue {spill.target}"))
        return Outcome(Kind.QUEUE, None, spill.target, pool.id)
    if spill.kind is WhenFull.POOL:
        assert spill.target is not None
        if spill.target in seen:  # validation rejects cycles; this guards hand-built teams
            return None
        run.notes.append(
            Note(Reason.FALLBACK, f"pool {pool.name} is full: trying pool {spill.target}")
        )
        return from_pool(run, spill.target, overflow=True, seen=seen)
    anyway = least_loaded(pool, run.snapshot.team, run.snapshot.state, run.now, allowed)
    if anyway is None:
        # Availability is never relaxed: with nobody available at all, people must look at it.
        queue = run.snapshot.policy.fallback_queue
        run.notes.append(
            Note(
                Reason.FALLBACK,
                f"pool {pool.name} is full and no member is available even ignoring hours and "
                f"caps (inactive, out of office, a cap of 0 or not eligible): fallback queue"
                f" {queue}",
            )
        )
        return Outcome(Kind.QUEUE, None, queue, pool.id)
    run.reps.append(RepCheck(anyway.rep, pool.id, Reason.ASSIGNED_ANYWAY, anyway.detail))
    run.notes.append(
        Note(Reason.ASSIGNED_ANYWAY, f"pool {pool.name} is full: least-loaded {anyway.rep}")
    )
    return Outcome(Kind.REP, anyway.rep, None, pool.id)
