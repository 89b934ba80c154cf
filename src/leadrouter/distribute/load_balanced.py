"""Load-balanced distribution: the available member with the least load relative to capacity.

Load is `open / max_open` for a rep with a cap, and `open / weight` (the pool weight, 1 unless
set) for a rep without one, so an uncapped rep with weight 2 is "as loaded" as a weight-1 rep with
half the open leads. A capped rep at 49/50 (0.98) thus counts as less loaded than an uncapped rep
with one open lead (1.0): set caps on everyone in a pool to compare like with like. Equal loads
are broken by round-robin order from the cursor, so a pool of idle reps rotates instead of
always feeding the first; the cursor advances like round-robin. `least_loaded` ranks the same
way for "assign anyway" overflow, relaxing working hours and caps but never availability
(inactive, out of office) or a cap of 0, with equal loads going to the first in member order.
Pure: returns a new PoolState, never mutates one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from leadrouter.distribute.availability import Block, blocker, instant_of
from leadrouter.distribute.roster import NO_LOAD, Pick, Roster, Seat, seats_of
from leadrouter.distribute.tally import tallied
from leadrouter.model import Pool, PoolState, Reason, Rep, RepLoad, RoutingState, Team
from leadrouter.model.frozen import quick_init


@quick_init
@dataclass(frozen=True, slots=True)
class Overflowed:
    """Who an "assign anyway" overflow picked, and the trace's sentence saying what it relaxed."""

    rep: str
    detail: str


def load_ratio(rep: Rep, load: RepLoad, weight: int, credit: float = 0.0) -> float:
    """How loaded a rep is: open/max_open with a cap, open/weight without (see module doc);
    `credit`: open leads calibration counts them as having more (distribute/fairness.py)."""
    room = weight if rep.max_open is None else rep.max_open
    # A cap (or weight) of zero means "takes no leads": infinitely loaded, not a division error.
    return (load.open + credit) / room if room > 0 else math.inf


def _load_text(rep: Rep, load: RepLoad, weight: int) -> str:
    if rep.max_open is not None:
        return f"{load.open}/{rep.max_open}"
    return f"{load.open} (weight {weight})" if weight != 1 else str(load.open)


def pick(roster: Roster, pool_state: PoolState) -> Pick:
    """The available member with the lowest load ratio; ties go to the next in turn."""
    seats = roster.seats
    order = roster.turn_order(pool_state.cursor)
    blocks = roster.blockers()
    ratios: dict[int, float] = {}
    chosen: int | None = None
    credits = roster.credits
    for index in order:
        rep = seats[index].rep
        if blocks[index] is None and rep is not None:  # an unblocked seat always has a rep
            credit = credits.get(index, 0.0) if credits else 0.0
            ratio = ratios[index] = load_ratio(rep, roster.load(index), seats[index].weight, credit)
            if chosen is None or ratio < ratios[chosen]:
                chosen = index

    def load_text(index: int) -> str:
        seat = seats[index]
        assert seat.rep is not None  # only available members are described
        text = _load_text(seat.rep, roster.load(index), seat.weight)
        credit = credits.get(index, 0.0) if credits else 0.0
        return f"{text} (+{credit:.1f} calibration)" if credit >= 0.05 else text

    def rival(index: int) -> Block:
        assert chosen is not None  # rivals exist only when someone was chosen
        if ratios[index] > ratios[chosen]:
            return Reason.HIGHER_LOAD, f"{load_text(index)} open vs {load_text(chosen)}"
        return Reason.NOT_NEXT_IN_TURN, f"same load ({load_text(index)} open), not next in turn"

    if chosen is None:
        return Pick(None, roster.trace(order, blocks, None, "", rival), pool_state)
    selected = f"lowest load: {load_text(chosen)} open"
    checks = roster.trace(order, blocks, chosen, selected, rival)
    cursor = (chosen + 1) % len(seats)
    fairness = tallied(pool_state.fairness, seats[chosen].id, checks)
    return Pick(seats[chosen].id, checks, PoolState(cursor, pool_state.current, fairness))


def least_loaded(
    pool: Pool,
    team: Team,
    state: RoutingState,
    now: datetime,
    allowed: frozenset[str] | None = None,
) -> Overflowed | None:
    """The member an "assign anyway" overflow gives the lead to; None when nobody is available.

    Only working hours and caps are relaxed, because the policy said so (`when_full:
    least_loaded`): inactive and out-of-office members, and members with a cap of 0, are never
    picked. Among the others the lowest load ratio wins (see `load_ratio`), equal ratios going to
    the first in member order: a deterministic rule that needs no state. `allowed`: the members
    the policy's eligibility and the reps' own `takes` let take this lead (None: everyone).
    """
    instant = instant_of(now)
    best: tuple[float, int] | None = None
    chosen: Seat | None = None
    for index, seat in enumerate(seats_of(pool, team)):
        rep = seat.rep
        if rep is None or blocker(rep, None, NO_LOAD, instant, False) is not None:
            continue
        if allowed is not None and seat.id not in allowed:
            continue
        load = state.loads.get(seat.id, NO_LOAD)
        rank = (load_ratio(rep, load, seat.weight), index)
        if best is None or rank < best:
            best, chosen = rank, seat
    if chosen is None:
        return None
    rep = chosen.rep
    assert rep is not None  # only seats with a rep are ranked
    load = state.loads.get(chosen.id, NO_LOAD)
    detail = f"least loaded available member: {_load_text(rep, load, chosen.weight)} open"
    hours = blocker(rep, chosen.week, load, instant, False)
    cap = blocker(rep, None, load, instant, True)
    relaxed = [block[1] for block in (hours, cap) if block is not None]
    if relaxed:
        detail += f"; assigned anyway despite: {'; '.join(relaxed)}"
    return Overflowed(chosen.id, detail)
