"""The HTTP routes: a lead's timeline, the unowned list, dead letters (SQLite, real worker)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from leadrouter.app import create_app
from leadrouter.keys import service as keys
from leadrouter.keys.schemas import KeyCreate, Scope
from leadrouter.notify.api import router as notify_router
from leadrouter.settings import Settings
from leadrouter.sla.api import router as sla_router
from leadrouter.store import Database

from ..store.databases import sqlite_url
from .service_setup import Service, service

TUESDAY_10AM = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.fixture
def svc(tmp_path: Path) -> Iterator[Service]:
    db = Database(sqlite_url(tmp_path))
    with service(db, TUESDAY_10AM) as running:
        yield running
    db.dispose()


@pytest.fixture
def api(svc: Service) -> Iterator[TestClient]:
    app = create_app(Settings(db=svc.db.url), database=svc.db, clock=svc.clock)
    app.include_router(sla_router)
    app.include_router(notify_router)
    with svc.db.session() as session:
        token = keys.create(
            session=session,
            key_in=KeyCreate(name="admin", scopes=[Scope.ADMIN]),
            actor="test",
            now=TUESDAY_10AM,
        ).token
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as client:
        yield client


def test_timeline__tells_the_whole_story_of_a_breached_lead(svc: Service, api: TestClient) -> None:
    lead_id = svc.new_lead()
    svc.worker.run_once()
    svc.run_until(TUESDAY_10AM + timedelta(minutes=20), timedelta(minutes=1))
    entries = api.get(f"/v1/leads/{lead_id}/timeline").json()
    kinds = [(e["kind"], e["code"]) for e in entries if e["kind"] != "message"]
    assert kinds == [
        ("decision", "rep"),
        ("sla", "SLA_STARTED"),
        ("sla", "SLA_REMINDER"),
        ("sla", "SLA_BREACHED"),
        ("sla", "SLA_ESCALATED"),
        ("sla", "SLA_REASSIGNED"),
    ]
    sent = [e for e in entries if e["kind"] == "message"]
    assert sent and all(e["code"] == "sent" for e in sent)
    assert api.get("/v1/leads/nope/timeline").status_code == 404


def test_unowned__lists_fallback_leads_until_someone_takes_them(
    svc: Service, api: TestClient
) -> None:
    lead_id = svc.new_lead(employees="5000")
    assert [lead["id"] for lead in api.get("/v1/alerts/unowned").json()] == [lead_id]


def test_dead_letters__are_listed_and_can_be_queued_again(svc: Service, api: TestClient) -> None:
    svc.hooks.failures["/hook"] = 1000
    svc.new_lead(employees="5000")
    svc.run_until(TUESDAY_10AM + timedelta(minutes=30), timedelta(minutes=1))
    (dead,) = api.get("/v1/notifications/dead").json()
    assert dead["attempts"] == 4 and "HTTP 503" in dead["last_error"]
    assert api.post(f"/v1/notifications/dead/{dead['id']}/retry").status_code == 202
    assert api.get("/v1/notifications/dead").json() == []
    assert api.post(f"/v1/notifications/dead/{dead['id']}/retry").status_code == 404
