"""Bad input gets a clear 4xx in the error shape, or is routed with warnings; never a 500."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .factories import lead

JSON_HEADERS = {"Content-Type": "application/json"}


def post_raw(client: TestClient, content: bytes) -> tuple[int, dict]:
    response = client.post("/v1/leads", content=content, headers=JSON_HEADERS)
    return response.status_code, response.json()


def test_malformed_json__is_400_malformed_json(seeded: TestClient) -> None:
    status, body = post_raw(seeded, b'{"lead": {"email": ')
    assert status == 400
    assert body["code"] == "malformed_json"


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"lead": "jo@x.io"}, "body.lead"),
        ({"lead": {"email": {"nested": 1}}}, "body.lead.email"),
        ({"lead": {}}, "body.lead"),
        ([1, 2], "body"),
        ({"lead": {"email": "a@b.io"}, "external_id": 42}, "body.external_id"),
    ],
)
def test_wrong_types__are_422_with_the_field_path(
    seeded: TestClient, body: object, path: str
) -> None:
    response = seeded.post("/v1/leads", json=body)
    assert response.status_code == 422
    paths = [e["path"] for e in response.json()["errors"]]
    assert any(p.startswith(path) for p in paths), paths


def test_unknown_envelope_field__is_422_naming_it(seeded: TestClient) -> None:
    response = seeded.post("/v1/leads", json=lead(1) | {"priority": "high"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "body.priority"


def test_oversized_payload__is_413(seeded: TestClient) -> None:
    response = seeded.post("/v1/leads", json=lead(1, notes="x" * 70_000))
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_oversized_chunked_payload__is_413(seeded: TestClient) -> None:
    chunks = (b"x" * 10_000 for _ in range(10))
    response = seeded.post("/v1/leads", content=chunks, headers=JSON_HEADERS)
    assert response.status_code == 413


@pytest.mark.parametrize(
    "raw",
    [
        b'{"lead": {"email": "a\\u0000b@x.io"}}',
        b'{"lead": {"company": "\\ud800"}}',
        b'{"lead": {"\\u0000": "x"}}',
        b'{"lead": {"employees": Infinity}}',
        b'{"lead": {"employees": NaN}}',
    ],
)
def test_unstorable_values__are_422(seeded: TestClient, raw: bytes) -> None:
    status, body = post_raw(seeded, raw)
    assert status == 422
    assert body["code"] == "invalid"


def test_unicode_oddities__are_routed(seeded: TestClient) -> None:
    odd = lead(
        1,
        company="Ｓｏｎｙ\u200b GmbH 🚀",
        first_name="Zoë\u0301",
        country="Österreich",
        city="\u202eevil",
    )
    response = seeded.post("/v1/leads", json=odd)
    assert response.status_code == 201
    assert response.json()["owner"] is not None


def test_email_only_lead__is_routed(seeded: TestClient) -> None:
    response = seeded.post("/v1/leads", json={"lead": {"email": "jo@tiny.io"}})
    assert response.status_code == 201
    assert response.json()["rule"] == "smb"


def test_lead_without_email__falls_to_the_catch_all(seeded: TestClient) -> None:
    response = seeded.post(
        "/v1/leads", json={"lead": {"phone": "not a phone", "employees": "lots"}}
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["queue"], body["rule"]) == ("unrouted", "catch-all")
    assert body["warnings"]


def test_wrong_method__is_405_in_the_error_shape(seeded: TestClient) -> None:
    response = seeded.put("/v1/leads")
    assert response.status_code == 405
    assert set(response.json()) == {"code", "message", "errors"}


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30)
)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=3),
    st.dictionaries(st.text(max_size=5), scalars, max_size=2),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(fields=st.dictionaries(st.text(max_size=20), values, max_size=6))
def test_any_json_lead__never_gets_a_500(seeded: TestClient, fields: dict) -> None:
    raw = json.dumps({"lead": fields}).encode()
    status, body = post_raw(seeded, raw)
    assert status in (200, 201, 409, 422), body
    assert set(body) >= {"code", "message", "errors"} if status >= 400 else "lead_id" in body
