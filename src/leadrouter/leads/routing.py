"""Routing a stored lead inside one write transaction, with exact round-robin under concurrency.

The lead path is Core SQL, a handful of round trips: one statement reads the config version and
every rotation state row, one reads earlier leads for dedupe; the engine decides; the decision is
inserted, the lead claimed (`status = received` in the WHERE: a racing retry finds it routed), and
the state rows the decision changed are updated only if their version is still the one routing
read. Those conditional UPDATEs are the row locks: a mismatch means another request committed
first, and the whole transaction is retried (`StateMoved`), a retry locking every state row
before reading, so it cannot lose twice. On SQLite `BEGIN IMMEDIATE` serializes writers and no
version ever mismatches. Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Integer, String, literal, null, or_, select, type_coerce, update
from sqlalchemy.orm import Session

from leadrouter.codec import decision_to_dict
from leadrouter.engine import Snapshot, apply_effects, route
from leadrouter.leads.models import RECEIVED, ROUTED, DecisionRow, LeadRow
from leadrouter.matching import DedupeKeys, KnownLead, LeadIndex, dedupe_keys
from leadrouter.model import Decision, PoolState, RepLoad, RoutingState
from leadrouter.normalize import normalize_lead
from leadrouter.policies.snapshot import ConfigCache
from leadrouter.pools.models import PoolStateRow
from leadrouter.reps.models import RepLoadRow
from leadrouter.store import JSONValue
from leadrouter.store.config_version import ROW_ID, ConfigVersion

# Earlier leads considered for duplicates: the most recent few are what sticky ownership needs.
KNOWN_LEADS_LIMIT = 20

_POOL, _REP, _CONFIG = "p", "r", "v"


class StateMoved(Exception):
    """A rotation state row changed after routing read it: retry the transaction, locking."""


class AlreadyRouted(Exception):
    """Another request routed this lead first: its decision stands."""


@dataclass(frozen=True, slots=True)
class StoredLead:
    """What routing needs of a stored lead: it comes from the request or from the row."""

    id: str
    raw: dict[str, Any]
    received_at: datetime
    status: str


@dataclass(frozen=True, slots=True)
class Routed:
    """A recorded decision: its row id and time, and the decision itself."""

    decision_id: int
    lead_id: str
    at: datetime
    decision: Decision


@dataclass(frozen=True, slots=True)
class _State:
    config_version: int
    state: RoutingState
    versions: dict[tuple[str, str], int]  # (_POOL or _REP, id) -> row version read


def decide(
    session: Session,
    cache: ConfigCache,
    lead: StoredLead,
    now: datetime,
    *,
    cause: str,
    lock: bool,
) -> Routed:
    """Route `lead`, record the decision and apply its effects; nothing committed.

    With `lock`, every state row is locked before it is read (the retry after `StateMoved`);
    raises `StateMoved`, or `AlreadyRouted` when `cause` is "new" and the lead was routed by
    another request.
    """
    read = _read_state(session, lock=lock)
    config = cache.at(session, read.config_version)
    policy = config.require_policy()
    normalized = normalize_lead(
        lead.raw, policy.custom_fields, id=lead.id, received_at=lead.received_at
    )
    keys = dedupe_keys(normalized)
    snapshot = Snapshot(
        policy=policy,
        team=config.team,
        accounts=config.accounts,
        state=read.state,
        known_leads=_known_leads(session, keys, lead.id),
    )
    decision = route(normalized, snapshot, now, lead_id=lead.id)
    decision_id = session.execute(
        DecisionRow.__table__.insert()
        .values(
            lead_id=lead.id,
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
        .returning(DecisionRow.id)
    ).scalar_one()
    _claim(session, lead, decision, decision_id, keys, cause=cause)
    # State rows last: they are what concurrent requests contend for, so hold them briefly.
    _write_state(session, read, apply_effects(read.state, decision), decision)
    return Routed(decision_id, lead.id, now, decision)


def move_load(session: Session, old: str | None, new: str | None) -> None:
    """One open lead fewer for `old` and one more for `new` (a lead changed hands)."""
    for rep_id, delta in sorted(((old, -1), (new, 1)), key=lambda pair: pair[0] or ""):
        if rep_id is None:
            continue
        row = RepLoadRow.__table__.c
        session.execute(
            update(RepLoadRow)
            .where(row.rep_id == rep_id, row.open + delta >= 0)
            .values(open=row.open + delta, version=row.version + 1)
        )


def _read_state(session: Session, *, lock: bool) -> _State:
    if lock:
        # Fixed order (pools by id, then reps by id) so two locking retries never wait on each
        # other in a cycle; a deadlock PostgreSQL still detects is retried by Database.write.
        session.execute(
            select(PoolStateRow.pool_id).order_by(PoolStateRow.pool_id).with_for_update()
        )
        session.execute(select(RepLoadRow.rep_id).order_by(RepLoadRow.rep_id).with_for_update())
    pools = PoolStateRow.__table__.c
    loads = RepLoadRow.__table__.c
    # One round trip for everything routing reads that changes per lead; the unused columns of
    # each branch are typed NULLs so both databases agree on the union's column types.
    query = select(
        type_coerce(literal(_REP), String),
        loads.rep_id,
        loads.open,
        type_coerce(null(), JSONValue),
        loads.version,
        loads.today,
        loads.day,
    ).union_all(
        select(
            literal(_POOL),
            pools.pool_id,
            pools.cursor,
            pools.current,
            pools.version,
            type_coerce(null(), Integer),
            type_coerce(null(), Date),
        ),
        select(
            literal(_CONFIG),
            literal(""),
            ConfigVersion.version,
            null(),
            literal(0),
            null(),
            null(),
        ).where(ConfigVersion.id == ROW_ID),
    )
    config_version = 0
    pool_states: dict[str, PoolState] = {}
    rep_loads: dict[str, RepLoad] = {}
    versions: dict[tuple[str, str], int] = {}
    for kind, key, number, current, version, today, day in session.execute(query):
        if kind == _CONFIG:
            config_version = number or 0
        elif kind == _POOL:
            pool_states[key] = PoolState(number, dict(current or {}))
            versions[(_POOL, key)] = version
        else:
            rep_loads[key] = RepLoad(number, today, _as_date(day))
            versions[(_REP, key)] = version
    return _State(config_version, RoutingState(pools=pool_states, loads=rep_loads), versions)


def _as_date(value: date | str | None) -> date | None:
    # The union's result types come from its first branch on PostgreSQL; SQLite hands back text.
    return date.fromisoformat(value) if isinstance(value, str) else value


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


def _claim(
    session: Session,
    lead: StoredLead,
    decision: Decision,
    decision_id: int,
    keys: DedupeKeys,
    *,
    cause: str,
) -> None:
    """Point the lead at its new decision; a new lead only while still unrouted."""
    match = decision.trace.match
    query = update(LeadRow).where(LeadRow.id == lead.id)
    if cause == "new":
        query = query.where(LeadRow.status == RECEIVED)
    result = session.execute(
        query.values(
            status=ROUTED,
            kind=decision.kind.value,
            owner=decision.owner,
            queue=decision.queue,
            pool=decision.pool,
            rule=decision.rule,
            decision_id=decision_id,
            account_id=match.account.id if match is not None and match.strong else None,
            email_key=keys.email_key,
            phone=keys.phone,
            name_key=keys.name_key,
        )
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise AlreadyRouted(lead.id)


def _write_state(session: Session, read: _State, state: RoutingState, decision: Decision) -> None:
    """Write the state rows the decision changed, each only if still at the version read."""
    effects = decision.effects
    pools = PoolStateRow.__table__.c
    # Pools by id, then the rep: the same order as a locking read, so no cycle of waits.
    for pool_id in sorted(effects.pools):
        new = state.pool(pool_id)
        _update_if_unmoved(
            session,
            update(PoolStateRow).where(pools.pool_id == pool_id),
            pools.version,
            read.versions.get((_POOL, pool_id)),
            cursor=new.cursor,
            current=dict(new.current),
        )
    rep = effects.assigned_rep
    if rep is not None and (_REP, rep) in read.versions:
        load = state.load(rep)
        loads = RepLoadRow.__table__.c
        _update_if_unmoved(
            session,
            update(RepLoadRow).where(loads.rep_id == rep),
            loads.version,
            read.versions[(_REP, rep)],
            open=load.open,
            today=load.today,
            day=load.day,
        )


def _update_if_unmoved(
    session: Session, query: Any, version_column: Any, version: int | None, **values: Any
) -> None:
    # Every pool gets its state row when created and a policy naming an unknown pool does not
    # compile, so a missing row is a version mismatch too.
    if version is None:
        raise StateMoved
    result = session.execute(
        query.where(version_column == version).values(**values, version=version + 1)
    )
    if result.rowcount != 1:
        raise StateMoved


def stored(row: LeadRow) -> StoredLead:
    """The routing view of a lead row."""
    return StoredLead(row.id, row.raw, row.received_at, row.status)
