"""API keys: 401 without a valid key, 403 without the scope, tokens stored only as hashes."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select

from leadrouter.keys.models import ApiKeyRow
from leadrouter.keys.schemas import Scope
from leadrouter.store import Database

from .conftest import make_key
from .factories import lead


def test_request_without_key__is_401_with_bearer_challenge(client: TestClient) -> None:
    response = client.get("/v1/reps")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json()["code"] == "unauthorized"


def test_request_with_unknown_key__is_401(client: TestClient) -> None:
    response = client.get("/v1/reps", headers={"Authorization": "Bearer lr_not-a-key"})
    assert response.status_code == 401


def test_key_without_scope__is_403(client: TestClient, database: Database) -> None:
    token = make_key(database, "web-form", Scope.LEADS_WRITE)
    response = client.post(
        "/v1/reps",
        json={"id": "x", "name": "X", "email": "x@acme.example"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 403
    assert "config:write" in response.json()["message"]


def test_leads_write_scope__may_post_and_read_leads(seeded: TestClient, database: Database) -> None:
    headers = {"Authorization": f"Bearer {make_key(database, 'web-form', Scope.LEADS_WRITE)}"}
    posted = seeded.post("/v1/leads", json=lead(1), headers=headers)
    assert posted.status_code == 201
    assert seeded.get(f"/v1/leads/{posted.json()['lead_id']}", headers=headers).status_code == 200


def test_revoked_key__is_401(api: TestClient, database: Database) -> None:
    created = api.post("/v1/keys", json={"name": "crm", "scopes": ["leads:read"]}).json()
    api.delete(f"/v1/keys/{created['id']}")
    response = api.get("/v1/leads/x", headers={"Authorization": f"Bearer {created['token']}"})
    assert response.status_code == 401


def test_created_key__is_shown_once_and_stored_hashed(api: TestClient, database: Database) -> None:
    created = api.post("/v1/keys", json={"name": "crm", "scopes": ["leads:write"]}).json()
    assert created["token"].startswith("lr_")
    listed = api.get("/v1/keys").json()
    assert all("token" not in key for key in listed)
    with database.read() as session:
        hashes = list(session.scalars(select(ApiKeyRow.token_hash)))
    assert created["token"] not in hashes
    assert all(len(h) == 64 for h in hashes)


def test_key_used_then_revoked__is_401_at_once(api: TestClient) -> None:
    created = api.post("/v1/keys", json={"name": "crm", "scopes": ["leads:read"]}).json()
    headers = {"Authorization": f"Bearer {created['token']}"}
    assert api.get("/v1/leads/x", headers=headers).status_code == 404  # verified, now cached
    api.delete(f"/v1/keys/{created['id']}")
    assert api.get("/v1/leads/x", headers=headers).status_code == 401


def test_key_revoked_elsewhere__is_401_once_the_cache_expires(
    client: TestClient, database: Database
) -> None:
    token = make_key(database, "crm", Scope.LEADS_READ)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/v1/leads/x", headers=headers).status_code == 404
    with database.session() as session:  # as another server process or the CLI would
        session.execute(ApiKeyRow.__table__.update().values(revoked_at=datetime.now(UTC)))
    keys = client.app.state.services.keys
    assert client.get("/v1/leads/x", headers=headers).status_code == 404  # trusted for a while
    keys.ttl = 0
    keys.forget_all()
    assert client.get("/v1/leads/x", headers=headers).status_code == 401
