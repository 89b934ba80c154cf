"""The one place errors become HTTP responses, all in one JSON shape:
`{"code", "message", "errors": [{"path", "message"}]}`.

Bad input is always a 4xx naming the field; a 500 means a bug, and is logged with its traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from leadrouter.errors import Conflict, LeadValidationError, NotFound, PolicyError

log = logging.getLogger("leadrouter.api")

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid",
}


def problem(
    status: int, message: str, errors: list[dict[str, Any]] | None = None, code: str | None = None
) -> JSONResponse:
    body = {"code": code or CODES.get(status, "error"), "message": message, "errors": errors or []}
    return JSONResponse(body, status_code=status)


def _path(location: tuple[Any, ...]) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


async def _validation(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    details = list(error.errors())
    if any(d.get("type") == "json_invalid" for d in details):
        where = details[0].get("ctx", {}).get("error", "")
        return problem(400, f"malformed JSON: {where}".rstrip(": "), code="malformed_json")
    errors = [{"path": _path(tuple(d["loc"])), "message": d["msg"]} for d in details]
    return problem(422, "the request is invalid", errors)


async def _http(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    response = problem(error.status_code, str(error.detail))
    response.headers.update(error.headers or {})
    return response


async def _not_found(request: Request, error: Exception) -> JSONResponse:
    return problem(404, str(error))


def conflict(error: Conflict) -> JSONResponse:
    return problem(409, str(error))


async def _conflict(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, Conflict)
    return conflict(error)


async def _policy(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, PolicyError)
    errors = [
        {"path": e.field, "message": e.message, "line": e.line, "column": e.column}
        for e in error.errors
    ]
    return problem(422, "the policy is invalid", errors, code="policy_invalid")


async def _lead_validation(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, LeadValidationError)
    errors = [{"path": p.path, "message": p.message} for p in error.problems]
    return problem(422, "the request is invalid", errors)


async def _bug(request: Request, error: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
    return problem(500, "internal error", code="internal")


def install(app: FastAPI) -> None:
    """Register the error handlers on `app`."""
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(Conflict, _conflict)
    app.add_exception_handler(PolicyError, _policy)
    app.add_exception_handler(LeadValidationError, _lead_validation)
    app.add_exception_handler(Exception, _bug)
