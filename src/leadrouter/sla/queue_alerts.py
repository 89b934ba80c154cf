"""Leads waiting in a fallback queue: the one definition, the alert when one lands there, and the
list people work from.

A lead waits in a fallback queue while its current placement is a queue (no owner) and that queue
is marked `fallback: true`; it leaves when someone takes it or moves it. The API's unowned list,
the dashboard's queue page and the reports' queue ages all read `waiting_in_fallback`.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from leadrouter.escalation import Notice, SlaEvent, SlaReason, Template
from leadrouter.leads.models import DecisionRow, LeadRow
from leadrouter.model import Decision, Kind
from leadrouter.queues.models import QueueRow
from leadrouter.sla.clocks import Context, event_rows, record
from leadrouter.sla.messages import notify


def waiting_in_fallback() -> ColumnElement[bool]:
    """The condition on `LeadRow` of a lead waiting in a fallback queue."""
    fallback = select(QueueRow.id).where(QueueRow.fallback)
    # kind first: the (kind, queue) index serves every reader of this condition.
    return and_(LeadRow.kind == Kind.QUEUE.value, LeadRow.queue.in_(fallback))


def unowned(session: Session) -> list[LeadRow]:
    """Leads waiting in a fallback queue, oldest first; one leaves when someone takes it."""
    query = select(LeadRow).where(waiting_in_fallback()).order_by(LeadRow.received_at)
    return list(session.scalars(query))


def alert_if_fallback(
    session: Session, ctx: Context, row: DecisionRow, lead_row: LeadRow, decision: Decision
) -> None:
    """Tell the team when a decision left the lead in a fallback queue or routing failed."""
    queue = ctx.config.team.queues.get(decision.queue) if decision.queue else None
    if not (decision.fallback or (queue is not None and queue.fallback)):
        return
    where = decision.queue or "no queue (routing failed)"
    event = SlaEvent(
        ctx.now,
        row.lead_id,
        SlaReason.FALLBACK_ALERT,
        f"lead landed in {where}: alerting the team",
        {"decision": row.id, "queue": decision.queue},
    )
    record(session, event_rows([event]))
    notify(
        session,
        ctx,
        f"decision:{row.id}:queue",
        lead_row,
        decision,
        Notice(Template.QUEUE_ALERT, None),
        detail=event.message,
        queue=where,
    )
