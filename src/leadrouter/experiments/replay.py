"""Past leads replayed through one setup (policy, team, accounts) by the one routing loop.

Every side of a comparison starts from the same state: an empty rotation, the same earlier leads
for duplicates, and each lead at its own arrival time. A lead's recorded close (its first
outcome) frees its rep's open-lead slot from then on, as it did live, so a month of leads does
not pile up against `max_open`. Leads are normalized, keyed and matched to accounts once and
shared by every side that reads them the same way; sides replayed together route each lead in
turn and score it once when their policies score alike. Pure: it reads only the values it is
given.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from leadrouter.engine import AccountMatcher, Snapshot
from leadrouter.experiments.history import Arrival
from leadrouter.matching import DedupeKeys, KnownLead, LeadIndex, dedupe_keys
from leadrouter.model import Lead, RepLoad, RoutingState, Score, Team
from leadrouter.normalize import normalize_lead
from leadrouter.policy.compiled import CompiledPolicy
from leadrouter.scoring import ScoringModel
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

    __slots__ = ("_found", "index")

    def __init__(self, index: AccountMatcher) -> None:
        self.index = index
        self._found: dict[str | None, object] = {}

    def match(self, lead: Lead) -> object:
        found = self._found.get(lead.id)
        if found is None:
            found = self._found[lead.id] = self.index.match(lead)
        return found

    def keep(self, leads: Iterable[Lead], matches: Iterable[object | None]) -> None:
        """Take `matches` as what `index` found for `leads` (arrival order; matched in parts,
        some by another process): a lead id met before keeps its first match, as with `match`;
        a lead whose match is None is matched when asked."""
        found = self._found
        for lead, match in zip(leads, matches, strict=True):
            if match is not None:
                found.setdefault(lead.id, match)


class Prepared:
    """The arrivals normalized and keyed once per set of custom fields a policy declares."""

    def __init__(self, arrivals: Sequence[Arrival]) -> None:
        self.arrivals = arrivals
        self._leads: dict[object, tuple[list[Lead], list[DedupeKeys]]] = {}

    def leads(self, policy: CompiledPolicy) -> tuple[list[Lead], list[DedupeKeys]]:
        key = fields_key(policy)
        if key not in self._leads:
            self._leads[key] = self.normalized(policy, 0, len(self.arrivals))
        return self._leads[key]

    def normalized(
        self, policy: CompiledPolicy, start: int, stop: int
    ) -> tuple[list[Lead], list[DedupeKeys]]:
        """Arrivals `start:stop` normalized and keyed as `policy` reads them, not kept."""
        custom = policy.custom_fields
        leads = [
            normalize_lead(a.raw, custom, id=a.id, received_at=a.at)
            for a in self.arrivals[start:stop]
        ]
        return leads, [dedupe_keys(lead) for lead in leads]

    def keep(self, policy: CompiledPolicy, leads: list[Lead], keys: list[DedupeKeys]) -> None:
        """Take `leads` and `keys` as every arrival normalized and keyed as `policy` reads them
        (by `normalized`, in parts)."""
        self._leads[fields_key(policy)] = (leads, keys)


def fields_key(policy: CompiledPolicy) -> object:
    """What normalizing a lead depends on in a policy: its custom fields."""
    return tuple(sorted(policy.custom_fields.items()))


class ScoreOnce:
    """A scoring model shared by the sides of a replay whose policies score alike (equal
    `scoring_source`), which route each lead in turn: a side whose context equals the one scored
    last takes its score (a Score depends on the context alone), so a lead is scored once unless
    the sides see it differently (another earlier owner, another account)."""

    __slots__ = ("_ctx", "_model", "_score")

    def __init__(self, model: ScoringModel) -> None:
        self._model = model
        self._ctx: dict[str, Any] | None = None
        self._score: Score | None = None

    def score(self, ctx: dict[str, Any]) -> Score:
        if self._score is not None and ctx == self._ctx:
            return self._score
        score = self._score = self._model.score(ctx)
        self._ctx = dict(ctx)  # the engine adds to `ctx` after scoring
        return score


def sharing_scores(setups: Sequence[Setup]) -> list[Setup]:
    """`setups`, those whose policies score as the first's do sharing one `ScoreOnce` (the
    others unchanged). For the replay only: the report reads the setups as given."""
    source = setups[0].policy.scoring_source if setups else None
    alike = [source is not None and s.policy.scoring_source == source for s in setups]
    if sum(alike) < 2:
        return list(setups)
    shared: Any = ScoreOnce(setups[0].policy.scoring)  # does what a ScoringModel does for routing
    return [
        replace(s, policy=replace(s.policy, scoring=shared)) if same else s
        for s, same in zip(setups, alike, strict=True)
    ]


class _Side:
    """One setup's replay: its sequence, its leads as its policy reads them, and the closes of
    the leads it assigned, soonest first."""

    __slots__ = ("closes", "keys", "leads", "open_for", "routed", "sequence")

    def __init__(
        self,
        prepared: Prepared,
        setup: Setup,
        known: Iterable[KnownLead],
        open_for: timedelta | None,
        propensities: bool,
    ) -> None:
        index = LeadIndex()
        for earlier in known:
            index.add(earlier)
        snapshot = Snapshot(policy=setup.policy, team=setup.team, accounts=setup.accounts)
        self.sequence = LeadSequence(snapshot, index, propensities=propensities)
        self.leads, self.keys = prepared.leads(setup.policy)
        self.open_for = open_for
        # (closed at, order, rep), the time in seconds since the epoch: aware datetimes compare
        # through their UTC offsets, a tenth of the heap's speed.
        self.closes: list[tuple[float, int, str]] = []
        self.routed: list[Routed] = []

    def route(self, n: int, arrival: Arrival, at: float) -> None:
        """Route lead `n`, arriving at `at` (`arrival.at` in seconds since the epoch)."""
        sequence, closes = self.sequence, self.closes
        if closes and closes[0][0] <= at:
            sequence.snapshot = sequence.snapshot.with_state(_release(sequence.state, closes, at))
        done = sequence.route(self.leads[n], arrival.at, self.keys[n])
        self.routed.append(done)
        rep = done.decision.effects.assigned_rep
        closed = arrival.closed_at
        if closed is None and self.open_for is not None:
            closed = arrival.at + self.open_for
        if rep is not None and closed is not None:
            heapq.heappush(closes, (closed.timestamp(), n, rep))


def replay_sides(
    prepared: Prepared,
    setups: Sequence[Setup],
    known: Iterable[KnownLead] = (),
    *,
    open_for: timedelta | None = None,
    on_each: Callable[[int], None] | None = None,
    propensities: bool = True,
) -> list[list[Routed]]:
    """Each arrival routed at its own time through each of `setups`, each from an empty
    rotation state and the `known` earlier leads (oldest first), every side deciding a lead
    before any decides the next, so that they share its score (`sharing_scores`). `open_for`:
    how long a lead without a recorded close keeps its rep's slot (None: for good).
    `propensities=False` leaves each decision's propensity unset (see `LeadSequence`): for
    reports that read only where leads went. `on_each(n)`: after each side's lead n."""
    known = list(known)
    sides = [_Side(prepared, s, known, open_for, propensities) for s in sharing_scores(setups)]
    for n, arrival in enumerate(prepared.arrivals):
        at = arrival.at.timestamp()
        for side in sides:
            side.route(n, arrival, at)
            if on_each is not None:
                on_each(n)
    return [side.routed for side in sides]


def replay(
    prepared: Prepared,
    setup: Setup,
    known: Iterable[KnownLead] = (),
    *,
    open_for: timedelta | None = None,
    on_each: Callable[[int], None] | None = None,
    propensities: bool = True,
) -> list[Routed]:
    """The arrivals replayed through one setup (see `replay_sides`)."""
    (routed,) = replay_sides(
        prepared, (setup,), known, open_for=open_for, on_each=on_each, propensities=propensities
    )
    return routed


def _release(state: RoutingState, closes: list[tuple[float, int, str]], now: float) -> RoutingState:
    """`state` with one open lead fewer for each rep whose lead closed by `now` (their period
    counts and the company claims unchanged: closing a lead frees a slot, nothing else)."""
    loads = dict(state.loads)
    while closes and closes[0][0] <= now:
        _, _, rep = heapq.heappop(closes)
        loads[rep] = (loads.get(rep) or RepLoad()).closed_one()
    return RoutingState(state.pools, loads, state.companies)
