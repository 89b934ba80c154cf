"""The API's own description: every error answer an operation can give, in the one error shape.

What is documented here is what a client may meet, so a fuzzer holding the server to its
description (tests/api/test_fuzz.py) finds no undocumented status.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from leadrouter.api.errors import Problem

_WHY = {
    400: "malformed JSON",
    401: "no API key, or an unknown or revoked one",
    403: "the key lacks the scope this operation needs",
    404: "a resource the request names does not exist",
    409: "the request conflicts with what is stored (exists already, not active, ...)",
    413: "the request body is over the size limit",
    415: "a body in a media type this operation does not take",
    422: "the request is invalid: each error names its field",
}
# Operations that answer 404 or 409 although their path names nothing and they change nothing.
_EXTRA = {
    ("GET", "/v1/policies/diff"): (404,),
    ("POST", "/v1/accounts/import"): (415,),
}


def document_errors(app: FastAPI) -> None:
    """Describe, in /openapi.json, the error answers each operation can give."""
    plain = app.openapi

    def described() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _with_errors(plain())
        return app.openapi_schema

    app.openapi = described  # type: ignore[method-assign]


def _with_errors(schema: dict[str, Any]) -> dict[str, Any]:
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem.pop("$defs", {}))
    schemas["Problem"] = problem
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)  # FastAPI's 422 shape, which this API never answers with
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in _statuses(path, method.upper(), operation):
                responses[str(status)] = {
                    "description": _WHY[status],
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                    },
                }
    return schema


def _statuses(path: str, method: str, operation: dict[str, Any]) -> list[int]:
    statuses = [422]
    if operation.get("security"):
        statuses += [401, 403]
    if "requestBody" in operation:
        statuses += [400, 413]
    if "{" in path:
        statuses.append(404)
    if method in ("POST", "PUT", "PATCH", "DELETE"):
        statuses.append(409)
    statuses += _EXTRA.get((method, path), ())
    return sorted(set(statuses))
