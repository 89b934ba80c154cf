"""Routing a batch of stored leads inside one write transaction, with exact round-robin under
concurrency.

Two round trips whatever the batch size: one (`store/round_trip.py`) takes routing's turn and
reads the config version, every rotation state row and the batch's earlier leads for dedupe;
the engine decides lead after lead; the other (`leads/record.py`) inserts the decisions, claims
the leads (`status = received`: a racing retry finds it routed) and updates the state rows the
decisions changed, each only if its version is still the one routing read.

On PostgreSQL, routing transactions take turns on an advisory lock held until commit, so two
server processes never decide from the same rotation state; the fewer round trips inside the
turn, the less the other processes wait. Nothing is built in the turn either: when the
configuration moved since this process built it, the turn is given back (`ConfigMoved`) and
taken again once the parts that moved are built (a rep's edit: the team, a few milliseconds; an
import of accounts: the index, up to its full build). The versions catch any other writer of
state rows (a rep's load moved by an outcome): a mismatch means it committed first, and the whole
transaction is retried (`StateMoved`), the retry locking every state row before reading, so it
cannot lose twice. On SQLite `BEGIN IMMEDIATE` serializes writers. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    Integer,
    Select,
    String,
    bindparam,
    column,
    func,
    literal,
    null,
    or_,
    select,
    text,
    type_coerce,
    union_all,
    update,
)
from sqlalchemy.orm import Session

from leadrouter.codec import pool_state_json, pool_state_of
from leadrouter.distribute.companies import company_domain
from leadrouter.engine import Snapshot, routing_failed
from leadrouter.errors import Conflict
from leadrouter.leads import companies, loads, record
from leadrouter.leads.models import RECEIVED, ROUTED, LeadRow
from leadrouter.matching import (
    AccountIndex,
    DedupeKeys,
    KnownLead,
    LeadIndex,
    MatchResult,
    dedupe_keys,
)
from leadrouter.model import Decision, Lead, PoolState, RepLoad, RoutingState
from leadrouter.normalize import normalize_lead
from leadrouter.policies.snapshot import Config, ConfigCache
from leadrouter.policy.compiled import CompiledPolicy
from leadrouter.policy.lead_time import grace_due
from leadrouter.pools.models import PoolStateRow
from leadrouter.reps.models import RepLoadRow
from leadrouter.sequence import LeadSequence
from leadrouter.store.config_version import ConfigVersion, ConfigVersions
from leadrouter.store.round_trip import Done, Step, run

# Earlier leads considered for duplicates: the most recent few are what sticky ownership needs.
KNOWN_LEADS_LIMIT = 20

_POOL, _REP, _CONFIG = "p", "r", "v"
# The first key of routing's advisory lock on PostgreSQL: an arbitrary constant of our own.
_ROUTING_LOCK_CLASS = 7_406_322


class StateMoved(Exception):
    """A rotation state row changed after routing read it: retry the transaction, locking."""


class ConfigMoved(Exception):
    """The configuration moved since this process built it: build it outside routing's turn
    (`ConfigCache.get`), then retry the transaction."""


class AlreadyRouted(Exception):
    """Another request routed this lead first: its decision stands."""


class NoActivePolicy(Conflict):
    """No policy version is active: the leads stay stored and `received` until one is."""


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
    config_version: ConfigVersions
    state: RoutingState
    versions: dict[tuple[str, str], int]  # (_POOL or _REP, id) -> row version read


# Statements are built once: constructing and cache-keying SQLAlchemy statements per call cost
# more than the round trips themselves. Values are bound per execution.
_LEADS = LeadRow.__table__
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
_KNOWN_COLUMNS = (
    _LEADS.c.id,
    _LEADS.c.owner,
    _LEADS.c.email_key,
    _LEADS.c.phone,
    _LEADS.c.name_key,
    _LEADS.c.account_id,
)


def decide(
    connection: Connection,
    cache: ConfigCache,
    leads: Sequence[StoredLead],
    now: datetime,
    *,
    cause: str,
    lock: bool,
    rules_of: Callable[[CompiledPolicy], CompiledPolicy] | None = None,
) -> list[Routed | GraceHeld]:
    """Route `leads` one after another, record their decisions and apply their effects; nothing
    committed. New leads the policy's grace delay holds come back as `GraceHeld` instead.

    Each lead sees the rotation state the ones before it left, and as earlier leads the ones
    before it in `leads` (newest first) ahead of the stored ones, exactly as if each had been
    routed in a transaction of its own. With `lock`, every state row is locked before it is read
    (the retry after `StateMoved`); raises `StateMoved`, or `AlreadyRouted` when `cause` is
    "new" and one of the leads was routed by another request, or, without `lock`, `ConfigMoved`
    when the configuration moved since `cache` built it (with `lock`, this attempt must not lose:
    it builds what moved in turn).
    """
    # What does not depend on the rotation is done before routing's turn, with the configuration
    # this process has, and again in turn only if the configuration moved meanwhile (rare): the
    # other server processes wait for this turn, not for this work.
    latest = cache.latest()
    ahead = latest is not None and latest.policy is not None
    prepared = _prepare(latest.policy, latest.accounts, leads) if ahead else None
    reading = _reading(connection, lock=lock)
    known = _known_step(connection, leads, prepared[1]) if prepared is not None else None
    # Held from here until commit: no other routing transaction. One round trip for the turn and
    # every read after it.
    done = run(connection, [*reading, *([known] if known is not None else [])])
    read = _read_state(done[len(reading) - 1])
    config = cache.ready(read.config_version)
    if config is None:
        if not lock:
            raise ConfigMoved  # built outside the turn (the other processes wait on it), retried
        # A session only to build what moved; it joins this transaction.
        config = cache.get(Session(bind=connection))
    policy = _active_policy(config)
    # The leads were prepared with the policy's fields and the account index: only a change
    # of either prepares them again (a rep's edit does not).
    if known is None or policy is not latest.policy or config.accounts is not latest.accounts:
        prepared = _prepare(policy, config.accounts, leads)
        known = _known_step(connection, leads, prepared[1])
        stored = _stored_known(run(connection, [known])[0], len(leads))
    else:
        stored = _stored_known(done[-1], len(leads))
    normalized, keys, accounts = prepared
    waiting: list[GraceHeld] = []
    if cause == "new" and policy.grace is not None:
        leads, normalized, keys, stored, waiting = _hold_young(
            connection, policy, now, leads, normalized, keys, stored
        )
        if not leads:
            return list(waiting)  # nothing to route in this batch
    state = read.state
    claims = {}
    if policy.company_window is not None:  # the net-new companies of this batch, and their reps
        claims = companies.read_claims(connection, _company_domains(normalized))
        state = RoutingState(state.pools, state.loads, claims)
    # A hand-off routes by its own rules: the policy with them in place of its rules.
    routing_policy = rules_of(policy) if rules_of is not None else policy
    snapshot = Snapshot(policy=routing_policy, team=config.team, accounts=accounts, state=state)
    sequence = LeadSequence(snapshot, _BatchKnown(leads, stored), split=config.split)
    decided = [
        (lead, sequence.route(fields, now, lead_keys))
        for lead, fields, lead_keys in zip(leads, normalized, keys, strict=True)
    ]
    decisions = [routed.decision for _, routed in decided]
    pools, load_rows = _state_rows(read, sequence.state, decisions)
    if policy.company_window is not None:
        claimed = sequence.state.companies
        companies.write_claims(connection, {d: c for d, c in claimed.items() if claims.get(d) != c})
    written = record.write(
        connection,
        [
            record.lead_row(now, cause, lead.id, r.keys, r.decision, r.known.account_id)
            for lead, r in decided
        ],
        pools,
        load_rows,
        new=cause == "new",
    )
    if len(written.claimed) != len(decided):
        raise AlreadyRouted(", ".join(lead.id for lead, _ in decided))
    # A row whose version moved updates nothing, and then the count falls short.
    if (written.pools, written.loads) != (len(pools), len(load_rows)):
        raise StateMoved
    done: list[Routed | GraceHeld] = [
        Routed(written.claimed[lead.id], lead.id, now, routed.decision) for lead, routed in decided
    ]
    return [*done, *waiting]


@dataclass(frozen=True, slots=True)
class GraceHeld:
    """A new lead the policy's grace delay holds: left `received` until `route_after`, when the
    worker's sweep routes it."""

    lead_id: str
    received_at: datetime
    route_after: datetime
    grace: str


