"""The messages SLA steps send: an assignment, a reminder, an alert, a queue alert, composed from
the lead, its decision and the clock, and put in the outbox in the step's transaction.

Only when a channel is configured is the lead read for its fields (normalized again from the raw
payload, with the active policy's custom fields): with none, nothing would be sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from leadrouter.escalation import Notice, SlaClock
from leadrouter.explain import why
from leadrouter.leads.models import LeadRow
from leadrouter.model import EMPTY, Decision
from leadrouter.normalize import normalize_lead
from leadrouter.notify.compose import Notification, compose
from leadrouter.notify.outbox import enqueue
from leadrouter.sla.clocks import Context


def notify(
    session: Session,
    ctx: Context,
    key: str,
    lead_row: LeadRow,
    decision: Decision | None,
    notice: Notice,
    *,
    clock: SlaClock | None = None,
    owner: str | None = None,
    detail: str = "",
    queue: str | None = None,
) -> None:
    """Compose `notice` for every channel that reaches its reader, and enqueue the messages."""
    if not ctx.channels:
        return
    team = ctx.config.team
    notification = Notification(
        event=str(notice.template),
        key=key,
        lead_id=lead_row.id,
        lead=_fields(ctx, lead_row),
        rep=team.reps.get(notice.rep) if notice.rep else None,
        owner=owner,
        why=why(decision) if decision is not None else (),
        rule=decision.rule if decision else None,
        deadline=clock.deadline if clock else None,
        sla=clock.sla if clock else None,
        queue=queue,
        detail=detail,
    )
    enqueue(
        session,
        compose(notification, ctx.templates, ctx.channels),
        lead_id=lead_row.id,
        now=ctx.now,
    )


def _fields(ctx: Context, lead_row: LeadRow) -> Mapping[str, Any]:
    policy = ctx.config.policy
    custom = policy.custom_fields if policy is not None else EMPTY
    return normalize_lead(lead_row.raw, custom, id=lead_row.id).fields
