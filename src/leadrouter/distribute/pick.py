"""`pick_rep`: choose who in a pool gets the lead now, with the pool's strategy.

The strategy decides among the members who are available (active, not out of office, inside
working hours when the pool follows the sun, under their caps) and whom the policy's
`distribution:` rules leave in for this lead (eligibility, the reps' own `takes` and `prefers`,
priority tiers: eligibility.py); every member considered gets a RepCheck in the trace. Before
the pick, newcomers and returning members are calibrated, and after it the pool's fairness
record counts the lead (tally.py), whatever the strategy. Pure: the pool's new state is
returned for the engine to pass on as an effect, never written anywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from leadrouter.distribute import least_recent, load_balanced, round_robin, weighted
from leadrouter.distribute.availability import instant_of
from leadrouter.distribute.eligibility import applies, screen
from leadrouter.distribute.fairness import calibrate, credits, settled
from leadrouter.distribute.periods import period_key
from leadrouter.distribute.roster import Narrowed, Pick, Roster, seats_of
from leadrouter.model import EMPTY, Note, Pool, PoolState, RoutingState, Strategy, Team
from leadrouter.policy.distribution import NO_DISTRIBUTION, Distribution

_STRATEGIES: Mapping[Strategy, Callable[[Roster, PoolState], Pick]] = {
    Strategy.ROUND_ROBIN: round_robin.pick,
    Strategy.WEIGHTED: weighted.pick,
    Strategy.LOAD_BALANCED: load_balanced.pick,
    Strategy.LEAST_RECENTLY_ASSIGNED: least_recent.pick,
}


def pick_rep(
    pool: Pool,
    team: Team,
    state: RoutingState,
    now: datetime,
    *,
    ctx: Mapping[str, Any] = EMPTY,
    distribution: Distribution = NO_DISTRIBUTION,
) -> Pick:
    """The member of `pool` who gets a lead arriving at `now` (None: nobody can), and why.

    `ctx` is the lead's evaluation context, which `distribution`'s conditions read."""
    instant = instant_of(now)  # checks `now` is aware, even for an empty pool
    pool_state = state.pool(pool.id)
    period = None
    if pool.reset is not None:  # fairness counts start afresh each period
        period = period_key(pool.reset, now)
        if pool_state.period != period:
            pool_state = PoolState(period=period)
    if not pool.members:
        return Pick(None, (), pool_state)
    seats = seats_of(pool, team)
    roster = Roster(pool, seats, state.loads, instant)
    rules = distribution.pools.get(pool.id) if distribution.pools else None
    fairness = pool_state.fairness
    notes: tuple[Note, ...] = ()
    if not settled(pool, fairness):
        fairness, notes = calibrate(
            roster, fairness, pool.strategy, rules is None or rules.calibrate
        )
    calibrated = bool(notes)
    eligible = None
    overrides = credited = None
    if (distribution.pools or distribution.reps) and applies(pool.members, rules, distribution):
        screened = screen(roster, rules, distribution, ctx)
        notes += screened.notes
        eligible = screened.eligible
        overrides = screened.overrides or None
    if fairness.credit and pool.strategy is Strategy.LOAD_BALANCED:
        credited = credits(roster, fairness)
    if overrides or credited or distribution.seed:
        roster = Narrowed(pool, seats, state.loads, instant, overrides, credited, distribution.seed)
    before = pool_state
    if fairness is not pool_state.fairness:
        current = pool_state.current
        if calibrated and pool.strategy is Strategy.WEIGHTED:
            # A calibrated arrival starts a new round: smooth-weighted scores left from the old
            # membership would skew the first turns of the new one by up to a lead each.
            current = EMPTY
        before = PoolState(pool_state.cursor, current, fairness, pool_state.period)
    pick = _STRATEGIES[pool.strategy](roster, before)  # it tallies the lead (tally.py)
    if period is not None and pick.pool_state.period != period:
        pick = Pick(pick.rep, pick.checks, replace(pick.pool_state, period=period))
    if pick.rep is None:  # nothing to record: the state as it was
        return Pick(None, pick.checks, pool_state, notes, eligible)
    if not notes and eligible is None:
        return pick
    return Pick(pick.rep, pick.checks, pick.pool_state, notes, eligible)
