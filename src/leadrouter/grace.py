"""The trace's account of a grace delay: how long a young lead waited before it was routed.

The engine adds these notes to a decision when the policy has `grace:` (policy/lead_time.py);
the shells do the waiting. Pure: `now` is the routing time given to the engine.
"""

from __future__ import annotations

from datetime import datetime

from leadrouter.model import Lead, Note, Reason
from leadrouter.policy.lead_time import Grace, grace_due, lead_created_at


def _at(when: datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


def grace_notes(lead: Lead, grace: Grace, now: datetime) -> tuple[Note, ...]:
    """What the trace says of `grace` for `lead` routed at `now` (nothing when it does not
    apply): that the lead waited until its due time, or that it was routed before it."""
    due = grace_due(lead, grace, now)
    if due is None:
        return ()
    created = lead_created_at(lead, now)
    data = {"created_at": _at(created), "due": _at(due), "routed_at": _at(now)}
    if due <= now:
        waited = now - created
        message = (
            f"{grace}: lead created {_at(created)} waited until {_at(due)}; routed {_at(now)}"
            f" (age {int(waited.total_seconds() // 60)} min)"
        )
        return (Note(Reason.GRACE_WAITED, message, data),)
    message = (
        f"{grace}: lead created {_at(created)} should wait until {_at(due)}; routed early at"
        f" {_at(now)} because the caller routed it then"
    )
    return (Note(Reason.GRACE_CUT_SHORT, message, data),)
