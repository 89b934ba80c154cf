"""Routing a batch of stored leads inside one write transaction, with exact round-robin under
concurrency.

Two round trips whatever the batch size: one (`store/round_trip.py`) takes routing's turn and
reads the config version, every rotation state row (`leads/rotation.py`) and the batch's earlier
leads for dedupe (`leads/known_leads.py`); the engine decides lead after lead; the other
(`leads/record.py`) inserts the decisions, claims the leads (`status = received`: a racing retry
finds it routed) and updates the state rows the decisions changed, each only if its version is
still the one routing read.

The fewer round trips inside the turn, the less the other server processes wait. Nothing is
built in the turn either: when the configuration moved since this process built it, the turn is
given back (`ConfigMoved`) and taken again once the parts that moved are built (a rep's edit:
the team, a few milliseconds; an import of accounts: the index, up to its full build). A state
row another writer moved makes the whole transaction retry (`StateMoved`), the retry locking
every state row before reading, so it cannot lose twice. On SQLite `BEGIN IMMEDIATE` serializes
writers. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, literal, update
from sqlalchemy.orm import Session

from leadrouter.distribute.companies import company_domain
from leadrouter.engine import Snapshot, routing_failed
from leadrouter.errors import Conflict
from leadrouter.leads import companies, known_leads, record, rotation
from leadrouter.leads.models import RECEIVED, LeadRow
from leadrouter.matching import AccountIndex, DedupeKeys, KnownLead, MatchResult, dedupe_keys
from leadrouter.model import Decision, Lead, RoutingState
from leadrouter.normalize import normalize_lead
from leadrouter.policies.snapshot import Config, ConfigCache
from leadrouter.policy.compiled import CompiledPolicy
from leadrouter.policy.lead_time import grace_due
from leadrouter.sequence import LeadSequence
from leadrouter.store.round_trip import run

_LEADS = LeadRow.__table__


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
    reading = rotation.reading(connection, lock=lock)
    ids = [lead.id for lead in leads]
    known = known_leads.known_step(connection, ids, prepared[1]) if prepared is not None else None
    # Held from here until commit: no other routing transaction. One round trip for the turn and
    # every read after it.
    done = run(connection, [*reading, *([known] if known is not None else [])])
    read = rotation.read_state(done[len(reading) - 1])
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
        known = known_leads.known_step(connection, ids, prepared[1])
        stored = known_leads.stored_known(run(connection, [known])[0], len(leads))
    else:
        stored = known_leads.stored_known(done[-1], len(leads))
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
    sequence = LeadSequence(
        snapshot, known_leads.BatchKnown([lead.id for lead in leads], stored), split=config.split
    )
    decided = [
        (lead, sequence.route(fields, now, lead_keys))
        for lead, fields, lead_keys in zip(leads, normalized, keys, strict=True)
    ]
    decisions = [routed.decision for _, routed in decided]
    pools, load_rows = rotation.state_rows(read, sequence.state, decisions)
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
        raise rotation.StateMoved
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


def stored(row: LeadRow) -> StoredLead:
    """The routing view of a lead row."""
    return StoredLead(row.id, row.raw, row.received_at, row.status)
