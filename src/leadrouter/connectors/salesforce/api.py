"""`POST /connectors/salesforce/leads`: Leads sent by a Flow or Apex HTTP callout.

The body is a Lead as Salesforce serializes an sObject (`{"attributes": {...}, "Id": "00Q...",
"Email": ...}`), a list of them, or `{"records": [...]}` (a Flow's collection, a query's
answer). The callout authenticates with the shared secret in `X-Leadrouter-Secret` (a Named
Credential's custom header), compared in constant time; none or a wrong one is a 401 that
never echoes it. A Lead not seen before is routed (its Id the external id: a retried callout
changes nothing); one seen before whose `OwnerId` differs from what leadrouter wrote back is an
override (a Flow on Lead update sends it).
"""

from __future__ import annotations

import hmac
import json
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from leadrouter.api.auth import Svc
from leadrouter.api.errors import problem
from leadrouter.connectors.intake import known, take_in
from leadrouter.connectors.overrides import record_owner_change
from leadrouter.connectors.runtime import Connectors
from leadrouter.connectors.writeback import external_id
from leadrouter.policy.crm import Crm

router = APIRouter(prefix="/connectors/salesforce", tags=["connectors"])
SECRET_HEADER = "X-Leadrouter-Secret"
MAX_RECORDS = 200  # a Flow's batch of records in one callout
_LEAD_ID = re.compile(r"^00Q[a-zA-Z0-9]{12}(?:[a-zA-Z0-9]{3})?$")


def leads_in(document: Any) -> list[dict[str, Any]] | str:
    """The Lead records of a callout's body, or what is wrong with it."""
    records = (
        document.get("records")
        if isinstance(document, dict) and "records" in document
        else document
    )
    if isinstance(records, dict):
        records = [records]
    if not isinstance(records, list) or not records:
        return 'expected a Lead, a list of Leads or {"records": [...]}'
    if len(records) > MAX_RECORDS:
        return f"at most {MAX_RECORDS} Leads in one callout"
    for i, record in enumerate(records):
        if not isinstance(record, dict):
            return f"records[{i}] is not a Lead object"
        kind = (
            record.get("attributes", {}).get("type")
            if isinstance(record.get("attributes"), dict)
            else None
        )
        if kind not in (None, "Lead"):
            return f"records[{i}] is a {kind}, not a Lead"
        if not isinstance(record.get("Id"), str) or not _LEAD_ID.match(record["Id"]):
            return f"records[{i}].Id: expected a Lead id (00Q..., 15 or 18 characters)"
    return records


@router.post(
    "/leads",
    responses={
        401: {"description": "no or a wrong shared secret"},
        404: {"description": "the Salesforce connector is not configured"},
    },
)
async def salesforce_leads(request: Request, svc: Svc) -> JSONResponse:
    """Route each new Lead; record an override for a Lead whose owner was changed by hand."""
    connectors: Connectors = request.app.state.connectors
    side = connectors.config.get(Crm.SALESFORCE) if connectors.config else None
    if not connectors.salesforce_secret or side is None:
        return problem(
            404,
            "the Salesforce connector is not configured: set LEADROUTER_SALESFORCE_SHARED_SECRET "
            "and a salesforce: section in crm.yaml (docs/connectors.md)",
        )
    sent = request.headers.get(SECRET_HEADER)
    if sent is None:
        return problem(401, f"rejected: no {SECRET_HEADER} header", code="bad_signature")
    if not hmac.compare_digest(
        sent.encode("utf-8", "replace"), connectors.salesforce_secret.encode()
    ):
        return problem(401, f"rejected: wrong {SECRET_HEADER}", code="bad_signature")
    try:
        document = json.loads(await request.body())
    except ValueError as error:
        return problem(422, f"not JSON: {error}")
    records = leads_in(document)
    if isinstance(records, str):
        return problem(422, records)
    now = svc.clock.now()
    results: list[dict[str, Any]] = []
    for record in records:
        lead_id = record["Id"]
        seen = await run_in_threadpool(known, svc, external_id(Crm.SALESFORCE, lead_id))
        owner = record.get(side.owner_property)
        if seen is not None and isinstance(owner, str):
            override = await run_in_threadpool(
                lambda: svc.db.write(
                    lambda s: record_owner_change(s, side, lead_id, owner, now)  # noqa: B023
                )
            )
            if override is not None:
                results.append(
                    {"record": lead_id, "lead_id": seen.lead_id, "note": "override recorded"}
                )
                continue
        taken = await take_in(svc, side, lead_id, record, now)
        results.append(taken.to_dict())
    return JSONResponse({"results": results})
