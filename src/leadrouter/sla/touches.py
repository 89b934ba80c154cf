"""Stopping clocks at the first touch: met or late, every pending step cancelled.

Touches are written by the leads service (`first_touch_at` on the lead); this module finds the
running clocks of touched leads and ends them with the ladder's verdict.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadrouter.escalation import SlaReason, on_touch
from leadrouter.leads.models import LeadRow, TouchRow
from leadrouter.sla.clocks import Context, cancel_pending, clock_of, event_rows, locked, record
from leadrouter.sla.models import LATE, MET, RUNNING, SlaClockRow


def stop_touched(session: Session, ctx: Context, *, limit: int) -> int:
    """Stop running clocks whose lead has had its first touch; returns how many."""
    query = (
        select(SlaClockRow, LeadRow.first_touch_at)
        .join(LeadRow, LeadRow.id == SlaClockRow.lead_id)
        .where(SlaClockRow.state == RUNNING, LeadRow.first_touch_at.is_not(None))
        .limit(limit)
    )
    rows = list(session.execute(locked(session, query, SlaClockRow)))
    for clock_row, touched_at in rows:
        stop_on_touch(session, ctx, clock_row, touched_at)
    return len(rows)


def stop_on_touch(session: Session, ctx: Context, clock_row: SlaClockRow, at: datetime) -> None:
    """End one clock at the lead's first touch `at`, recording met or late."""
    by = session.scalar(
        select(TouchRow.rep).where(TouchRow.lead_id == clock_row.lead_id).order_by(TouchRow.at)
    )
    outcome = on_touch(clock_of(clock_row, ()), at, by=by)
    clock_row.state = MET if outcome.events[0].reason is SlaReason.SLA_MET else LATE
    clock_row.ended_at = ctx.now
    cancel_pending(session, clock_row.id)
    record(session, event_rows(outcome.events))
