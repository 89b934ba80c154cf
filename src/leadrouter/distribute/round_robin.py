"""Round-robin: the next available member in turn gets the lead.

`PoolState.cursor` is the index in `pool.members` of the member whose turn it is. The scan starts
there, wraps, and stops at the first available member: unavailable members on the way are skipped
with their reason (their turn passes; they are not penalized later) and the cursor moves to just
after the chosen member. Members after the chosen one are not considered, so they are neither
checked nor listed: a round-robin trace never holds NOT_NEXT_IN_TURN, and a pick costs as many
availability checks as there are skips, not pool members. Pure: returns a new PoolState, never
mutates one.
"""

from __future__ import annotations

from leadrouter.distribute.roster import Pick, Roster
from leadrouter.distribute.tally import tallied
from leadrouter.model import PoolState, Reason, RepCheck


def pick(roster: Roster, pool_state: PoolState) -> Pick:
    """The first available member from the cursor on, wrapping."""
    checks: list[RepCheck] = []
    for index in roster.turn_order(pool_state.cursor):
        block = roster.blocker(index)
        if block is not None:
            checks.append(roster.check(index, *block))
            continue
        checks.append(roster.check(index, Reason.REP_SELECTED, "next in turn"))
        cursor = (index + 1) % len(roster.seats)
        rep, done = roster.seats[index].id, tuple(checks)
        fairness = tallied(pool_state.fairness, rep, done)
        return Pick(rep, done, PoolState(cursor, pool_state.current, fairness))
    return Pick(None, tuple(checks), pool_state)
