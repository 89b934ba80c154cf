"""Routing a sequence of leads: the one loop that every shell feeds.

Each lead sees the rotation state and the earlier leads that the ones before it left, exactly as
if each had been routed alone, in order. The service (a batch of requests), `leadrouter route`
(a CSV), the policy simulation and the demo seeder all route through `LeadSequence`, so a replay
of stored leads decides as live routing did. Pure like the engine: the sequence moves its own
state and known-lead index forward; persisting them is the caller's job.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from leadrouter.engine import Snapshot, apply_effects, route
from leadrouter.matching import DedupeKeys, KnownLead, LeadIndex, dedupe_keys
from leadrouter.model import Decision, Lead, Propensity, RoutingState
from leadrouter.model.frozen import quick_init
from leadrouter.propensity import propensity
from leadrouter.split import Split, identity


@quick_init
@dataclass(frozen=True, slots=True)
class Routed:
    """One lead of a sequence, routed: as normalized, its dedupe keys, its decision, how later
    leads remember it, and the rotation state after it."""

    lead: Lead
    keys: DedupeKeys
    decision: Decision
    known: KnownLead
    state: RoutingState


def remembered(lead_id: str, keys: DedupeKeys, decision: Decision) -> KnownLead:
    """How later leads find this one: its keys, its owner and, when matched strongly, its
    account (a weak match is no ground for calling two people at it the same lead)."""
    match = decision.trace.match
    account_id = match.account.id if match is not None and match.strong else None
    return KnownLead(lead_id, decision.owner, keys.email_key, keys.phone, keys.name_key, account_id)


class KnownLeads(Protocol):
    """Earlier leads that a sequence asks for duplicates and tells of every lead it routes: a
    `LeadIndex`, or the service's view of stored leads (`leads/known_leads.py`)."""

    def find(
        self, lead: Lead, account_id: str | None, keys: DedupeKeys | None = None
    ) -> tuple[KnownLead, str] | None: ...

    def add(self, known: KnownLead) -> None: ...


class LeadSequence:
    """Routes leads one after another from a snapshot, carrying state and earlier leads.

    `known`, when given, holds the leads before the sequence (a `LeadIndex` they were added to
    oldest first, by default an empty one); it learns every lead routed. The caller may change
    the snapshot between leads (another policy version from a given time, capacity freed as
    leads close). With a `split` (an A/B test), the split's arm for each lead decides it while
    the split is active, every arm sharing the one rotation state. Every decision records its
    propensity (`propensity.py`), unless `propensities` is False: a backtest, which reads only
    where each lead went, leaves it None (it never moves the state, so decisions are otherwise
    the same).
    """

    __slots__ = ("known", "propensities", "snapshot", "split")

    def __init__(
        self,
        snapshot: Snapshot,
        known: KnownLeads | None = None,
        split: Split | None = None,
        *,
        propensities: bool = True,
    ) -> None:
        self.known: KnownLeads = known if known is not None else LeadIndex()
        self.snapshot = replace(snapshot, known_leads=self.known)
        self.split = split
        self.propensities = propensities

    @property
    def state(self) -> RoutingState:
        return self.snapshot.state

    def route(self, lead: Lead, now: datetime, keys: DedupeKeys | None = None) -> Routed:
        """Decide `lead` at `now`, then move the state and the earlier leads past it. `keys`:
        the lead's `dedupe_keys`, when the caller has them already."""
        keys = keys if keys is not None else dedupe_keys(lead)
        snapshot = self.snapshot
        split = self.split
        if split is not None and split.active(now):
            arm = split.arm_for(identity(lead, keys))
            if arm.policy is not snapshot.policy:
                snapshot = replace(snapshot, policy=arm.policy)
            if arm.team is not None:
                snapshot = replace(snapshot, team=arm.team)
            decision = route(lead, snapshot, now, lead_id=lead.id, dedupe_keys=keys)
            chance = propensity(
                decision, snapshot, now, share=arm.share, arm=arm.name, experiment=split.id
            )
            decision = _with_propensity(decision, chance)
        else:
            decision = route(lead, snapshot, now, lead_id=lead.id, dedupe_keys=keys)
            if self.propensities:
                decision = _with_propensity(decision, propensity(decision, snapshot, now))
        state = apply_effects(self.snapshot.state, decision)
        self.snapshot = self.snapshot.with_state(state)
        known = remembered(lead.id or "", keys, decision)
        self.known.add(known)
        return Routed(lead, keys, decision, known, state)


def _with_propensity(decision: Decision, chance: Propensity) -> Decision:
    """`replace(decision, propensity=chance)` at two thirds of its cost, once per lead: positional,
    in the order of Decision's fields in model.py."""
    d = decision
    return Decision(
        d.kind, d.owner, d.queue, d.rule, d.policy_version, d.at, d.trace, d.effects, d.fallback,
        d.pool, chance,
    )  # fmt: skip


def route_many(
    leads: Iterable[tuple[Lead, datetime]], snapshot: Snapshot, known: KnownLeads | None = None
) -> Iterator[Routed]:
    """Route `(lead, at)` pairs in order from `snapshot` (see `LeadSequence`)."""
    sequence = LeadSequence(snapshot, known)
    for lead, at in leads:
        yield sequence.route(lead, at)
