"""Routing a stored lead inside a write transaction, with exact round-robin under concurrency.

The engine decides on a snapshot of the rotation state read without locks; then the rows the
decision touches (its pools' states and the assigned rep's load) are locked with
`SELECT ... FOR UPDATE` in a fixed order. If one changed since it was read, another request got
there first: release the locks, read the state again and route again, until the decision rests
on exactly the rows it locked.
The decision, the lead's new owner and the state changes commit together. On SQLite,
`BEGIN IMMEDIATE` already serializes writers and the loop ends at once. Nothing here commits.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from leadrouter.codec import decision_to_dict
from leadrouter.engine import Snapshot, apply_effects, route
from leadrouter.leads.models import ROUTED, DecisionRow, LeadRow
from leadrouter.matching import DedupeKeys, KnownLead, LeadIndex, dedupe_keys
from leadrouter.model import Decision, Kind, PoolState, RepLoad, RoutingState
from leadrouter.normalize import normalize_lead
from leadrouter.policies.snapshot import Config
from leadrouter.pools.models import PoolStateRow
from leadrouter.reps.models import RepLoadRow

# Earlier leads considered for duplicates: the most recent few are what sticky ownership needs.
KNOWN_LEADS_LIMIT = 20


def decide(
    session: Session, config: Config, lead_row: LeadRow, now: datetime, *, cause: str
) -> tuple[DecisionRow, Decision]:
    """Route the (locked) lead, apply the decision's effects and record it; nothing committed."""
    policy = config.require_policy()
    lead = normalize_lead(
        lead_row.raw, policy.custom_fields, id=lead_row.id, received_at=lead_row.received_at
    )
    keys = dedupe_keys(lead)
    snapshot = Snapshot(
        policy=policy,
        team=config.team,
        accounts=config.accounts,
        known_leads=_known_leads(session, keys, lead_row.id),
    )
    while True:
        # Locks taken inside a savepoint are released by rolling it back: a retry starts with
        # no rows held, so every attempt locks in the same global order and none can deadlock.
        attempt = session.begin_nested()
        pools = {
            r.pool_id: r
            for r in session.scalars(select(PoolStateRow).execution_options(populate_existing=True))
        }
        loads = {
            r.rep_id: r
            for r in session.scalars(select(RepLoadRow).execution_options(populate_existing=True))
        }
        state = _state(pools, loads)
        decision = route(lead, replace(snapshot, state=state), now, lead_id=lead_row.id)
        if _lock_unchanged(session, decision, pools, loads):
            attempt.commit()  # releases the savepoint; its row locks stay with the transaction
            break
        attempt.rollback()
    _write_state(apply_effects(state, decision), decision, pools, loads)

    row = DecisionRow(
        lead_id=lead_row.id,
        at=now,
        cause=cause,
        kind=decision.kind.value,
        owner=decision.owner,
        queue=decision.queue,
        rule=decision.rule,
        policy_version=decision.policy_version,
        fallback=decision.fallback,
        body=decision_to_dict(decision),
    )
    session.add(row)
    session.flush()
    match = decision.trace.match
    lead_row.status = ROUTED
    lead_row.kind = decision.kind.value
    lead_row.owner = decision.owner
    lead_row.queue = decision.queue
    lead_row.pool = decision.pool
    lead_row.rule = decision.rule
    lead_row.decision_id = row.id
    lead_row.account_id = match.account.id if match is not None and match.strong else None
    lead_row.email_key = keys.email_key
    lead_row.phone = keys.phone
    lead_row.name_key = keys.name_key
    return row, decision


def release(session: Session, rep_id: str) -> None:
    """One open lead fewer for `rep_id` (the lead was rerouted away or closed)."""
    load = session.scalar(
        select(RepLoadRow)
        .where(RepLoadRow.rep_id == rep_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if load is not None and load.open > 0:
        load.open -= 1
        load.version += 1


def _known_leads(session: Session, keys: DedupeKeys, lead_id: str) -> LeadIndex | None:
    conditions = [
        column == value
        for column, value in (
            (LeadRow.email_key, keys.email_key),
            (LeadRow.phone, keys.phone),
            (LeadRow.name_key, keys.name_key),
        )
        if value
    ]
    if not conditions:
        return None
    rows = session.execute(
        select(
            LeadRow.id,
            LeadRow.owner,
            LeadRow.email_key,
            LeadRow.phone,
            LeadRow.name_key,
            LeadRow.account_id,
        )
        .where(or_(*conditions), LeadRow.id != lead_id, LeadRow.status == ROUTED)
        .order_by(LeadRow.received_at.desc())
        .limit(KNOWN_LEADS_LIMIT)
    )
    index = LeadIndex()
    for row in rows:
        index.add(KnownLead(*row))
    return index


def _state(pools: dict[str, PoolStateRow], loads: dict[str, RepLoadRow]) -> RoutingState:
    return RoutingState(
        pools={k: PoolState(r.cursor, dict(r.current)) for k, r in pools.items()},
        loads={k: RepLoad(r.open, r.today, r.day) for k, r in loads.items()},
    )


def _lock_unchanged(
    session: Session,
    decision: Decision,
    pools: dict[str, PoolStateRow],
    loads: dict[str, RepLoadRow],
) -> bool:
    """Lock the rows `decision` changes; False when one moved since routing read it."""
    effects = decision.effects
    seen = {("pool", k): pools[k].version for k in effects.pools if k in pools}
    rep = effects.assigned_rep if decision.kind == Kind.REP else None
    if rep is not None and rep in loads:
        seen[("rep", rep)] = loads[rep].version
    # Fixed order (pools by id, then the rep) so two requests never wait on each other in a
    # cycle; a deadlock PostgreSQL still detects is retried whole by Database.write.
    for row in session.scalars(
        select(PoolStateRow)
        .where(PoolStateRow.pool_id.in_(sorted(effects.pools)))
        .order_by(PoolStateRow.pool_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ):
        pools[row.pool_id] = row
    if rep is not None:
        row = session.scalar(
            select(RepLoadRow)
            .where(RepLoadRow.rep_id == rep)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if row is not None:
            loads[rep] = row
    now_seen = {("pool", k): pools[k].version for k in effects.pools if k in pools}
    if rep is not None and rep in loads:
        now_seen[("rep", rep)] = loads[rep].version
    return now_seen == seen


def _write_state(
    state: RoutingState,
    decision: Decision,
    pools: dict[str, PoolStateRow],
    loads: dict[str, RepLoadRow],
) -> None:
    """Copy the state the core computed onto the locked rows, bumping their versions."""
    effects = decision.effects
    for pool_id in effects.pools:
        # Every pool gets its state row when created, and a policy naming an unknown pool does
        # not compile: the row is there.
        row = pools[pool_id]
        new = state.pool(pool_id)
        row.cursor = new.cursor
        row.current = dict(new.current)
        row.version += 1
    rep = effects.assigned_rep
    if rep is not None and rep in loads:
        load = state.load(rep)
        row = loads[rep]
        row.open, row.today, row.day = load.open, load.today, load.day
        row.version += 1
