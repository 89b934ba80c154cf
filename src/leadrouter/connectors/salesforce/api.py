"""`POST /connectors/salesforce/leads`: Leads sent by a Flow or Apex HTTP callout;
`POST /connectors/salesforce/outbound`: Leads sent by an Outbound Message (SOAP, `outbound.py`),
authenticated by the sending organization's id, acknowledged once stored.

The body is a Lead as Salesforce serializes an sObject (`{"attributes": {...}, "Id": "00Q...",
"Email": ...}`), a list of them, or `{"records": [...]}` (a Flow's collection, a query's
answer). The callout authenticates with the shared secret in `X-Leadrouter-Secret` (a Named
Credential's custom header), compared in constant time; none or a wrong one is a 401 that
never echoes it. A Lead not seen before is routed (its Id the external id: a retried callout
changes nothing); one seen before whose `OwnerId` differs from what leadrouter wrote back is an
override, and one whose `Status` crm.yaml's `stages:` maps is handed off (a Flow on Lead update
sends both; `connectors/stages.py`).
"""

from __future__ import annotations

import hmac
import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from leadrouter.api.auth import Svc
from leadrouter.api.context import Services
from leadrouter.api.errors import problem
from leadrouter.connectors.intake import known, take_in
from leadrouter.connectors.runtime import Connectors
from leadrouter.connectors.salesforce import outbound
from leadrouter.connectors.stages import record_again
from leadrouter.connectors.writeback import external_id
from leadrouter.policy.crm import Crm, CrmSide

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
    side, secret = connectors.intake(Crm.SALESFORCE)
    sent = request.headers.get(SECRET_HEADER)
    if sent is None:
        return problem(401, f"rejected: no {SECRET_HEADER} header", code="bad_signature")
    if not hmac.compare_digest(sent.encode("utf-8", "replace"), secret.encode()):
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
        results.append(await _take(svc, connectors, side, record, now))
    return JSONResponse({"results": results})


async def _take(
    svc: Services, connectors: Connectors, side: CrmSide, record: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """A Lead into leadrouter: routed when new, else an override and/or a hand-off."""
    lead_id = record["Id"]
    seen = await run_in_threadpool(known, svc.db, external_id(Crm.SALESFORCE, lead_id))
    if seen is None:
        taken = await take_in(svc, side, lead_id, record, now)
        return taken.to_dict()
    return await run_in_threadpool(
        lambda: record_again(db=svc.db, cache=svc.cache, side=side, record=record, now=now)
    )


def _soap(status: int, text: str) -> Response:
    body = outbound.ACK if status == 200 else outbound.fault(text)
    return Response(body, status_code=status, media_type="text/xml; charset=utf-8")


_XML = {"text/xml": {"schema": {"type": "string"}}}


@router.post(
    "/outbound",
    response_class=Response,
    responses={
        200: {"description": "`<Ack>true</Ack>`: every Lead stored", "content": _XML},
        400: {
            "description": "not a SOAP notifications envelope (a DTD is refused)",
            "content": _XML,
        },
        401: {"description": "the URL's `token` is not the shared secret", "content": _XML},
        403: {"description": "sent by another Salesforce organization", "content": _XML},
        404: {"description": "the Salesforce connector is not configured", "content": _XML},
    },
)
async def salesforce_outbound(request: Request, svc: Svc) -> Response:
    """A Salesforce Outbound Message: its Leads stored and routed, then `<Ack>true</Ack>`; any
    other answer and Salesforce delivers the message again."""
    connectors: Connectors = request.app.state.connectors
    side = connectors.side(Crm.SALESFORCE)
    organization = connectors.salesforce_organization_id
    secret = connectors.salesforce_secret
    if not organization or not secret or side is None:
        return _soap(
            404,
            "the Salesforce outbound message endpoint is not configured: set "
            "LEADROUTER_SALESFORCE_ORGANIZATION_ID, LEADROUTER_SALESFORCE_SHARED_SECRET and a "
            "salesforce: section in crm.yaml",
        )
    # An Outbound Message carries no header of ours and its org id is no secret: the shared
    # secret rides in the endpoint URL the org is given (`?token=`), over HTTPS.
    token = request.query_params.get("token", "")
    if not hmac.compare_digest(token.encode("utf-8", "replace"), secret.encode()):
        return _soap(401, "rejected: the endpoint URL's token is missing or wrong")
    try:
        message = outbound.parse(await request.body())
    except (outbound.BadMessage, ET.ParseError) as error:
        return _soap(400, f"rejected: {error}")
    if not outbound.same_organization(message.organization_id, organization):
        return _soap(403, f"rejected: OrganizationId {message.organization_id} is not this org's")
    records = leads_in(list(message.leads))
    if isinstance(records, str):
        return _soap(400, records.replace("records[", "Notification["))
    now = svc.clock.now()
    problems: list[str] = []
    for record in records:
        taken = await _take(svc, connectors, side, record, now)
        if "error" in taken:
            problems.append(f"Lead {record['Id']}: {taken['error']}")
    if problems:  # not acknowledged: Salesforce shows the fault and delivers again
        return _soap(400, "; ".join(problems))
    return _soap(200, "")
