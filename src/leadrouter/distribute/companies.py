"""One rep per net-new company: a lead from a company the team has no account for goes to the
rep who got that company's earlier lead, within the policy's window.

A company is known by its corporate domain: the email's domain, or else the website's, never a
free-mail domain (gmail.com is not a company), and only while no account matched (a matched
account has an owner and rules of its own). The earlier rep gets the lead only if they are a
member of the pool the rule routes to and can take it now (the pool's own checks), and without
a turn: the pool's rotation does not move. Pure: the claims come in with the routing state.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from leadrouter.distribute.availability import unavailable
from leadrouter.model import CompanyClaim, Pool, RoutingState, Team
from leadrouter.normalize.domains import is_free_email_domain

Block = tuple[str, str]


def company_domain(ctx: Mapping[str, Any]) -> str | None:
    """The corporate domain of a lead with no account (None: free mail, none, or an account)."""
    if ctx.get("account.matched"):
        return None
    email_domain = ctx.get("email_domain")
    if email_domain and not ctx.get("free_email"):
        return str(email_domain).casefold()
    website = ctx.get("website_domain")
    if website and not is_free_email_domain(str(website)):
        return str(website).casefold()
    return None


def claim_within(
    state: RoutingState, domain: str, window: timedelta, now: datetime
) -> CompanyClaim | None:
    """The rep the company's last lead went to, if within `window` of `now`."""
    claim = state.companies.get(domain)
    if claim is None or now - claim.at > window:
        return None
    return claim


def sticky_rep(
    pool: Pool, team: Team, state: RoutingState, claim: CompanyClaim, now: datetime
) -> tuple[str | None, str]:
    """(the claimed rep, why) when they may take the lead in `pool`, else (None, why not)."""
    if claim.rep not in pool.members:
        return None, f"not a member of pool {pool.id}"
    rep = team.reps.get(claim.rep)
    if rep is None:
        return None, "not on the team"
    hours = pool.respect_working_hours
    blocked = unavailable(rep, state.load(rep.id), now, hours=hours, capacity=True)
    if blocked is not None:
        return None, blocked[1]
    return rep.id, ""
