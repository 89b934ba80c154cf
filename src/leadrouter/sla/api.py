"""HTTP routes: a lead's whole timeline, and the leads waiting in fallback queues. Thin: read,
call `sla.service`, shape the answer."""

from __future__ import annotations

from fastapi import APIRouter

from leadrouter.api.auth import LeadsRead, Svc
from leadrouter.api.limits import PathKey
from leadrouter.leads import service as leads
from leadrouter.sla import service
from leadrouter.sla.schemas import TimelineEntryRead, UnownedLeadRead
from leadrouter.sla.timeline import DECISION, MESSAGE, SLA, TOUCH

router = APIRouter(tags=["sla"])
# What the timeline route has always shown; the dashboard's lead page shows every kind.
_API_KINDS = frozenset({DECISION, SLA, TOUCH, MESSAGE})


@router.get("/v1/leads/{lead_id}/timeline")
def get_timeline(lead_id: PathKey, svc: Svc, _: LeadsRead) -> list[TimelineEntryRead]:
    """Everything that happened to the lead, oldest first: decisions, SLA, touches, messages."""
    with svc.db.read() as session:
        leads.get_or_raise(session=session, lead_id=lead_id)
        return [
            TimelineEntryRead(at=e.at, kind=e.kind, code=e.code, message=e.message, data=e.data)
            for e in service.timeline(session, lead_id, kinds=_API_KINDS)
        ]


@router.get("/v1/alerts/unowned")
def get_unowned(svc: Svc, _: LeadsRead) -> list[UnownedLeadRead]:
    """Leads sitting in a fallback queue, oldest first, until someone takes them."""
    with svc.db.read() as session:
        return [
            UnownedLeadRead(id=r.id, queue=r.queue or "", received_at=r.received_at, rule=r.rule)
            for r in service.unowned(session)
        ]
