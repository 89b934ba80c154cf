"""The key dashboard flows on PostgreSQL: a manager signs in with a password, assigns a review
lead and undoes it, meets a conflict naming who took a lead, opens the breached leads behind the
overview figure, sets a rep out of office (the next leads skip her), activates and rolls back a
policy."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from leadrouter.dashboard.demo import POLICY_V2, REVIEW_QUEUE
from leadrouter.dashboard.views import WINDOW
from leadrouter.keys.schemas import Scope
from leadrouter.leads.models import LeadRow
from leadrouter.policies.snapshot import active_version
from leadrouter.reports.summary import DEFAULT_SLA, build_report
from leadrouter.settings import Settings
from leadrouter.store import Database

from ..store.databases import postgres_schema
from .conftest import NOW, FixedClock, seed, sign_in
from .flow_reference import assert_same, by_lead, from_rollups
from .server import dashboard_app

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg() -> Iterator[tuple[Database, dict[str, str]]]:
    with postgres_schema() as url:
        db = Database(url)
        tokens = seed(db, NOW, leads=300)
        yield db, tokens
        db.dispose()


@pytest.fixture
def manager(pg) -> TestClient:
    db, _ = pg
    client = TestClient(dashboard_app(Settings(db=db.url), db, FixedClock()))
    sign_in(client, login="maria")
    return client


def test_postgres__review_assign_undo_and_conflict(manager, pg):
    db, _ = pg
    with db.read() as session:
        lead_id = session.scalar(
            select(LeadRow.id)
            .where(LeadRow.kind == "review", LeadRow.queue == REVIEW_QUEUE)
            .limit(1)
        )
    assert manager.post(f"/queue/{lead_id}/assign", data={"rep": "bob"}).status_code == 200
    taken = manager.post(f"/queue/{lead_id}/assign", data={"rep": "sam"})
    assert taken.status_code == 409 and "bob has it" in taken.text
    undone = manager.post(f"/queue/{lead_id}/undo")
    assert undone.status_code == 200 and "back in review" in undone.text


def test_postgres__the_breached_figure_opens_its_leads(manager, pg):
    db, _ = pg
    with db.read() as session:
        report = build_report(session, NOW, WINDOW, DEFAULT_SLA)
    html = manager.get("/leads", params={"period": "30d", "sla": "breached"}).text
    assert int(re.search(r'<b id="total">(\d+)</b>', html).group(1)) == report.sla.breached
    assert manager.get("/queue", params={"list": "breached"}).status_code == 200


def test_postgres__out_of_office_in_the_ui_skips_the_rep(manager, pg):
    _, tokens = pg
    html = manager.get("/reps/lea").text
    assert 'id="rep-form"' in html
    start = (NOW - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    end = (NOW + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    form = {
        "csrf_token": manager.headers["X-CSRF-Token"],
        "name": "Lea Kurz",
        "email": "lea@acme.example",
        "timezone": "UTC",
        "active": "on",
        "max_open": "120",
        "pool": ["inbound"],
        "weight:inbound": "1",
        "absence_start": start,
        "absence_end": end,
    }
    assert manager.post("/reps/lea", data=form, follow_redirects=False).status_code == 303
    key = {"Authorization": f"Bearer {tokens[Scope.LEADS_WRITE]}"}
    owners = set()
    for n in range(6):
        lead = {"email": f"vp{n}@pgprospect{n}.com", "employees": "1,000-5,000", "country": "US"}
        answer = manager.post("/v1/leads", json={"lead": lead}, headers=key)
        assert answer.status_code in (200, 201), answer.text
        owners.add(answer.json()["owner"])
    assert "lea" not in owners


def test_postgres__policy_activate_and_roll_back(manager, pg):
    db, _ = pg
    text = POLICY_V2.replace('"2026.11.2"', '"2026.11.9"')
    saved = manager.post("/policy/save", data={"text": text, "activate": "yes"})
    assert saved.status_code == 200, saved.text
    with db.read() as session:
        assert active_version(session) == "2026.11.9"
    assert manager.post("/policy/rollback").status_code == 200
    with db.read() as session:
        assert active_version(session) == "2026.11.2"


def test_postgres__flow_medians_match_sqlites_and_the_backtest_runs(manager, pg):
    db, _ = pg
    period = timedelta(days=90)
    found = from_rollups(db, NOW, period)
    assert_same(found, by_lead(db, NOW - period, NOW))
    assert found[("smb", "pool:inbound")][1] > 0
    assert "leads from smb to pool inbound" in manager.get("/policy/flow?period=90d").text
    text = POLICY_V2.replace(
        "route: pool inbound\n  - id: catch-all", "route: queue unrouted\n  - id: catch-all"
    )
    answer = manager.post("/policy/backtest", data={"text": text, "period": "90d"})
    assert answer.status_code == 200 and 'id="backtest-summary"' in answer.text
