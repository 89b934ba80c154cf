"""A request body size limit, enforced before the body reaches JSON parsing.

Checks Content-Length up front and counts streamed bytes too (chunked uploads carry no length),
answering 413 in the API's error shape. Pure ASGI, so it adds no per-request object churn.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import Path, Query, Request
from pydantic import AfterValidator, Field, StringConstraints
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from leadrouter.errors import FieldProblem, LeadValidationError

TOO_LARGE = 413


def within(content_length: bytes, max_bytes: int) -> bool:
    """Whether a Content-Length header's value is a length of at most `max_bytes`."""
    return content_length.isdigit() and int(content_length) <= max_bytes


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.message = f"request body over {max_bytes} bytes"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length" and not within(value, self.max_bytes):
                await self._reject(send)
                return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # An HTTPException passes through FastAPI's body parsing untouched and
                    # reaches the API's error handler.
                    raise HTTPException(TOO_LARGE, self.message)
            return message

        await self.app(scope, limited_receive, send)

    async def _reject(self, send: Send) -> None:
        await _answer(send, TOO_LARGE, "payload_too_large", self.message)


# What every stored value must fit, on SQLite and PostgreSQL alike: PostgreSQL's `integer` and
# `bigint` ranges, no NUL character (PostgreSQL text cannot hold one) and no lone surrogate (not
# encodable as UTF-8). Checked at the edge so bad input is a 422 naming the field, never a 500
# from the database.
INT32_MAX = 2**31 - 1
NO_NUL = r"^[^\x00]*$"


def _storable(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError("not valid Unicode (a lone surrogate)") from error
    return text


def text(max_length: int, min_length: int = 0) -> Any:
    """A text field of at most `max_length` characters that any database can store."""
    return Annotated[
        str,
        StringConstraints(min_length=min_length, max_length=max_length, pattern=NO_NUL),
        AfterValidator(_storable),
    ]


Count = Annotated[int, Field(ge=0, le=INT32_MAX)]
RowId = Annotated[int, Path(ge=1, le=INT32_MAX, description="a row id")]
PathKey = Annotated[str, Path(max_length=200, pattern=NO_NUL), AfterValidator(_storable)]


def path_key(name: str) -> Any:
    """PathKey for the path parameter `name`, whatever the handler's own parameter is called
    (one handler serving several tables: `api/config_routes.py`)."""
    return Annotated[
        str, Path(alias=name, max_length=200, pattern=NO_NUL), AfterValidator(_storable)
    ]


QueryKey = Annotated[str | None, Query(max_length=200, pattern=NO_NUL), AfterValidator(_storable)]
Limit = Annotated[int, Query(ge=1, le=1000, description="at most this many items")]
Offset = Annotated[int, Query(ge=0, le=INT32_MAX, description="skip this many items first")]


def known_query(request: Request) -> None:
    """Refuse, on an API route, a query parameter the route does not take (a misspelt `limt`
    would be ignored silently) or one given twice (`?limit=1&limit=5`: which one the sender
    meant is anyone's guess). A FastAPI dependency of every route."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None or not request.url.path.startswith("/v1/"):
        return
    names = {p.alias for p in _query_params(dependant)}
    seen: set[str] = set()
    problems = []
    for name, _ in request.query_params.multi_items():
        if name not in names:
            problems.append(FieldProblem(f"query.{name}", "not a parameter of this operation"))
        elif name in seen:
            problems.append(FieldProblem(f"query.{name}", "given more than once"))
        seen.add(name)
    if problems:
        raise LeadValidationError(problems)


def _query_params(dependant: Any) -> list[Any]:
    params = list(dependant.query_params)
    for sub in dependant.dependencies:
        params += _query_params(sub)
    return params


class DuplicateKey(ValueError):
    """A JSON object names one key twice: which one and where."""

    def __init__(self, path: str, key: str) -> None:
        self.path = path
        self.key = key
        super().__init__(f"{path}: duplicate key '{key}'")


class _Twice(dict):  # type: ignore[type-arg]
    """An object parsed from JSON that named `twice` more than once."""

    twice: str


class _Repeated(Exception):
    pass


def _refuse_twice(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(pairs)
    if len(value) != len(pairs):
        raise _Repeated
    return value


def _mark_twice(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(pairs)
    if len(value) == len(pairs):
        return value
    seen: set[str] = set()
    marked = _Twice(value)
    marked.twice = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
    return marked


_unique = json.JSONDecoder(object_pairs_hook=_refuse_twice)
_marking = json.JSONDecoder(object_pairs_hook=_mark_twice)


def loads_unique(body: bytes | str) -> Any:
    """Parse JSON like `json.loads`, but raise DuplicateKey for an object that names a key twice
    (json.loads would keep the last silently). Raises ValueError for malformed JSON."""
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    try:
        return _unique.decode(text)
    except _Repeated:
        pass  # rare: parse again, marking, to say where
    _find_twice(_marking.decode(text), "body")
    raise AssertionError("a repeated key was not found again")  # pragma: no cover


def _find_twice(value: Any, path: str) -> None:
    if isinstance(value, _Twice):
        raise DuplicateKey(path, value.twice)
    if isinstance(value, dict):
        for key, item in value.items():
            _find_twice(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _find_twice(item, f"{path}[{i}]")


class UniqueKeys:
    """Answer 422 to a JSON body whose object names a key twice, naming the key and its path.

    Which of the two values counts is not defined by JSON, and a parser keeps the last one
    silently; the sender may mean the other, so neither is taken.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_json(scope["headers"]):
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        try:
            while True:
                message = await receive()
                messages.append(message)
                if message["type"] != "http.request" or not message.get("more_body", False):
                    break
        except HTTPException as error:  # over the size limit (`BodyLimit`)
            await _answer(send, error.status_code, "payload_too_large", str(error.detail))
            return
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
        try:
            loads_unique(body)
        except DuplicateKey as twice:
            await _answer(send, 422, "invalid", "the request is invalid", twice)
            return
        except ValueError:
            pass  # malformed JSON: the route answers 400 as always

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


def _is_json(headers: list[tuple[bytes, bytes]]) -> bool:
    for name, value in headers:
        if name == b"content-type":
            kind = value.split(b";")[0].strip().lower()
            return kind == b"application/json" or kind.endswith(b"+json")
    return False


async def _answer(
    send: Send, status: int, code: str, message: str, twice: DuplicateKey | None = None
) -> None:
    errors = [{"path": twice.path, "message": f"duplicate key '{twice.key}'"}] if twice else []
    body = {"code": code, "message": message, "errors": errors}
    data = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(data)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})
