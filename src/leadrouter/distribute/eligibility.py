"""Which members of a pool may take this lead, and which of them come first.

Applied before the pool's strategy, in this order, each step only among the members still in:
1. a rep's own `takes` condition (a rep who only takes `score >= 20`);
2. the pool's `eligible` condition over the lead and the candidate rep (`rep.languages contains
   language`); when no *available* member is eligible, the pool's `otherwise_eligible` applies
   instead (or nobody), and the trace says so;
3. preferences: when some available member `prefers` the lead, the others wait;
4. priority tiers: only the highest tier among the available members takes part.
The strategy then chooses among the members left. Members set aside get a RepCheck with the
reason and the clause that decided. Pure: reads the lead's context and the team, returns values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from leadrouter.distribute.availability import Block
from leadrouter.distribute.memo import IdentityMemo
from leadrouter.distribute.roster import Roster
from leadrouter.model import Note, Reason, Rep
from leadrouter.model.frozen import quick_init
from leadrouter.policy.compiled import Condition
from leadrouter.policy.distribution import Candidate, Distribution, PoolRules, rep_fields

_rep_view: IdentityMemo[dict[str, Any]] = IdentityMemo(rep_fields, size=4096)


@quick_init
@dataclass(frozen=True, slots=True)
class Screen:
    overrides: dict[int, Block]
    notes: tuple[Note, ...]
    eligible: frozenset[str] | None  # members allowed whether available or not; None: all


def applies(pool_members: tuple[str, ...], rules: PoolRules | None, dist: Distribution) -> bool:
    """Whether anything here concerns the pool: its own rules or a member's `takes`/`prefers`."""
    if rules is not None and (rules.eligible is not None or rules.priority):
        return True
    return bool(dist.reps) and any(rep in dist.reps for rep in pool_members)


def _why_not(condition: Condition, candidate: Candidate) -> str:
    index = condition.first_false(candidate)
    clause = condition.clauses[index] if index >= 0 else None
    if clause is None:
        return condition.source
    values = "; ".join(f"{f} = {_show(candidate.get(f))}" for f in clause.fields)
    return f"{clause.source} ({values})" if values else clause.source


def _show(value: Any) -> str:
    if value is None:
        return "missing"
    if isinstance(value, tuple):
        return "[" + ", ".join(value) + "]"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def screen(
    roster: Roster, rules: PoolRules | None, dist: Distribution, ctx: Mapping[str, Any]
) -> Screen:
    """The members set aside for this lead (by index, with why), notes, and the members allowed."""
    seats = roster.seats
    available = [
        i for i in range(len(seats)) if seats[i].rep is not None and roster.blocker(i) is None
    ]
    in_play = {i for i in range(len(seats)) if seats[i].rep is not None}
    overrides: dict[int, Block] = {}
    notes: list[Note] = []
    candidates = {i: Candidate(ctx, _rep_view(_rep(roster, i))) for i in in_play}

    # 1. each rep's own filter
    for i in sorted(in_play):
        own = dist.reps.get(seats[i].id)
        if own is not None and own.takes is not None and own.takes.first_false(candidates[i]) >= 0:
            in_play.discard(i)
            overrides[i] = Reason.REP_FILTERED, f"takes only {_why_not(own.takes, candidates[i])}"

    # 2. the pool's eligibility, with its fallback when no available member qualifies
    restricted = dist.reps.keys() & {seat.id for seat in seats}
    if rules is not None and rules.eligible is not None:
        restricted = {seat.id for seat in seats}
        eligible = {i for i in in_play if rules.eligible.first_false(candidates[i]) < 0}
        condition = rules.eligible
        if not eligible & set(available):
            fallback = rules.otherwise
            if fallback is None:
                notes.append(
                    Note(
                        Reason.ELIGIBILITY_FALLBACK,
                        f"no available member of pool {roster.pool.name} is eligible"
                        f" ({rules.eligible.source}) and the pool names no otherwise_eligible",
                    )
                )
            else:
                fallen = {i for i in in_play if fallback.first_false(candidates[i]) < 0}
                notes.append(
                    Note(
                        Reason.ELIGIBILITY_FALLBACK,
                        f"no available member of pool {roster.pool.name} is eligible"
                        f" ({rules.eligible.source}): falling back to"
                        f" {'everyone' if fallback.always else fallback.source}",
                    )
                )
                if fallen & set(available):
                    eligible, condition = fallen, fallback
        for i in sorted(in_play - eligible):
            overrides[i] = (
                Reason.REP_NOT_ELIGIBLE,
                f"not eligible: {_why_not(condition, candidates[i])}",
            )
        in_play &= eligible

    allowed = frozenset(seats[i].id for i in in_play) if restricted else None
    # Availability names the more fundamental reason: only available members are set aside.
    overrides = {i: block for i, block in overrides.items() if i in available}
    left = [i for i in available if i in in_play]

    # 3. preferences
    preferring = []
    for i in left:
        own = dist.reps.get(seats[i].id)
        if (
            own is not None
            and own.prefers is not None
            and own.prefers.first_false(candidates[i]) < 0
        ):
            preferring.append(i)
    if preferring and len(preferring) < len(left):
        names = ", ".join(seats[i].id for i in preferring)
        for i in left:
            if i not in preferring:
                overrides[i] = (
                    Reason.OTHER_PREFERRED,
                    f"{names} prefer{'s' if len(preferring) == 1 else ''} this lead",
                )
        left = preferring

    # 4. priority tiers
    if rules is not None and rules.priority and left:
        tier = rules.priority
        top = max(tier.get(seats[i].id, 0) for i in left)
        for i in left:
            mine = tier.get(seats[i].id, 0)
            if mine < top:
                overrides[i] = (
                    Reason.LOWER_PRIORITY,
                    f"priority {mine}, below the available members of priority {top}",
                )
    return Screen(overrides, tuple(notes), allowed)


def _rep(roster: Roster, index: int) -> Rep:
    rep = roster.seats[index].rep
    assert rep is not None  # only members on the team are screened
    return rep
