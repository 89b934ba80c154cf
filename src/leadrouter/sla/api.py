"""HTTP routes: a lead's whole timeline, and the leads waiting in fallback queues. Thin: read,
call `sla.service`, shape the answer."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter

from leadrouter.api.auth import LeadsRead, Svc
from leadrouter.api.limits import PathKey
from leadrouter.leads import service as leads
from leadrouter.sla import service
from leadrouter.sla.schemas import TimelineEntryRead, UnownedLeadRead

router = APIRouter(tags=["sla"])


@router.get("/v1/leads/{lead_id}/timeline")
def get_timeline(lead_id: PathKey, svc: Svc, _: LeadsRead) -> list[TimelineEntryRead]:
    """Everything that happened to the lead, oldest first: decisions, SLA, touches, messages."""
    with svc.db.read() as session:
        leads.get_or_raise(session=session, lead_id=lead_id)
        return [TimelineEntryRead(**asdict(e)) for e in service.timeline(session, lead_id)]


@router.get("/v1/alerts/unowned")
def get_unowned(svc: Svc, _: LeadsRead) -> list[UnownedLeadRead]:
    """Leads sitting in a fallback queue, oldest first, until someone takes them."""
    with svc.db.read() as session:
        team = svc.cache.get(session).team
        fallback = [q.id for q in team.queues.values() if q.fallback]
        return [
            UnownedLeadRead(id=r.id, queue=r.queue or "", received_at=r.received_at, rule=r.rule)
            for r in service.unowned(session, fallback)
        ]
