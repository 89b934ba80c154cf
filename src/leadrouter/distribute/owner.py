"""Whether an owner meets a rule's `owner:` terms (pool membership, caps, working hours).

An owner route gives the lead to one named person; the terms (see `policy.owner_terms`) say what
that person must meet beyond availability, which is never relaxed. Pure: a function of the rep,
the team, their load and `now`.
"""

from __future__ import annotations

from datetime import datetime

from leadrouter.distribute.availability import Block, unavailable
from leadrouter.model import Reason, Rep, RepLoad, Team
from leadrouter.policy.owner_terms import OwnerTerms


def owner_blocker(
    rep: Rep, team: Team, load: RepLoad, now: datetime, terms: OwnerTerms | None
) -> Block | None:
    """None when `rep` may take the lead as its owner under `terms`, else (reason, detail)."""
    if terms is None:
        return unavailable(rep, load, now, hours=False, capacity=False)
    blocked = unavailable(rep, load, now, hours=terms.hours, capacity=terms.caps)
    if blocked is not None:
        return blocked
    if terms.pool is not None:
        pool = team.pools.get(terms.pool)
        if pool is None or rep.id not in pool.members:
            return Reason.OWNER_NOT_ELIGIBLE, f"not a member of pool {terms.pool}"
    return None


def met(rep: Rep, load: RepLoad, terms: OwnerTerms | None) -> str:
    """The trace's words for the terms an owner met ("" without terms)."""
    if terms is None:
        return ""
    words = [f"member of pool {terms.pool}"] if terms.pool else []
    if terms.caps:
        cap = f"{load.open}/{rep.max_open} open" if rep.max_open is not None else "no open cap"
        words.append(f"under caps ({cap})")
    else:
        words.append("caps not applied (owner terms: caps ignore)")
    if terms.hours:
        words.append("at work")
    return "; " + "; ".join(words)
