"""Smooth weighted round-robin, exactly as nginx does it.

Each pick, every available member's turn score (`PoolState.current`) grows by its weight; the
highest score wins (ties: first in member order) and the winner's score drops by the total weight
of the members that took part. Over any run with the same members available, each member's count
stays within one of its share N*w/W, and the picks interleave (a 5:1:1 pool gives a a b a c a a,
not a a a a a b c). Unavailable members take no part in that pick and keep their score. Pure:
returns a new PoolState, never mutates one.
"""

from __future__ import annotations

from types import MappingProxyType

from leadrouter.distribute.availability import Block
from leadrouter.distribute.roster import Pick, Roster
from leadrouter.distribute.tally import tallied
from leadrouter.model import PoolState, Reason


def pick(roster: Roster, pool_state: PoolState) -> Pick:
    """The available member with the highest smooth-weighted turn score."""
    seats = roster.seats
    current = pool_state.current
    blocks = roster.blockers()
    scores: dict[str, int] = {}
    total = 0
    chosen: int | None = None
    best = 0
    for index, seat in enumerate(seats):
        score = current.get(seat.id, 0)
        if blocks[index] is None:
            score += seat.weight
            total += seat.weight
            if chosen is None or score > best:
                chosen, best = index, score
        scores[seat.id] = score

    def rival(index: int) -> Block:
        seat = seats[index]
        return (
            Reason.NOT_NEXT_IN_TURN,
            f"turn score {scores[seat.id]} vs {best} (weight {seat.weight})",
        )

    order = range(len(seats))
    if chosen is None:
        return Pick(None, roster.trace(order, blocks, None, "", rival), pool_state)
    winner = seats[chosen]
    scores[winner.id] -= total
    selected = f"highest turn score {best} (weight {winner.weight} of {total})"
    checks = roster.trace(order, blocks, chosen, selected, rival)
    fairness = tallied(pool_state.fairness, winner.id, checks)
    return Pick(winner.id, checks, PoolState(pool_state.cursor, MappingProxyType(scores), fairness))
