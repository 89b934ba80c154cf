"""`POST /connectors/hubspot/webhook`: HubSpot's webhook subscriptions for contacts.

Each request carries up to 100 events, signed (`signature.py`). A contact's creation fetches
its properties through the CRM v3 API and routes it as a lead (its contact id the external id,
so HubSpot's redeliveries change nothing); a change of the owner property after leadrouter
wrote it is recorded as an override; a change of the stage property (`lifecyclestage`) to a
value crm.yaml's `stages:` maps hands the lead off (`connectors/stages.py`). An unsigned or
badly signed request is a 401 that says why; a HubSpot that cannot be read (rate limit, outage,
a revoked token) is a 503 with Retry-After, which HubSpot answers by delivering the events
again later: no lead is lost.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool

from leadrouter.api.auth import Svc
from leadrouter.api.context import Services
from leadrouter.api.errors import problem
from leadrouter.connectors.hubspot.signature import BadSignature, verify
from leadrouter.connectors.intake import Taken, known, take_in
from leadrouter.connectors.overrides import record_owner_change
from leadrouter.connectors.runtime import Connectors
from leadrouter.connectors.stages import change_stage
from leadrouter.connectors.writeback import external_id
from leadrouter.leads import placement
from leadrouter.notify.message import DeliveryFailed
from leadrouter.notify.redact import redact
from leadrouter.policy.crm import Crm

router = APIRouter(prefix="/connectors/hubspot", tags=["connectors"])
CREATION = frozenset({"contact.creation", "object.creation"})
CHANGE = frozenset({"contact.propertyChange", "object.propertyChange"})
CONTACT_TYPE = "0-1"  # HubSpot's object type id of contacts, in the generic object events


class HubSpotEvent(BaseModel):
    """One event of a webhook request, as HubSpot's webhooks reference documents it."""

    model_config = ConfigDict(extra="allow")

    objectId: int
    subscriptionType: str
    eventId: int | None = None
    occurredAt: int | None = None
    propertyName: str | None = None
    propertyValue: str | None = None
    objectTypeId: str | None = None
    changeSource: str | None = None


_EVENTS = TypeAdapter(list[HubSpotEvent])


def _uri(request: Request, public_url: str | None) -> str:
    """The URL HubSpot called (and signed): behind a proxy, the public address's."""
    if public_url:
        query = f"?{request.url.query}" if request.url.query else ""
        return public_url.rstrip("/") + request.url.path + query
    return str(request.url)


@router.post(
    "/webhook",
    responses={
        401: {"description": "unsigned, badly signed or stale (over 5 minutes) request"},
        404: {"description": "the HubSpot connector is not configured"},
        503: {"description": "HubSpot could not be read; it delivers the events again"},
    },
)
async def hubspot_webhook(request: Request, svc: Svc) -> JSONResponse:
    """Contact creations (routed as leads) and owner changes (recorded as overrides)."""
    connectors: Connectors = request.app.state.connectors
    side, secret = connectors.intake(Crm.HUBSPOT)
    body = await request.body()
    now = svc.clock.now()
    try:
        verify(
            secret,
            request.method,
            _uri(request, connectors.public_url),
            body,
            request.headers,
            now,
        )
    except BadSignature as error:
        return problem(401, f"rejected: {error}", code="bad_signature")
    try:
        events = _EVENTS.validate_python(json.loads(body))
    except (ValueError, ValidationError) as error:
        detail = error.errors()[0]["msg"] if isinstance(error, ValidationError) else str(error)
        return problem(422, f"not a list of HubSpot webhook events: {detail}")
    results: list[dict[str, Any]] = []
    done: set[tuple[str, int]] = set()
    for event in events:
        kind = "creation" if event.subscriptionType in CREATION else None
        if event.subscriptionType in CHANGE:
            kind = "change"
        if event.objectTypeId not in (None, CONTACT_TYPE) or kind is None:
            results.append(_note(event, "ignored: not a contact creation or property change"))
            continue
        if kind == "change" and side.stages and event.propertyName == side.stage_property:
            changed = await run_in_threadpool(
                lambda: change_stage(
                    db=svc.db,
                    cache=svc.cache,
                    side=side,
                    record=str(event.objectId),  # noqa: B023
                    value=event.propertyValue,  # noqa: B023
                    now=now,
                )
            )
            results.append({"eventId": event.eventId, **changed.to_dict()})
            continue
        if kind == "change" and event.propertyName in side.fields:
            results.append(await _field_changed(svc, side.fields[event.propertyName], event, now))
            continue
        if kind == "change" and event.propertyName != side.owner_property:
            results.append(_note(event, f"ignored: {event.propertyName} is not mapped"))
            continue
        if (kind, event.objectId) in done:
            continue
        done.add((kind, event.objectId))
        record = str(event.objectId)
        if kind == "change":
            owner = event.propertyValue or ""
            override = await run_in_threadpool(
                lambda: svc.db.write(
                    lambda s: record_owner_change(s, side, record, owner, now)  # noqa: B023
                )
            )
            results.append(_note(event, "override recorded" if override else "owner unchanged"))
            continue
        if connectors.hubspot is None:
            return problem(
                404,
                "no HubSpot access token (LEADROUTER_HUBSPOT_ACCESS_TOKEN): cannot read contacts",
            )
        wanted = [*side.fields, side.owner_property]
        try:
            properties = await run_in_threadpool(connectors.hubspot.contact, record, wanted)
        except DeliveryFailed as error:
            if error.retryable or "HTTP 401" in str(error) or "HTTP 403" in str(error):
                wait = int(error.retry_after or 60)
                response = problem(
                    503,
                    f"contact {record} could not be read from HubSpot "
                    f"({redact(str(error), connectors.hubspot.secrets)}); "
                    "HubSpot delivers these events again",
                    code="crm_unavailable",
                )
                response.headers["Retry-After"] = str(wait)
                return response
            text = redact(str(error), connectors.hubspot.secrets)
            results.append(_note(event, f"skipped: {text}"))
            continue
        taken: Taken = await take_in(svc, side, record, properties, now)
        results.append({"eventId": event.eventId, **taken.to_dict()})
    return JSONResponse({"results": results})


async def _field_changed(
    svc: Services, field: str, event: HubSpotEvent, now: datetime
) -> dict[str, Any]:
    """A mapped property changed: the lead's field too, and the lead re-routed if it waits in a
    queue or nurture (an owned lead keeps its owner: `leads.placement.change`)."""
    seen = await run_in_threadpool(known, svc.db, external_id(Crm.HUBSPOT, str(event.objectId)))
    if seen is None:
        return _note(event, "ignored: not a lead leadrouter took in")
    changed = await run_in_threadpool(
        lambda: placement.change(
            db=svc.db,
            cache=svc.cache,
            lead_id=seen.lead_id,
            changes={field: event.propertyValue or None},
            now=now,
            actor="hubspot",
        )
    )
    return {
        "eventId": event.eventId,
        "record": str(event.objectId),
        **changed.model_dump(mode="json"),
    }


def _note(event: HubSpotEvent, note: str) -> dict[str, Any]:
    return {"eventId": event.eventId, "record": str(event.objectId), "note": note}