_HOLD = (
    update(_LEADS)
    .where(_LEADS.c.id == bindparam("b_id"), _LEADS.c.status == literal(RECEIVED))
    .values(route_after=bindparam("b_after"))
)


def _hold_young(
    connection: Connection,
    policy: CompiledPolicy,
    now: datetime,
    leads: Sequence[StoredLead],
    normalized: list[Lead],
    keys: list[DedupeKeys],
    stored: list[list[KnownLead]],
) -> tuple[list[StoredLead], list[Lead], list[DedupeKeys], list[list[KnownLead]], list[GraceHeld]]:
    """Set aside the leads the grace delay holds (their `route_after` written); the rest."""
    grace = policy.grace
    assert grace is not None
    dues = [grace_due(lead, grace, now) for lead in normalized]
    young = [due is not None and due > now for due in dues]
    if not any(young):
        return list(leads), normalized, keys, stored, []
    waiting = [
        GraceHeld(lead.id, lead.received_at, due, str(grace))
        for lead, due, held in zip(leads, dues, young, strict=True)
        if held and due is not None
    ]
    connection.execute(_HOLD, [{"b_id": w.lead_id, "b_after": w.route_after} for w in waiting])

    def kept(items: Sequence[Any]) -> list[Any]:
        return [item for item, held in zip(items, young, strict=True) if not held]

    return kept(leads), kept(normalized), kept(keys), kept(stored), waiting


