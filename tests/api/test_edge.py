"""What the API refuses at its edge, the same on SQLite and PostgreSQL: a 4xx in the one error
shape naming the field, never a 5xx from the database or from encoding the answer."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from .factories import POLICY, lead

JSON = {"Content-Type": "application/json"}


def paths(response: object) -> list[str]:
    return [e["path"] for e in response.json()["errors"]]  # type: ignore[attr-defined]


# PATCH is validated as a whole create request, references included (issue 14, item 3).


def test_pool_patch__when_full_queue_without_target__is_422_naming_the_target(
    seeded: TestClient,
) -> None:
    response = seeded.patch("/v1/pools/smb", json={"when_full": "queue"})
    assert response.status_code == 422
    assert paths(response) == ["body.when_full_target"]
    assert seeded.get("/v1/pools/smb").json()["when_full"] == "least_loaded"


def test_pool_patch__unknown_target__is_422_naming_it(seeded: TestClient) -> None:
    response = seeded.patch(
        "/v1/pools/smb", json={"when_full": "queue", "when_full_target": "nope"}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"path": "body.when_full_target", "message": "unknown queue 'nope'"}
    ]


def test_pool_patch__known_target__is_taken(seeded: TestClient) -> None:
    body = {"when_full": "queue", "when_full_target": "deal_desk"}
    response = seeded.patch("/v1/pools/smb", json=body)
    assert response.status_code == 200
    assert response.json()["when_full_target"] == "deal_desk"


def test_pool_create__unknown_overflow_pool__is_422(seeded: TestClient) -> None:
    pool = {"id": "p2", "name": "P2", "members": ["ana"], "when_full": "pool"}
    response = seeded.post("/v1/pools", json=pool | {"when_full_target": "ghost"})
    assert response.status_code == 422
    assert paths(response) == ["body.when_full_target"]


def test_pool_patch__overflow_loop__is_422(seeded: TestClient) -> None:
    pool = {"id": "p2", "name": "P2", "members": ["ana"], "when_full": "pool"}
    assert seeded.post("/v1/pools", json=pool | {"when_full_target": "smb"}).status_code == 201
    response = seeded.patch("/v1/pools/smb", json={"when_full": "pool", "when_full_target": "p2"})
    assert response.status_code == 422
    assert "loop" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("url", "body", "path"),
    [
        ("/v1/pools/smb", {"name": None}, "body.name"),
        ("/v1/pools/smb", {"members": None}, "body.members"),
        ("/v1/pools/smb", {"members": [""]}, "body.members[0]"),
        ("/v1/reps/ana", {"email": None}, "body.email"),
        ("/v1/reps/ana", {"skills": None}, "body.skills"),
        ("/v1/reps/ana", {"active": None}, "body.active"),
        ("/v1/reps/ana", {"max_open": 3_000_000_000}, "body.max_open"),
        ("/v1/reps/ana", {"manager": "ghost"}, "body.manager"),
        ("/v1/reps/ana", {"manager": "ana"}, "body.manager"),
        ("/v1/queues/unrouted", {"fallback": None}, "body.fallback"),
        ("/v1/queues/unrouted", {"name": "a\x00b"}, "body.name"),
    ],
)
def test_patch__bad_value__is_422_naming_the_field(
    seeded: TestClient, url: str, body: dict[str, object], path: str
) -> None:
    response = seeded.patch(url, json=body)
    assert response.status_code == 422, response.text
    assert path in paths(response), response.json()


def test_rep_patch__max_open_null__clears_the_cap(seeded: TestClient) -> None:
    seeded.patch("/v1/reps/ana", json={"max_open": 5})
    response = seeded.patch("/v1/reps/ana", json={"max_open": None})
    assert response.status_code == 200
    assert response.json()["max_open"] is None


# Out-of-range numbers, NUL characters, lone surrogates (item 4).


@pytest.mark.parametrize(
    "url",
    [
        "/v1/accounts?offset=99999999999999999999",
        "/v1/accounts?limit=-1",
        "/v1/notifications/dead?limit=-1",
        "/v1/notifications/dead?limit=99999999999999999999",
        "/v1/audit?entity=a%00b",
        "/v1/reps/a%00b",
        "/v1/policies/diff?old=t1&new=t%00",
        "/v1/audit?limit=1&limit=2",
    ],
)
def test_get__out_of_range_or_nul__is_422(seeded: TestClient, url: str) -> None:
    response = seeded.get(url)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("DELETE", "/v1/keys/99999999999999999999"),
        ("DELETE", "/v1/keys/3000000000"),
        ("POST", "/v1/notifications/dead/99999999999999999999/retry"),
    ],
)
def test_huge_path_id__is_422(seeded: TestClient, method: str, url: str) -> None:
    response = seeded.request(method, url)
    assert response.status_code == 422, response.text


def test_policy_text_with_nul__is_422(seeded: TestClient) -> None:
    response = seeded.post("/v1/policies", json={"text": POLICY.replace("t1", "t\x009")})
    assert response.status_code == 422
    assert paths(response) == ["body.text"]


@pytest.mark.parametrize("lane", [True, False], ids=["lane", "route"])
def test_lone_surrogate_in_field_name__is_422_that_can_be_read(
    seeded: TestClient, lane: bool
) -> None:
    body = b'{"lead": {"email": "jo@acme.example", "co\\ud800": "x"}}'
    # The lane takes only `application/json`; the route takes any JSON media type.
    headers = JSON if lane else {"Content-Type": "application/vnd.lead+json"}
    response = seeded.post("/v1/leads", content=body, headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"].startswith("body.lead.co")


# Stored text fits its column on both databases (item 2, the edge part).


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "x" * 330 + "@acme.example"),
        ("Email Address", "x" * 330 + "@acme.example"),
        ("first_name", "F" * 150),
        ("name", "N" * 401),
        ("phone", "1" * 41),
        ("lead source", "s" * 201),
        ("notes", "n" * 2001),
    ],
)
def test_long_lead_text__is_422_naming_the_field(
    seeded: TestClient, field: str, value: str
) -> None:
    body = {"lead": {"email": "jo@acme.example", "company": "Acme"} | {field: value}}
    response = seeded.post("/v1/leads", json=body)
    assert response.status_code == 422, response.text
    assert paths(response) == [f"body.lead.{field}"]


def test_long_email__does_not_fail_its_batch_mates(seeded: TestClient) -> None:
    long_email = {"lead": {"email": "x" * 330 + "@acme.example", "company": "Acme"}}
    assert seeded.post("/v1/leads", json=long_email).status_code == 422
    assert seeded.post("/v1/leads", json=lead(1)).status_code == 201


def test_long_rep_email__is_422(seeded: TestClient) -> None:
    rep = {"id": "dana", "name": "Dana", "email": "d" * 321}
    response = seeded.post("/v1/reps", json=rep)
    assert response.status_code == 422
    assert paths(response) == ["body.email"]


def test_long_account_domain__is_422_naming_it(seeded: TestClient) -> None:
    account = {"id": "a1", "name": "A", "domains": ["a.com", "d" * 300]}
    response = seeded.put("/v1/accounts/a1", json=account)
    assert response.status_code == 422
    assert paths(response) == ["body.domains[1]"]


# Duplicate keys (item 8).


def test_duplicate_json_key__is_422_naming_it_on_the_lane(seeded: TestClient) -> None:
    body = b'{"lead": {"email": "a@acme.example", "email": "b@acme.example"}}'
    response = seeded.post("/v1/leads", content=body, headers=JSON)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"path": "body.lead", "message": "duplicate key 'email'"}]


def test_duplicate_json_key__is_422_on_a_config_route(seeded: TestClient) -> None:
    body = b'{"active": true, "active": false}'
    response = seeded.patch("/v1/reps/ana", content=body, headers=JSON)
    assert response.status_code == 422
    assert seeded.get("/v1/reps/ana").json()["active"] is True


def test_duplicate_json_key__in_an_account_import__is_422(seeded: TestClient) -> None:
    body = b'[{"id": "a", "name": "A", "name": "B"}]'
    response = seeded.post("/v1/accounts/import", content=body, headers=JSON)
    assert response.status_code == 422
    assert paths(response) == ["body[0]"]


def test_unknown_query_parameter__is_422_naming_it(seeded: TestClient) -> None:
    response = seeded.get("/v1/audit?limt=5")
    assert response.status_code == 422
    assert paths(response) == ["query.limt"]


def test_lead_with_query_parameter__is_refused_by_the_lane_as_by_the_route(
    seeded: TestClient,
) -> None:
    response = seeded.post("/v1/leads?priority=high", json=lead(1))
    assert response.status_code == 422
    assert paths(response) == ["query.priority"]
