"""The intake's express lane: `POST /v1/leads` without FastAPI's per-request machinery.

On two cores every request's CPU is taken from routing. FastAPI resolves the route's dependencies,
security scheme and parameters anew for each request, more CPU than validating the lead itself.
The lane, a pure ASGI middleware in front of the app, answers the ordinary request (a key
verified lately with the `leads:write` scope, a JSON body within the size limit that names no key
twice in one object and validates as `LeadCreate`, a valid Idempotency-Key or none) by validating
the same model and calling the same intake and answer as the route. Every other request goes on,
its body replayed, to the FastAPI route, which answers (and words every error) exactly as it
always has: the lane never answers what the route would not.
"""

from __future__ import annotations

from collections import deque

from fastapi.security.utils import get_authorization_scheme_param
from pydantic import ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from leadrouter.api.context import Services
from leadrouter.api.errors import conflict
from leadrouter.api.limits import loads_unique, within
from leadrouter.errors import Conflict
from leadrouter.keys.schemas import Scope as KeyScope
from leadrouter.leads import intake
from leadrouter.leads.api import IDEMPOTENCY_KEY_MAX, answer
from leadrouter.leads.schemas import LeadCreate

PATH = "/v1/leads"
_WANTED = frozenset({b"authorization", b"content-type", b"content-length", b"idempotency-key"})


class IntakeLane:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] != PATH
            or scope["method"] != "POST"
            or scope["query_string"]  # the route refuses query parameters: it answers
        ):
            await self.app(scope, receive, send)
            return
        headers = _headers(scope["headers"])
        if headers is None or not within(headers.get(b"content-length", b""), self.max_bytes):
            await self.app(scope, receive, send)
            return
        body, receive = await _read(receive)
        svc: Services = scope["app"].state.services
        request = _intake(svc, headers, body) if body is not None else None
        if request is None:
            await self.app(scope, receive, send)
            return
        try:
            decision, created = await svc.intake.submit(request)
        except Conflict as error:
            response = conflict(error)
        else:
            response = answer(decision, created)
        await response(scope, receive, send)


def _headers(raw: list[tuple[bytes, bytes]]) -> dict[bytes, bytes] | None:
    """The headers the lane reads; None if one of them comes twice (the route decides then)."""
    found: dict[bytes, bytes] = {}
    for name, value in raw:
        if name in _WANTED:
            if name in found:
                return None
            found[name] = value
    return found


async def _read(receive: Receive) -> tuple[bytes | None, Receive]:
    """The whole body (None if the client left first), and a `receive` that hands every message
    read over again before what follows."""
    messages: deque[Message] = deque()
    body = None
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        if not message.get("more_body", False):
            body = b"".join(m.get("body", b"") for m in messages)
            break

    async def replay() -> Message:
        return messages.popleft() if messages else await receive()

    return body, replay


def _intake(svc: Services, headers: dict[bytes, bytes], body: bytes) -> intake.Intake | None:
    """The intake of an ordinary request, or None for one the route must answer."""
    content_type = headers.get(b"content-type", b"application/json")
    if content_type.split(b";")[0].strip().lower() != b"application/json":
        return None
    authorization = headers.get(b"authorization", b"").decode("latin-1")
    scheme, token = get_authorization_scheme_param(authorization)
    if scheme.lower() != "bearer" or not token:
        return None
    principal = svc.keys.get(token)
    if principal is None or not principal.can(KeyScope.LEADS_WRITE):
        return None
    key = headers.get(b"idempotency-key")
    idempotency_key = key.decode("latin-1") if key is not None else None
    if idempotency_key is not None and not 1 <= len(idempotency_key) <= IDEMPOTENCY_KEY_MAX:
        return None
    try:
        # Not orjson, which keeps the last of two values for one key silently: the route
        # refuses that, so the lane must not take it.
        lead_in = LeadCreate.model_validate(loads_unique(body))
    except (ValueError, ValidationError):  # DuplicateKey and malformed JSON are ValueErrors
        return None
    return intake.Intake(lead_in, idempotency_key, svc.clock.now())
