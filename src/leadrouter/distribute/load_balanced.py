"""Load-balanced distribution: the available member with the least load relative to capacity.

Load is `open / max_open` for a rep with a cap, and `open / weight` (the pool weight, 1 unless
set) for a rep without one, so an uncapped rep with weight 2 is "as loaded" as a weight-1 rep with
half the open leads. A capped rep at 49/50 (0.98) thus counts as less loaded than an uncapped rep
with one open lead (1.0): set caps on everyone in a pool to compare like with like. Equal loads
are broken by round-robin order from the cursor, so a pool of idle reps rotates instead of
always feeding the first; the cursor advances like round-robin. `least_loaded` ranks the same
way for "assign anyway" overflow. Pure: returns a new PoolState, never mutates one.
"""

from __future__ import annotations

import math

from leadrouter.distribute.availability import Block
from leadrouter.distribute.roster import NO_LOAD, Pick, Roster
from leadrouter.model import Pool, PoolState, Reason, Rep, RepLoad, RoutingState, Team


def load_ratio(rep: Rep, load: RepLoad, weight: int) -> float:
    """How loaded a rep is: open/max_open with a cap, open/weight without (see module doc)."""
    room = weight if rep.max_open is None else rep.max_open
    # A cap (or weight) of zero means "takes no leads": infinitely loaded, not a division error.
    return load.open / room if room > 0 else math.inf


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
    for index in order:
        rep = seats[index].rep
        if blocks[index] is None and rep is not None:  # an unblocked seat always has a rep
            ratio = ratios[index] = load_ratio(rep, roster.load(index), seats[index].weight)
            if chosen is None or ratio < ratios[chosen]:
                chosen = index

    def load_text(index: int) -> str:
        seat = seats[index]
        assert seat.rep is not None  # only available members are described
        return _load_text(seat.rep, roster.load(index), seat.weight)

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
    return Pick(seats[chosen].id, checks, PoolState(cursor, pool_state.current))


def least_loaded(pool: Pool, team: Team, state: RoutingState) -> str | None:
    """The active member with the lowest load ratio, ties by member order; None if none active.

    For "assign anyway" overflow: absences, working hours and caps are deliberately ignored.
    """
    best: str | None = None
    best_ratio = math.inf
    for rep_id in pool.members:
        rep = team.reps.get(rep_id)
        if rep is None or not rep.active:
            continue
        ratio = load_ratio(rep, state.loads.get(rep_id, NO_LOAD), pool.weight(rep_id))
        if best is None or ratio < best_ratio:
            best, best_ratio = rep_id, ratio
    return best
