"""Polling Salesforce for orgs that allow neither a callout nor an Outbound Message: Leads
modified since the cursor, through the REST API's query endpoint.

A Lead not seen before is stored and routed through the service's intake (its Id the external
id); one seen before whose OwnerId differs from what leadrouter wrote back is an override, one
whose Status crm.yaml's `stages:` maps is handed off (`connectors/stages.py`). The
cursor (the last LastModifiedDate taken in) is kept in `crm_cursors` and moves only after the
Leads up to it are stored, so a crash re-reads them, which the external id makes harmless.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadrouter.connectors.models import CrmCursorRow
from leadrouter.connectors.salesforce.client import SalesforceOrg
from leadrouter.connectors.stages import record_again
from leadrouter.connectors.writeback import external_id
from leadrouter.leads import intake
from leadrouter.leads.models import LeadRow
from leadrouter.leads.pipeline import enriched
from leadrouter.leads.provider import Enricher
from leadrouter.leads.schemas import LeadCreate
from leadrouter.policies.snapshot import ConfigCache
from leadrouter.policy.crm import CrmSide
from leadrouter.store import Database

CURSOR = "salesforce.leads"
FIRST_LOOK_BACK = timedelta(days=1)  # a first poll takes in the last day's Leads


@dataclass(frozen=True, slots=True)
class Polled:
    routed: int
    overrides: int
    cursor: str
    handoffs: int = 0


def _soql_time(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def poll_once(
    *,
    db: Database,
    cache: ConfigCache,
    org: SalesforceOrg,
    side: CrmSide,
    now: datetime,
    limit: int = 200,
    enricher: Enricher | None = None,
) -> Polled:
    """Take in the Leads modified since the cursor (at most `limit`); what it did. New Leads
    are enriched by the provider first, as every lead the API takes in is."""
    with db.read() as session:
        row = session.get(CrmCursorRow, CURSOR)
        since = row.value if row is not None else _soql_time(now - FIRST_LOOK_BACK)
    wanted = [*side.fields, *([side.stage_property] if side.stages else [])]
    records = org.changed_leads(sorted(set(wanted)), since, limit)
    routed = overrides = handoffs = 0
    intakes: list[intake.Intake] = []
    for record in records:
        lead_id = str(record["Id"])
        external = external_id(side.crm, lead_id)
        with db.read() as session:
            seen = session.scalar(select(LeadRow.id).where(LeadRow.external_id == external))
        if seen is not None:
            again = record_again(db=db, cache=cache, side=side, record=record, now=now)
            overrides += "override recorded" in again.get("note", "")
            handoffs += "handoff" in again
            continue
        lead = side.lead_fields(record)
        if lead:
            request = intake.Intake(LeadCreate(lead=lead, external_id=external), None, now)
            intakes.append(request if enricher is None else enriched(enricher, request))
    if intakes:
        taken = intake.store_and_route(db=db, cache=cache, intakes=intakes)
        routed = sum(not isinstance(t, Exception) for t in taken)
    cursor = since
    if records:
        # SOQL compares whole seconds: the next poll reads from the last Lead's second again
        # (`>=`), and the external id makes a Lead read twice harmless.
        last = str(records[-1]["LastModifiedDate"])
        cursor = _soql_time(datetime.fromisoformat(last.replace("Z", "+00:00")))

    def save(session: Session) -> None:
        stored = session.get(CrmCursorRow, CURSOR)
        if stored is None:
            session.add(CrmCursorRow(name=CURSOR, value=cursor, updated_at=now))
        else:
            stored.value, stored.updated_at = cursor, now

    db.write(save)
    return Polled(routed, overrides, cursor, handoffs)
