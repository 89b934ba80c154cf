"""A capacity-weighted split of leads between teams (pools): `route: split <id>`.

Each team's share is its capacity over the total (75 and 90: 45.5 % and 54.5 %; a capacity of
0: none). The next lead goes to the team furthest behind its share of the leads split so far,
counting this one (ties: the larger capacity, then the order written), so every team's count
stays within one lead of its exact share, on every run alike: no clock, no randomness. If that
team has nobody available the next-furthest is tried, and so on. Each team pool counts the leads
it took through each split in its own fairness record (`Fairness.splits`), which the service
stores with the pool's rotation state. Pure.
"""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

from leadrouter.model import PoolState, RoutingState
from leadrouter.policy.distribution import Split


def team_order(split: Split, state: RoutingState) -> list[tuple[str, str]]:
    """The teams to try for the next lead, furthest behind their share first, each with a
    sentence for the trace; teams with capacity 0 are left out."""
    taken = {pool: state.pool(pool).fairness.splits.get(split.id, 0) for pool, _ in split.teams}
    total = sum(taken.values())
    capacity = sum(c for _, c in split.teams)
    ranked = []
    for order, (pool, cap) in enumerate(split.teams):
        if cap <= 0:
            continue
        share = cap * (total + 1) / capacity
        ranked.append((-(share - taken[pool]), -cap, order, pool, cap, share))
    ranked.sort()
    return [
        (
            pool,
            f"capacity {cap} of {capacity} ({100 * cap / capacity:.1f} %); {taken[pool]} of the"
            f" {total} leads split so far, a share of {share:.1f} with this one",
        )
        for _, _, _, pool, cap, share in ranked
    ]


def took(pool_state: PoolState, split_id: str) -> PoolState:
    """The team pool's state after it took a lead through `split_id`."""
    fairness = pool_state.fairness
    splits = MappingProxyType({**fairness.splits, split_id: fairness.splits.get(split_id, 0) + 1})
    return PoolState(pool_state.cursor, pool_state.current, replace(fairness, splits=splits))
