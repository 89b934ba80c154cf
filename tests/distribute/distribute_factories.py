"""Small factories for distribution tests: reps, pools, teams, states and the engine's effects."""

from __future__ import annotations

from datetime import datetime, time
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from leadrouter.distribute import Pick, local_day
from leadrouter.model import (
    Pool,
    PoolState,
    Rep,
    RepLoad,
    RoutingState,
    Shift,
    Strategy,
    Team,
)

NY = "America/New_York"
LONDON = "Europe/London"
SINGAPORE = "Asia/Singapore"
NINE_TO_FIVE = tuple(Shift(day, time(9), time(17)) for day in range(5))


def at(text: str, tz: str = "UTC") -> datetime:
    """An aware datetime from ISO text read as wall-clock time in `tz`."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(tz))


def rep(rep_id: str, **fields: Any) -> Rep:
    return Rep(id=rep_id, name=rep_id.title(), email=f"{rep_id}@acme.example", **fields)


def team(*reps: Rep, pools: tuple[Pool, ...] = ()) -> Team:
    return Team(
        reps=MappingProxyType({r.id: r for r in reps}),
        pools=MappingProxyType({p.id: p for p in pools}),
        queues=MappingProxyType({}),
    )


def pool(*members: str, strategy: Strategy = Strategy.ROUND_ROBIN, **fields: Any) -> Pool:
    return Pool("p", "Pool", members, strategy=strategy, **fields)


def state(
    cursor: int = 0,
    current: dict[str, int] | None = None,
    loads: dict[str, RepLoad] | None = None,
) -> RoutingState:
    return RoutingState(
        pools=MappingProxyType({"p": PoolState(cursor, MappingProxyType(current or {}))}),
        loads=MappingProxyType(loads or {}),
    )


def assign(routing: RoutingState, the_team: Team, pick: Pick, now: datetime) -> RoutingState:
    """What the engine and store do with a pick: the new pool state, +1 open and +1 today."""
    pools = {**routing.pools, "p": pick.pool_state}
    loads = dict(routing.loads)
    if pick.rep is not None:
        day = local_day(the_team.reps[pick.rep], now)
        before = routing.load(pick.rep)
        loads[pick.rep] = RepLoad(before.open + 1, before.today_on(day) + 1, day)
    return RoutingState(MappingProxyType(pools), MappingProxyType(loads))