def _company_domains(leads: Sequence[Lead]) -> set[str]:
    """The corporate domains of `leads` (whether or not an account matches them)."""
    found = (company_domain({**lead.fields, "account.matched": False}) for lead in leads)
    return {domain for domain in found if domain is not None}


def record_failure(
    connection: Connection, cache: ConfigCache, lead: StoredLead, now: datetime, why: str
) -> Routed:
    """Send `lead`, whose routing failed (`why`), to the policy's fallback queue, which alerts
    people; nothing committed. None of its dedupe keys or account is recorded: what failed may
    be among them. Raises `NoActivePolicy`, or `AlreadyRouted` if another request routed it."""
    decision = routing_failed(_active_policy(cache.get(Session(bind=connection))), now, why)
    row = record.lead_row(now, "new", lead.id, _NO_KEYS, decision, None)
    written = record.write(connection, [row], [], [], new=True)
    if lead.id not in written.claimed:
        raise AlreadyRouted(lead.id)
    return Routed(written.claimed[lead.id], lead.id, now, decision)


_NO_KEYS = DedupeKeys(None, None, None)


def _active_policy(config: Config) -> CompiledPolicy:
    if config.policy is None:
        raise NoActivePolicy("no active policy: upload a policy version and activate it")
    return config.policy


@dataclass(frozen=True, slots=True)
class _Prematched:
    """The account index, with the matches of a batch's leads found before routing's turn."""

    index: AccountIndex
    found: dict[str | None, MatchResult]  # by lead id

    def match(self, lead: Lead) -> MatchResult:
        found = self.found.get(lead.id)
        return found if found is not None else self.index.match(lead)


def _prepare(
    policy: CompiledPolicy, index: AccountIndex | None, leads: Sequence[StoredLead]
) -> tuple[list[Lead], list[DedupeKeys], _Prematched | None]:
    """The leads normalized, their dedupe keys and their account matches: what the engine would
    find for them itself."""
    normalized = [
        normalize_lead(lead.raw, policy.custom_fields, id=lead.id, received_at=lead.received_at)
        for lead in leads
    ]
    keys = [dedupe_keys(lead) for lead in normalized]
    if index is None:
        return normalized, keys, None
    found = {}
    for lead in normalized:
        try:
            found[lead.id] = index.match(lead)
        except Exception:  # the engine matches it again, and sends it to the fallback queue
            continue
    return normalized, keys, _Prematched(index, found)


def move_load(session: Session, old: str | None, new: str | None) -> None:
    """One open lead fewer for `old` and one more for `new` (a lead changed hands)."""
    connection = session.connection()
    # Reps by id, the order every other writer of load rows follows.
    for rep_id, delta in sorted(((old, -1), (new, 1)), key=lambda pair: pair[0] or ""):
        if rep_id is not None:
            connection.execute(_MOVE_LOAD, {"b_key": rep_id, "b_delta": delta})


def _reading(connection: Connection, *, lock: bool) -> list[Step]:
    """Routing's turn, then, with `lock`, every state row locked, then the state: the last step."""
    turn = [Step(_TAKE_TURN)] if connection.dialect.name == "postgresql" else []
    locks = [Step(query) for query in _LOCK_STATE] if lock else []
    return [*turn, *locks, Step(_READ_STATE)]


def _read_state(done: Done) -> _State:
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
    return _State(
        ConfigVersions.of(counters), RoutingState(pools=pool_states, loads=rep_loads), versions
    )


def _as_date(value: date | str | None) -> date | None:
    # The union's result types come from its first branch on PostgreSQL; SQLite hands back text.
    return date.fromisoformat(value) if isinstance(value, str) else value


@lru_cache(maxsize=64)
def _known_query(count: int) -> Select[Any]:
    """For each of `count` leads (its keys bound as b_email_<n>, b_phone_<n>, b_name_<n>, NULL
    for a key it lacks), the most recent routed leads sharing a key, tagged with n: one
    statement for a whole batch, one per batch size (SQLite, which has no LATERAL)."""
    parts = []
    for n in range(count):
        same = or_(
            _LEADS.c.email_key == bindparam(f"b_email_{n}", type_=String),
            _LEADS.c.phone == bindparam(f"b_phone_{n}", type_=String),
            _LEADS.c.name_key == bindparam(f"b_name_{n}", type_=String),
        )
        newest = (
            select(literal(n).label("n"), *_KNOWN_COLUMNS, _LEADS.c.received_at)
            .where(same, _LEADS.c.id != bindparam(f"b_id_{n}"), _LEADS.c.status == literal(ROUTED))
            .order_by(_LEADS.c.received_at.desc())
            .limit(KNOWN_LEADS_LIMIT)
            .subquery()
        )
        parts.append(select(newest))
    everything = union_all(*parts).subquery()
    return select(everything).order_by(everything.c.n, everything.c.received_at.desc())


