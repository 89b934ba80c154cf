"""The one place errors become HTTP responses, all in one JSON shape:
`{"code", "message", "errors": [{"path", "message"}]}`.

Bad input is always a 4xx naming the field; a 500 means a bug, and is logged with its traceback.
Every text that goes out is made encodable first (an input may hold a lone surrogate, which an
error message quoting it would otherwise fail to encode), and a 500 is answered without raising
further, so the server keeps the client's keep-alive connection open.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from leadrouter.errors import (
    Conflict,
    DataFileError,
    LeadValidationError,
    NotFound,
    PolicyError,
    PolicyTestsFailed,
)

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


class FieldError(BaseModel):
    path: str
    message: str
    line: int | None = None  # policy problems only
    column: int | None = None


class Problem(BaseModel):
    """The body of every error answer."""

    code: str
    message: str
    errors: list[FieldError]


def problem(
    status: int, message: str, errors: list[dict[str, Any]] | None = None, code: str | None = None
) -> JSONResponse:
    body = {"code": code or CODES.get(status, "error"), "message": message, "errors": errors or []}
    return JSONResponse(_encodable(body), status_code=status)


def _encodable(value: Any) -> Any:
    """`value` with every text made UTF-8 encodable (a lone surrogate becomes an escape)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "backslashreplace").decode("utf-8")
        return value
    if isinstance(value, dict):
        return {_encodable(k): _encodable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encodable(v) for v in value]
    return value


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
    if isinstance(error, PolicyTestsFailed):
        errors = [{"path": p.path, "message": p.message} for p in error.failures]
        return problem(409, str(error), errors, code="policy_tests_failed")
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


async def _data_file(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DataFileError)
    errors = [{"path": "body", "message": error.error.message, "line": error.error.line or None}]
    return problem(422, "the file cannot be read", errors)


async def _lead_validation(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, LeadValidationError)
    errors = [{"path": p.path, "message": p.message} for p in error.problems]
    return problem(422, "the request is invalid", errors)


class CatchBugs:
    """Answer an unhandled error with a 500 in the error shape, and do not raise it further.

    Starlette's own handler for `Exception` answers and then re-raises, and the server closes the
    connection on a raised error: the client's next request on that keep-alive connection fails.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise  # half an answer is out: only closing the connection can say it failed
            await problem(500, "internal error", code="internal")(scope, receive, send)


def install(app: FastAPI) -> None:
    """Register the error handlers on `app` (`CatchBugs` is added as the outermost middleware)."""
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(Conflict, _conflict)
    app.add_exception_handler(PolicyError, _policy)
    app.add_exception_handler(LeadValidationError, _lead_validation)
    app.add_exception_handler(DataFileError, _data_file)
