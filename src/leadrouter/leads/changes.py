"""Whether a change to a routed lead routes it again: reads the lead before and after the change
as the rules would, and asks the active policy's `reroute:` triggers (`policy/reroute.py`; the
built-in rule when it has none). Reads only: `leads.placement.change` writes what follows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from leadrouter.engine import Snapshot, context
from leadrouter.leads.models import LeadRow
from leadrouter.normalize import normalize_lead
from leadrouter.policies.snapshot import ConfigCache
from leadrouter.policy.reroute import CHANGED, RerouteVerdict, changed_fields, lead_state, verdict

# Context entries a change cannot move by itself: the routing instant.
_INSTANT = ("now", "age")


def judge(
    session: Session,
    cache: ConfigCache,
    lead: LeadRow,
    before: dict[str, Any],
    now: datetime,
) -> RerouteVerdict:
    """The verdict on `lead` (routed, its raw fields already changed from `before`)."""
    state = lead_state(lead.kind, lead.first_touch_at is not None)
    place = f"{lead.kind} {lead.queue}" if lead.queue else None
    raw_changed = {str(k) for k in set(before) | set(lead.raw) if before.get(k) != lead.raw.get(k)}
    config = cache.get(session)
    policy = config.policy
    if policy is None or policy.reroute is None:
        return verdict(None, state, {CHANGED: tuple(sorted(raw_changed))}, lead.owner, place)
    snapshot = Snapshot(policy=policy, team=config.team, accounts=config.accounts)
    try:
        old, new = (
            context(
                normalize_lead(raw, policy.custom_fields, id=lead.id, received_at=lead.received_at),
                snapshot,
                now,
            )
            for raw in (before, lead.raw)
        )
    except Exception:  # bad data never stops a change: the triggers read the raw names only
        old, new = {}, {}
    for key in _INSTANT:
        old.pop(key, None)
        new.pop(key, None)
    moved = set(changed_fields(old, new)) | {k.strip().casefold() for k in raw_changed}
    ctx = {**new, CHANGED: tuple(sorted(moved))}
    return verdict(policy.reroute, state, ctx, lead.owner, place)
