"""A CRM record into the service's intake path, idempotent on the CRM's id.

The record's mapped properties become the lead, its id the lead's external id
(`hubspot:<id>`, `salesforce:<Id>`). The CRM delivers at least once and may send the record
again with properties changed meanwhile: a record already stored answers with its lead and
current decision, never a second lead and never a conflict.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from leadrouter.api.context import Services
from leadrouter.connectors.writeback import external_id
from leadrouter.errors import Conflict
from leadrouter.leads import intake, service
from leadrouter.leads.models import LeadRow
from leadrouter.leads.schemas import DecisionSummary, LeadCreate
from leadrouter.policy.crm import CrmSide
from leadrouter.store import Database


@dataclass(frozen=True, slots=True)
class Taken:
    """What became of one CRM record: its lead and decision, or why it was not taken in."""

    record: str
    lead_id: str | None = None
    created: bool = False
    answer: intake.Answer | None = None
    error: str | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"record": self.record, "lead_id": self.lead_id}
        if self.answer is not None:
            found |= {"created": self.created, "decision": self.answer.model_dump(mode="json")}
        if self.error is not None:
            found["error"] = self.error
        if self.note is not None:
            found["note"] = self.note
        return found


_WAITING = "stored, not routed yet: routed once a policy is active"


def known(db: Database, external: str) -> intake.Answer | None:
    """The current answer for the lead stored with `external` id, or None."""
    with db.read() as session:
        row = session.scalar(select(LeadRow).where(LeadRow.external_id == external))
        if row is None:
            return None
        if row.decision_id is None:
            return intake.Held(lead_id=row.id, received_at=row.received_at, message=_WAITING)
        current = service.current_decision(session=session, lead_id=row.id)
        return DecisionSummary(**current.model_dump(exclude={"cause", "trace"}))


async def take_in(
    svc: Services,
    side: CrmSide,
    record: str,
    properties: dict[str, Any],
    now: datetime,
) -> Taken:
    """Store and route the CRM record as a lead (or answer with the lead it already is); the
    intake enriches it first when a provider is configured."""
    external = external_id(side.crm, record)
    seen = await run_in_threadpool(known, svc.db, external)
    if seen is not None:
        return Taken(record, seen.lead_id, False, seen)
    lead = side.lead_fields(properties)
    if not lead:
        return Taken(record, error="none of the properties crm.yaml maps has a value")
    try:
        lead_in = LeadCreate(lead=lead, external_id=external)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        return Taken(record, error=f"the mapped lead is invalid: {problems}")
    try:
        answer, created = await svc.intake.submit(intake.Intake(lead_in, None, now))
    except Conflict:  # the same record raced in through another request: its lead stands
        seen = await run_in_threadpool(known, svc.db, external)
        if seen is None:
            raise
        return Taken(record, seen.lead_id, False, seen)
    return Taken(record, answer.lead_id, created, answer)
