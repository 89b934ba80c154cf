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

from leadrouter.engine import Snapshot, apply_effects, route
from leadrouter.matching import DedupeKeys, KnownLead, LeadIndex, dedupe_keys
from leadrouter.model import Decision, Lead, RoutingState


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


class LeadSequence:
    """Routes leads one after another from a snapshot, carrying state and earlier leads.

    `snapshot.known_leads`, when given, must be a `LeadIndex` of the leads before the sequence
    (added oldest first); it grows with every lead routed. The caller may change the snapshot
    between leads (another policy version from a given time, capacity freed as leads close).
    """

    __slots__ = ("snapshot",)

    def __init__(self, snapshot: Snapshot) -> None:
        known = snapshot.known_leads if snapshot.known_leads is not None else LeadIndex()
        if not isinstance(known, LeadIndex):
            raise TypeError("a sequence remembers its leads in a LeadIndex")
        self.snapshot = replace(snapshot, known_leads=known)

    @property
    def state(self) -> RoutingState:
        return self.snapshot.state

    def route(self, lead: Lead, now: datetime) -> Routed:
        """Decide `lead` at `now`, then move the state and the earlier leads past it."""
        keys = dedupe_keys(lead)
        decision = route(lead, self.snapshot, now, lead_id=lead.id, dedupe_keys=keys)
        state = apply_effects(self.snapshot.state, decision)
        self.snapshot = self.snapshot.with_state(state)
        known = remembered(lead.id or "", keys, decision)
        self.snapshot.known_leads.add(known)  # type: ignore[union-attr]
        return Routed(lead, keys, decision, known, state)


def route_many(leads: Iterable[tuple[Lead, datetime]], snapshot: Snapshot) -> Iterator[Routed]:
    """Route `(lead, at)` pairs in order from `snapshot` (see `LeadSequence`)."""
    sequence = LeadSequence(snapshot)
    for lead, at in leads:
        yield sequence.route(lead, at)
