"""Round-robin: the next available member in turn gets the lead.

`PoolState.cursor` is the index in `pool.members` of the member whose turn it is. The scan starts
there and wraps; unavailable members are skipped (their turn passes, they are not penalized
later) and the cursor moves to just after the chosen member. In a large pool the scan stops at
the chosen member, so members after them in turn are neither checked nor listed. Pure: returns a
new PoolState, never mutates one.
"""

from __future__ import annotations

from leadrouter.distribute.roster import Pick, Roster
from leadrouter.model import PoolState, Reason, RepCheck


def pick(roster: Roster, pool_state: PoolState) -> Pick:
    """The first available member from the cursor on, wrapping."""
    members = roster.pool.members
    checks: list[RepCheck] = []
    chosen: int | None = None
    for index in roster.turn_order(pool_state.cursor):
        block = roster.blocker(index)
        if block is not None:
            checks.append(roster.check(index, *block))
        elif chosen is None:
            chosen = index
            checks.append(roster.check(index, Reason.REP_SELECTED, "next in turn"))
            if not roster.list_everyone:
                break
        else:
            checks.append(
                roster.check(index, Reason.NOT_NEXT_IN_TURN, f"{members[chosen]} was ahead in turn")
            )
    if chosen is None:
        return Pick(None, tuple(checks), pool_state)
    cursor = (chosen + 1) % len(members)
    return Pick(members[chosen], tuple(checks), PoolState(cursor, pool_state.current))
