"""`pick_rep`: choose who in a pool gets the lead now, with the pool's strategy.

The strategy decides among the members who are available (active, not out of office, inside
working hours when the pool follows the sun, under their caps); every member considered gets a
RepCheck in the trace. Pure: the pool's new state is returned for the engine to pass on as an
effect, never written anywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime

from leadrouter.distribute import load_balanced, round_robin, weighted
from leadrouter.distribute.availability import Instant
from leadrouter.distribute.periods import period_key
from leadrouter.distribute.roster import Pick, Roster, seats_of
from leadrouter.model import Pool, PoolState, RoutingState, Strategy, Team

_STRATEGIES: Mapping[Strategy, Callable[[Roster, PoolState], Pick]] = {
    Strategy.ROUND_ROBIN: round_robin.pick,
    Strategy.WEIGHTED: weighted.pick,
    Strategy.LOAD_BALANCED: load_balanced.pick,
}


def pick_rep(pool: Pool, team: Team, state: RoutingState, now: datetime) -> Pick:
    """The member of `pool` who gets a lead arriving at `now` (None: nobody can), and why."""
    instant = Instant(now)  # checks `now` is aware, even for an empty pool
    pool_state = state.pool(pool.id)
    period = None
    if pool.reset is not None:  # fairness counts start afresh each period
        period = period_key(pool.reset, now)
        if pool_state.period != period:
            pool_state = PoolState(period=period)
    if not pool.members:
        return Pick(None, (), pool_state)
    pick = _STRATEGIES[pool.strategy](
        Roster(pool, seats_of(pool, team), state.loads, instant), pool_state
    )
    if period is not None and pick.pool_state.period != period:
        pick = Pick(pick.rep, pick.checks, replace(pick.pool_state, period=period))
    return pick