# PostgreSQL: one statement for every batch size, the keys as arrays and a lateral subquery per
# lead. Planned anew for each batch (`store/database.py`), one subquery costs a fifth of what the
# union of one per lead does; the result is the same.
_KNOWN_POSTGRES = (
    text(
        """
SELECT k.n - 1, l.id, l.owner, l.email_key, l.phone, l.name_key, l.account_id, l.received_at
FROM unnest(CAST(:b_ids AS text[]), CAST(:b_emails AS text[]), CAST(:b_phones AS text[]),
            CAST(:b_names AS text[])) WITH ORDINALITY AS k(id, email, phone, name, n)
CROSS JOIN LATERAL (
    SELECT id, owner, email_key, phone, name_key, account_id, received_at FROM leads
    WHERE (email_key = k.email OR phone = k.phone OR name_key = k.name)
      AND id <> k.id AND status = :b_routed
    ORDER BY received_at DESC LIMIT :b_limit
) AS l
ORDER BY k.n, l.received_at DESC
"""
    )
    .bindparams(bindparam("b_routed", ROUTED), bindparam("b_limit", KNOWN_LEADS_LIMIT))
    .columns(
        column("n", Integer),
        *(column(c.name, c.type) for c in _KNOWN_COLUMNS),
        column("received_at", _LEADS.c.received_at.type),
    )
)


def _known_step(
    connection: Connection, leads: Sequence[StoredLead], keys: Sequence[DedupeKeys]
) -> Step:
    """The query for each lead's stored routed leads sharing one of its keys."""
    if connection.dialect.name == "postgresql":
        return Step(
            _KNOWN_POSTGRES,
            {
                "b_ids": [lead.id for lead in leads],
                "b_emails": [k.email_key for k in keys],
                "b_phones": [k.phone for k in keys],
                "b_names": [k.name_key for k in keys],
            },
        )
    params: dict[str, str | None] = {}
    for n, (lead, lead_keys) in enumerate(zip(leads, keys, strict=True)):
        params[f"b_id_{n}"] = lead.id
        params[f"b_email_{n}"] = lead_keys.email_key
        params[f"b_phone_{n}"] = lead_keys.phone
        params[f"b_name_{n}"] = lead_keys.name_key
    return Step(_known_query(len(leads)), params)


def _stored_known(done: Done, count: int) -> list[list[KnownLead]]:
    """For each of `count` leads, the stored routed leads sharing one of its keys, newest first."""
    found: list[list[KnownLead]] = [[] for _ in range(count)]
    for n, *known, _ in done.rows:
        found[n].append(KnownLead(*known))
    return found


class _BatchKnown:
    """The earlier leads of each lead of a batch: the batch's leads routed before it (newest
    first), then the stored leads sharing one of its keys (newest first), as one index in which
    the newest answers."""

    __slots__ = ("_earlier", "_stored")

    def __init__(self, leads: Sequence[StoredLead], stored: Sequence[Sequence[KnownLead]]) -> None:
        self._stored = {lead.id: known for lead, known in zip(leads, stored, strict=True)}
        self._earlier: list[KnownLead] = []

    def add(self, known: KnownLead) -> None:
        self._earlier.insert(0, known)

    def find(
        self, lead: Lead, account_id: str | None, keys: DedupeKeys | None = None
    ) -> tuple[KnownLead, str] | None:
        keys = keys if keys is not None else dedupe_keys(lead)
        if not (keys.email_key or keys.phone or keys.name_key):
            return None
        index = LeadIndex()
        for known in reversed((*self._earlier, *self._stored.get(lead.id or "", ()))):
            index.add(known)
        return index.find(lead, account_id, keys)


def _state_rows(
    read: _State, state: RoutingState, decisions: Sequence[Decision]
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


def _versioned(read: _State, kind: str, key: str, **values: Any) -> dict[str, Any]:
    """The parameters updating state row `key` to `values` if still at the version read."""
    version = read.versions.get((kind, key))
    # Every pool gets its state row when created and a policy naming an unknown pool does not
    # compile, so a missing row is a version mismatch too.
    if version is None:
        raise StateMoved
    return {**values, "version": version + 1, "b_key": key, "b_version": version}


def stored(row: LeadRow) -> StoredLead:
    """The routing view of a lead row."""
    return StoredLead(row.id, row.raw, row.received_at, row.status)
