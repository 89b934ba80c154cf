"""HTTP routes shared by the connectors: the write-backs that are failing (for the dashboard and
on-call), the overrides recorded, and the override rate per rule. Retrying a dead write-back
once its cause is fixed is the outbox's `POST /v1/notifications/dead/{id}/retry`."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from leadrouter.api.auth import LeadsRead, Svc
from leadrouter.api.limits import Limit
from leadrouter.connectors import overrides, writeback
from leadrouter.connectors.models import CrmOverrideRow

router = APIRouter(prefix="/v1/connectors", tags=["connectors"])


class WritebackRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    lead_id: str | None
    crm: str
    action: str  # owner, task
    state: str  # pending (retrying) or dead (alerted; retry it once fixed)
    attempts: int
    last_error: str | None
    next_attempt_at: datetime
    created_at: datetime


class OverrideRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    lead_id: str
    crm: str
    rule: str | None
    routed_owner: str | None
    written: str | None
    crm_owner: str
    rep: str | None
    at: datetime


class OverrideRateRead(BaseModel):
    rule: str
    written: int
    overridden: int
    rate: float


@router.get("/writebacks/failing")
def list_failing_writebacks(svc: Svc, _: LeadsRead, limit: Limit = 100) -> list[WritebackRead]:
    """CRM write-backs that failed and are not sent: retrying, or dead (alerted), newest first."""
    with svc.db.read() as session:
        return [WritebackRead.model_validate(w) for w in writeback.failing(session, limit=limit)]


@router.get("/overrides")
def list_overrides(svc: Svc, _: LeadsRead, limit: Limit = 100) -> list[OverrideRead]:
    """Owners changed by hand in a CRM after leadrouter wrote its choice, newest first."""
    from sqlalchemy import select

    with svc.db.read() as session:
        rows = session.scalars(
            select(CrmOverrideRow).order_by(CrmOverrideRow.id.desc()).limit(limit)
        )
        return [OverrideRead.model_validate(r) for r in rows]


@router.get("/overrides/rates")
def override_rates(svc: Svc, _: LeadsRead) -> list[OverrideRateRead]:
    """Per rule: leads written back to a CRM, and the share whose owner was changed by hand."""
    with svc.db.read() as session:
        return [
            OverrideRateRead(rule=r.rule, written=r.written, overridden=r.overridden, rate=r.rate)
            for r in overrides.override_rates(session)
        ]
