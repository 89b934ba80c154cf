"""People and roles: sign in with a login and password, what each role may see and press,
sessions that end (expiry, sign-out, deactivation), CSRF on the People forms."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from leadrouter.audit.models import AuditRow
from leadrouter.leads.models import LeadRow
from leadrouter.settings import Settings
from leadrouter.users.models import UserRow

from .conftest import NOW, PASSWORD, sign_in
from .server import dashboard_app


class MovableClock:
    def __init__(self) -> None:
        self.at = NOW

    def now(self):
        return self.at


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


def _client(demo, clock, login: str) -> TestClient:
    db, _ = demo
    client = TestClient(dashboard_app(Settings(db=db.url), db, clock))
    sign_in(client, login=login)
    return client


def test_sign_in__a_wrong_password_is_refused_with_a_message(demo, clock):
    db, _ = demo
    client = TestClient(dashboard_app(Settings(db=db.url), db, clock))
    form = client.get("/login").text
    import re

    nonce = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    answer = client.post(
        "/login", data={"login": "maria", "password": "guess", "csrf_token": nonce}
    )
    assert answer.status_code == 401 and "Wrong login or password" in answer.text
    assert "leadrouter_session" not in client.cookies


def test_manager__works_the_queue_and_the_audit_names_them(demo, clock):
    db, _ = demo
    manager = _client(demo, clock, "maria")
    assert 'href="/people"' not in manager.get("/").text
    with db.read() as session:
        lead_id = session.scalar(select(LeadRow.id).where(LeadRow.kind == "queue").limit(1))
    answer = manager.post(f"/queue/{lead_id}/assign", data={"rep": "bob"})
    assert answer.status_code == 200
    with db.read() as session:
        actor = session.scalars(select(AuditRow.actor).where(AuditRow.entity_id == lead_id)).one()
    assert actor == "Maria Diaz"
    assert 'id="rep-form"' in manager.get("/reps/ana").text
    assert manager.get("/people").status_code == 403


def test_viewer__reads_every_page_and_presses_no_button(demo, clock):
    db, _ = demo
    viewer = _client(demo, clock, "victor")
    for path in ("/", "/queue", "/reps", "/team", "/rules", "/leads", "/policy", "/reps/ana"):
        assert viewer.get(path).status_code == 200, path
    assert "hx-post" not in viewer.get("/queue").text
    with db.read() as session:
        lead_id = session.scalar(select(LeadRow.id).where(LeadRow.kind == "queue").limit(1))
    assert viewer.post(f"/queue/{lead_id}/assign", data={"rep": "bob"}).status_code == 403
    assert viewer.post("/team/queues", data={"id": "x", "name": "X"}).status_code == 403


def test_admin__adds_a_person_who_can_then_sign_in(demo, clock):
    db, _ = demo
    admin = _client(demo, clock, "ada")
    short = admin.post(
        "/people", data={"login": "li", "name": "Li", "role": "manager", "password": "short"}
    )
    assert short.status_code == 422 and 'id="err-password"' in short.text
    added = admin.post(
        "/people",
        data={"login": "li", "name": "Li Wei", "role": "manager", "password": PASSWORD},
        follow_redirects=False,
    )
    assert added.status_code == 303
    li = _client(demo, clock, "li")
    assert li.get("/queue").status_code == 200
    with db.read() as session:
        assert (
            session.scalars(select(AuditRow.actor).where(AuditRow.entity_id == "li")).one()
            == "Ada Admin"
        )


def test_add_person__an_empty_role_is_a_viewer_and_an_unknown_field_is_ignored(demo, clock):
    db, _ = demo
    admin = _client(demo, clock, "ada")
    added = admin.post(
        "/people",
        data={"login": "li", "name": "Li Wei", "role": "", "team": "emea", "password": PASSWORD},
        follow_redirects=False,
    )
    assert added.status_code == 303, added.text
    with db.read() as session:
        assert session.scalar(select(UserRow.role).where(UserRow.login == "li")) == "viewer"


def test_deactivating_a_person_ends_their_session_at_once(demo, clock):
    maria = _client(demo, clock, "maria")
    admin = _client(demo, clock, "ada")
    assert (
        admin.post("/people/maria", data={"active": "no"}, follow_redirects=False).status_code
        == 303
    )
    answer = maria.get("/queue", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/login"


def test_a_role_change_applies_to_the_open_session(demo, clock):
    victor = _client(demo, clock, "victor")
    admin = _client(demo, clock, "ada")
    admin.post("/people/victor", data={"role": "manager"})
    assert 'id="rep-form"' in victor.get("/reps/ana").text


def test_an_admin_cannot_lock_themselves_out(demo, clock):
    db, _ = demo
    admin = _client(demo, clock, "ada")
    answer = admin.post("/people/ada", data={"active": "no"})
    assert answer.status_code == 422
    with db.read() as session:
        assert session.scalar(select(UserRow.active).where(UserRow.login == "ada"))


def test_sessions__expire_after_their_lifetime(demo, clock):
    maria = _client(demo, clock, "maria")
    clock.at = NOW + timedelta(hours=12, seconds=1)
    answer = maria.get("/", follow_redirects=False)
    assert answer.status_code == 303


def test_people_forms__need_the_sessions_csrf_token(demo, clock):
    admin = _client(demo, clock, "ada")
    del admin.headers["X-CSRF-Token"]
    answer = admin.post(
        "/people", data={"login": "x", "name": "X", "password": PASSWORD, "csrf_token": "forged"}
    )
    assert answer.status_code == 403
