"""Past leads replayed through one setup (policy, team, accounts) by the one routing loop.

Every side of a comparison starts from the same state: an empty rotation, the same earlier leads
for duplicates, and each lead at its own arrival time. A lead's recorded close (its first
outcome) frees its rep's open-lead slot from then on, as it did live, so a month of leads does
not pile up against `max_open`. Leads are normalized, keyed and matched to accounts once and
shared by every side that reads them the same way. Pure apart from the values it is given.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from leadrouter.engine import AccountMatcher, Snapshot
from leadrouter.experiments.history import Arrival
from leadrouter.matching import DedupeKeys, KnownLead, LeadIndex, dedupe_keys
from leadrouter.model import Lead, RepLoad, RoutingState, Team
from leadrouter.normalize import normalize_lead
from leadrouter.policy.compiled import CompiledPolicy
from leadrouter.sequence import LeadSequence, Routed


@dataclass(frozen=True, slots=True)
class Setup:
    """What one side of a comparison routes with."""

    label: str  # "current", "draft", "before", "after"
    policy: CompiledPolicy
    team: Team
    accounts: AccountMatcher | None = None


class MatchOnce:
    """An account matcher that matches each lead id once, for every side that shares it."""

    __slots__ = ("_found", "_index")

    def __init__(self, index: AccountMatcher) -> None:
        self._index = index
        self._found: dict[str | None, object] = {}

    def match(self, lead: Lead) -> object:
        found = self._found.get(lead.id)
        if found is None:
            found = self._found[lead.id] = self._index.match(lead)
        return found


class Prepared:
    """The arrivals normalized and keyed once per set of custom fields a policy declares."""

    def __init__(self, arrivals: Sequence[Arrival]) -> None:
        self.arrivals = arrivals
        self._leads: dict[object, tuple[list[Lead], list[DedupeKeys]]] = {}

    def leads(self, policy: CompiledPolicy) -> tuple[list[Lead], list[DedupeKeys]]:
        key = tuple(sorted(policy.custom_fields.items()))
        if key not in self._leads:
            custom = policy.custom_fields
            leads = [
                normalize_lead(a.raw, custom, id=a.id, received_at=a.at) for a in self.arrivals
            ]
            self._leads[key] = (leads, [dedupe_keys(lead) for lead in leads])
        return self._leads[key]


def replay(
    prepared: Prepared,
    setup: Setup,
    known: Iterable[KnownLead] = (),
    *,
    open_for: timedelta | None = None,
    on_each: Callable[[int], None] | None = None,
    propensities: bool = True,
) -> list[Routed]:
    """Each arrival routed at its own time through `setup`, from an empty rotation state and
    the `known` earlier leads (oldest first). `open_for`: how long a lead without a recorded
    close keeps its rep's slot (None: for good). `propensities=False` leaves each decision's
    propensity unset (see `LeadSequence`): for reports that read only where leads went."""
    index = LeadIndex()
    for earlier in known:
        index.add(earlier)
    snapshot = Snapshot(policy=setup.policy, team=setup.team, accounts=setup.accounts)
    sequence = LeadSequence(snapshot, index, propensities=propensities)
    leads, keys = prepared.leads(setup.policy)
    closes: list[tuple[datetime, int, str]] = []  # (closed at, order, rep)
    routed = []
    for n, (arrival, lead, lead_keys) in enumerate(
        zip(prepared.arrivals, leads, keys, strict=True)
    ):
        if closes and closes[0][0] <= arrival.at:
            sequence.snapshot = sequence.snapshot.with_state(
                _release(sequence.state, closes, arrival.at)
            )
        done = sequence.route(lead, arrival.at, lead_keys)
        routed.append(done)
        rep = done.decision.effects.assigned_rep
        closed = arrival.closed_at
        if closed is None and open_for is not None:
            closed = arrival.at + open_for
        if rep is not None and closed is not None:
            heapq.heappush(closes, (closed, n, rep))
        if on_each is not None:
            on_each(n)
    return routed


def _release(
    state: RoutingState, closes: list[tuple[datetime, int, str]], now: datetime
) -> RoutingState:
    """`state` with one open lead fewer for each rep whose lead closed by `now` (their period
    counts and the company claims unchanged: closing a lead frees a slot, nothing else)."""
    loads = dict(state.loads)
    while closes and closes[0][0] <= now:
        _, _, rep = heapq.heappop(closes)
        load = loads.get(rep) or RepLoad()
        loads[rep] = replace(load, open=max(load.open - 1, 0))
    return RoutingState(state.pools, loads, state.companies)
