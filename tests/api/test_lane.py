"""The intake's express lane (`leads/lane.py`): it answers ordinary intakes exactly as the FastAPI
route would, and leaves every other request, body and all, to the route."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from leadrouter.app import create_app
from leadrouter.keys.schemas import Scope
from leadrouter.leads import lane
from leadrouter.settings import Settings
from leadrouter.store import Database

from ..store.databases import sqlite_url, wipe
from .conftest import TUESDAY_3PM, FakeClock, make_key
from .factories import lead, seed


@pytest.fixture
def lane_answers(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The status of every answer the lane gave (the route's answers are not counted)."""
    answered: list[int] = []

    def counted(*args: Any) -> Any:
        response = lane_answer(*args)
        answered.append(response.status_code)
        return response

    lane_answer = lane.answer
    monkeypatch.setattr(lane, "answer", counted)
    return answered


@pytest.fixture
def warm(seeded: TestClient) -> TestClient:
    """The seeded client once its key is verified (and so known to the lane)."""
    assert seeded.post("/v1/leads", json=lead(0)).status_code == 201
    return seeded


def test_ordinary_intake__is_answered_by_the_lane(
    warm: TestClient, lane_answers: list[int]
) -> None:
    first = warm.post("/v1/leads", json=lead(1), headers={"Idempotency-Key": "k-1"})
    retry = warm.post("/v1/leads", json=lead(1), headers={"Idempotency-Key": "k-1"})
    charset = warm.post(
        "/v1/leads",
        content=b'{"lead": {"email": "ana@x.io"}}',
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert lane_answers == [201, 200, 201]
    assert (first.status_code, retry.status_code, charset.status_code) == (201, 200, 201)
    assert retry.json() == first.json()
    assert first.headers["Location"] == f"/v1/leads/{first.json()['lead_id']}"
    assert first.headers["Content-Type"] == "application/json"


def test_conflicting_retry__is_409_in_the_error_shape(
    warm: TestClient, lane_answers: list[int]
) -> None:
    assert warm.post("/v1/leads", json=lead(1), headers={"Idempotency-Key": "k"}).status_code == 201
    response = warm.post("/v1/leads", json=lead(2), headers={"Idempotency-Key": "k"})
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert lane_answers == [201]  # the conflict was raised in the lane, not answered by `answer`


@pytest.mark.parametrize(
    ("content", "headers", "status"),
    [
        (b'{"lead": {"email": ', {}, 400),  # malformed JSON
        (b'{"lead": {"email": NaN}}', {}, 422),  # Python's JSON parser reads NaN; PostgreSQL not
        (b'{"lead": {"email": "a@b.io"}, "extra": 1}', {}, 422),  # unknown field
        (b'{"lead": {"email": "a\\u0000b"}}', {}, 422),  # NUL
        (b'{"lead": {"email": "a@b.io"}}', {"Idempotency-Key": "k" * 201}, 422),
        (b'{"lead": {"email": "a@b.io"}}', {"Idempotency-Key": ""}, 422),
        (b'{"lead": {"email": "a@b.io"}}', {"Content-Type": "text/plain"}, 422),
        (b'{"lead": {"email": "a@b.io"}}', {"Authorization": "Bearer nope"}, 401),
        (b'{"lead": {"email": "a@b.io"}}', {"Authorization": "Basic abc"}, 401),
    ],
)
def test_unusual_request__is_left_to_the_route(
    warm: TestClient,
    lane_answers: list[int],
    content: bytes,
    headers: dict[str, str],
    status: int,
) -> None:
    headers = {"Content-Type": "application/json", **headers}
    response = warm.post("/v1/leads", content=content, headers=headers)
    assert response.status_code == status
    assert set(response.json()) == {"code", "message", "errors"}
    assert lane_answers == []


def test_key_without_the_scope__is_left_to_the_route(
    warm: TestClient, database: Database, lane_answers: list[int]
) -> None:
    reader = {"Authorization": f"Bearer {make_key(database, 'reader', Scope.LEADS_READ)}"}
    assert warm.get("/v1/leads/nope", headers=reader).status_code == 404  # verified and cached
    assert warm.post("/v1/leads", json=lead(1), headers=reader).status_code == 403
    assert lane_answers == []


def test_body_over_the_limit__is_left_to_the_route(
    database: Database, lane_answers: list[int]
) -> None:
    app = create_app(
        Settings(db=database.url, max_body_bytes=200),
        database=database,
        clock=FakeClock(TUESDAY_3PM),
    )
    with TestClient(app) as client:
        client.headers["Authorization"] = f"Bearer {make_key(database, 'admin', Scope.ADMIN)}"
        with database.session() as session:
            seed(session, TUESDAY_3PM)
        assert client.post("/v1/leads", json=lead(0)).status_code == 201  # verifies the key
        assert client.post("/v1/leads", json=lead(1)).status_code == 201
        big = client.post("/v1/leads", json=lead(2, note="x" * 300))
    assert big.status_code == 413
    assert lane_answers == [201]


def test_streamed_body__is_read_by_the_route(warm: TestClient, lane_answers: list[int]) -> None:
    """No Content-Length (a chunked upload): the route reads and limits it as it streams."""

    def chunks() -> Iterator[bytes]:
        yield b'{"lead": {"email": '
        yield b'"ana@x.io"}}'

    response = warm.post(
        "/v1/leads", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 201
    assert lane_answers == []


def _answers(client: TestClient) -> list[tuple[int, dict[str, Any]]]:
    """A run of intakes, their lead ids replaced by their order of first appearance."""
    requests = [
        (lead(1), {"Idempotency-Key": "a"}),
        (lead(1), {"Idempotency-Key": "a"}),
        (lead(2, employees="5000"), {}),
        ({"lead": {"email": "jo@gmail.com"}}, {}),
        ({**lead(3), "external_id": "crm-3"}, {}),
        ({**lead(3), "external_id": "crm-3"}, {}),
        (lead(4), {}),
    ]
    ids: dict[str, str] = {}
    answers = []
    for body, headers in requests:
        response = client.post("/v1/leads", json=body, headers=headers)
        answer = response.json()
        answer["lead_id"] = ids.setdefault(answer["lead_id"], f"lead-{len(ids)}")
        answers.append((response.status_code, answer))
    return answers


def test_lane_and_route__give_the_same_answers(
    database: Database, tmp_path: Path, lane_answers: list[int]
) -> None:
    """The same intakes on two fresh databases, once through the lane and once with a key cache
    that forgets at once (so the lane never knows the key and the route answers every one)."""
    runs = []
    for seconds in (60.0, 0.0):
        db = database if not runs else _another(database, tmp_path)
        settings = Settings(db=db.url, key_cache_seconds=seconds)
        with TestClient(create_app(settings, database=db, clock=FakeClock(TUESDAY_3PM))) as client:
            client.headers["Authorization"] = f"Bearer {make_key(db, 'admin', Scope.ADMIN)}"
            with db.session() as session:
                seed(session, TUESDAY_3PM)
            runs.append(_answers(client))
    assert len(lane_answers) == 6  # all but the first request of the first run
    assert runs[0] == runs[1]
    assert [status for status, _ in runs[0]] == [201, 200, 201, 201, 201, 200, 201]


def _another(database: Database, tmp_path: Path) -> Database:
    """A fresh database of the same kind, its identities starting from 1 again."""
    if database.postgres:
        wipe(database)  # the schema is this test's own while it runs
        return database
    folder = tmp_path / "another"
    folder.mkdir()
    return Database(sqlite_url(folder))
