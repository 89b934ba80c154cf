"""The propensity of a decision: with what probability its rep (or queue) was chosen, and among
whom, recorded so that other routings can be evaluated later on past leads (inverse-propensity
estimators need exactly this).

Every strategy here is deterministic given the rotation state, so a pick's probability is 1.0
among the pool members who were available; an A/B split multiplies it by the share of the arm
that decided. Pure: reads the snapshot the decision was made from, never the clock.
"""

from __future__ import annotations

from datetime import datetime

from leadrouter.distribute import unavailable
from leadrouter.engine import Snapshot
from leadrouter.model import Decision, Kind, Propensity, Reason

_TAKEN = frozenset({Reason.REP_SELECTED, Reason.ASSIGNED_ANYWAY})


def propensity(
    decision: Decision,
    snapshot: Snapshot,
    now: datetime,
    *,
    share: float = 1.0,
    arm: str | None = None,
    experiment: str | None = None,
) -> Propensity:
    """The decision's propensity, from the snapshot (and state) it was decided from."""
    return Propensity(share, _eligible(decision, snapshot, now), arm, experiment)


def _eligible(decision: Decision, snapshot: Snapshot, now: datetime) -> tuple[str, ...]:
    """The reps who could have had the lead when it was decided: the pool's available members
    (the chosen one among them), or the one rep a route named."""
    owner = decision.owner
    if decision.kind is not Kind.REP or owner is None:
        return ()
    pool = snapshot.team.pools.get(decision.pool) if decision.pool is not None else None
    anyway = any(c.rep == owner and c.reason is Reason.ASSIGNED_ANYWAY for c in decision.trace.reps)
    if pool is None or anyway:
        return (owner,)
    reps, state = snapshot.team.reps, snapshot.state
    hours = pool.respect_working_hours
    found = tuple(
        member
        for member in pool.members
        if member == owner
        or (
            member in reps
            and unavailable(reps[member], state.load(member), now, hours=hours) is None
        )
    )
    return found
