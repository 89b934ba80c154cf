"""Least-recently-assigned: the available member whose last lead from this pool is the oldest.

Each pick is numbered in the pool's fairness record (`Fairness.last`: rep -> pick number of their
last lead), so "oldest" is exact even for leads routed in the same instant. A member never
assigned counts as the oldest of all. Only members never assigned can tie; the tie is broken by a
draw from a generator seeded with the policy's `distribution: seed`, the pool and the pick
number, never the clock, so the same leads in the same order give the same owners on every run.
Pure: returns a new PoolState, never mutates one.
"""

from __future__ import annotations

import random

from leadrouter.distribute.availability import Block
from leadrouter.distribute.roster import Pick, Roster
from leadrouter.distribute.tally import tallied
from leadrouter.model import PoolState, Reason


def pick(roster: Roster, pool_state: PoolState) -> Pick:
    """The available member assigned least recently (never assigned: first), ties drawn."""
    seats = roster.seats
    fairness = pool_state.fairness
    last = fairness.last
    blocks = roster.blockers()
    oldest: int | None = None
    tied: list[int] = []
    for index, seat in enumerate(seats):
        if blocks[index] is not None:
            continue
        when = last.get(seat.id, 0)
        if oldest is None or when < oldest:
            oldest, tied = when, [index]
        elif when == oldest:
            tied.append(index)
    order = range(len(seats))
    if oldest is None:
        return Pick(None, roster.trace(order, blocks, None, "", _unused), pool_state)
    chosen = tied[0]
    if len(tied) > 1:
        draw = random.Random(f"{roster.seed}/{roster.pool.id}/{fairness.picks}")
        chosen = tied[draw.randrange(len(tied))]
    picks = fairness.picks

    def ago(index: int) -> str:
        when = last.get(seats[index].id, 0)
        return "never assigned" if when == 0 else f"last assigned the pool's lead {when} of {picks}"

    def rival(index: int) -> Block:
        if last.get(seats[index].id, 0) == oldest:
            return Reason.NOT_NEXT_IN_TURN, f"{ago(index)} too; the seeded draw chose another"
        return Reason.ASSIGNED_MORE_RECENTLY, ago(index)

    selected = f"least recently assigned: {ago(chosen)}"
    if len(tied) > 1:
        selected += f" (tie of {len(tied)} broken by the draw seeded {roster.seed})"
    checks = roster.trace(order, blocks, chosen, selected, rival)
    cursor = (chosen + 1) % len(seats)
    after = tallied(fairness, seats[chosen].id, checks)
    return Pick(seats[chosen].id, checks, PoolState(cursor, pool_state.current, after))


def _unused(index: int) -> Block:
    raise AssertionError("no rival without a chosen member")
