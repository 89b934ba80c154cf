"""Dashboard security: server-side sessions (never the key in a cookie), CSRF tokens and origin
checks on every POST, security headers on every response, and the API's scopes per page."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from http.cookies import SimpleCookie

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from leadrouter.dashboard.router import COOKIE, CSRF_HEADER
from leadrouter.dashboard.sessions import SessionRow
from leadrouter.keys import service as keys
from leadrouter.keys.models import ApiKeyRow
from leadrouter.keys.schemas import Scope
from leadrouter.keys.service import hash_token
from leadrouter.settings import Settings
from leadrouter.store import Database

from .conftest import DASHBOARD, NOW, sign_in
from .server import dashboard_app
from .test_dashboard_pages import _waiting


class MovingClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


def _app(db: Database, clock: object = None, **settings: object) -> TestClient:
    app = dashboard_app(Settings(db=db.url, **settings), db, clock or MovingClock(NOW))
    return TestClient(app)


def _session_cookie(response_headers: list[tuple[str, str]]) -> SimpleCookie:
    jar: SimpleCookie = SimpleCookie()
    for name, value in response_headers:
        if name == "set-cookie" and value.startswith(f"{COOKIE}="):
            jar.load(value)
    return jar


def _login(client: TestClient, key: str):
    nonce = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert nonce
    return client.post(
        "/login", data={"key": key, "csrf_token": nonce.group(1)}, follow_redirects=False
    )


def test_login__the_cookie_holds_a_session_id_never_the_key(demo):
    db, tokens = demo
    response = _login(_app(db), tokens[DASHBOARD])
    assert response.status_code == 303
    morsel = _session_cookie(response.headers.multi_items())[COOKIE]
    assert morsel.value != tokens[DASHBOARD] and "lr_" not in morsel.value
    assert morsel["httponly"] and morsel["samesite"] == "lax" and not morsel["secure"]
    assert int(morsel["max-age"]) == 12 * 3600
    with db.read() as session:
        (row,) = session.scalars(select(SessionRow))
    # Stored hashed, held by the key: a stolen database gives no usable cookie.
    assert row.token_hash == hash_token(morsel.value) and morsel.value not in row.token_hash
    assert row.key_id is not None and row.user_id is None
    assert row.expires_at == NOW + timedelta(hours=12)


def test_login__the_cookie_is_secure_over_https_or_by_setting(demo):
    db, tokens = demo
    over_https = TestClient(
        dashboard_app(Settings(db=db.url), db, MovingClock(NOW)), base_url="https://dash.test"
    )
    response = _login(over_https, tokens[DASHBOARD])
    assert _session_cookie(response.headers.multi_items())[COOKIE]["secure"]
    # Behind a TLS proxy the server sees http: the setting makes its cookies Secure anyway.
    form = _app(db, dashboard_secure_cookie=True).get("/login")
    assert "Secure" in form.headers["set-cookie"]


def test_session__ends_at_its_expiry(demo):
    db, tokens = demo
    clock = MovingClock(NOW)
    client = _app(db, clock, dashboard_session_hours=1)
    sign_in(client, tokens[DASHBOARD])
    assert client.get("/queue").status_code == 200
    clock.at = NOW + timedelta(hours=1)
    response = client.get("/queue", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/login")


def test_session__signing_out_revokes_it_on_the_server(demo):
    db, tokens = demo
    client = _app(db)
    sign_in(client, tokens[DASHBOARD])
    stolen = client.cookies[COOKIE]
    assert client.post("/logout", follow_redirects=False).status_code == 303
    replay = _app(db)
    replay.cookies.set(COOKIE, stolen)
    assert replay.get("/queue", follow_redirects=False).status_code == 303
    with db.read() as session:
        assert session.scalar(select(SessionRow.revoked_at)) == NOW


def test_session__revoking_its_key_ends_it_at_once(demo):
    db, tokens = demo
    client = _app(db)
    sign_in(client, tokens[DASHBOARD])
    with db.session() as session:
        key_id = session.scalar(select(ApiKeyRow.id).where(ApiKeyRow.name == DASHBOARD))
        keys.revoke(session=session, key_id=key_id, actor="test", now=NOW)
    assert client.get("/queue", follow_redirects=False).status_code == 303


def test_session__a_guessed_or_raw_key_cookie_is_no_session(demo):
    db, tokens = demo
    client = _app(db)
    client.cookies.set(COOKIE, tokens[DASHBOARD])  # what the cookie used to hold
    assert client.get("/queue", follow_redirects=False).status_code == 303


def test_session__is_held_by_a_key_or_a_user_never_both_nor_neither(db):
    values = {"created_at": NOW, "expires_at": NOW + timedelta(hours=1)}
    for holders in ({"key_id": None, "user_id": None}, {"key_id": 1, "user_id": 7}):
        with pytest.raises(IntegrityError), db.session() as session:
            session.execute(insert(SessionRow).values(token_hash="x" * 64, **holders, **values))
    with db.session() as session:  # a named user's session (a later version's users)
        session.execute(insert(SessionRow).values(token_hash="u" * 64, user_id=7, **values))


def test_csrf__an_action_without_the_session_token_is_refused(client, db):
    lead_id = _waiting(db)[0]
    token = client.headers.pop(CSRF_HEADER)
    response = client.post(f"/queue/{lead_id}/assign", data={"rep": "bob"})
    assert response.status_code == 403 and "expired" in response.text
    response = client.post(f"/queue/{lead_id}/reroute", headers={CSRF_HEADER: "0" * 64})
    assert response.status_code == 403
    assert lead_id in _waiting(db)
    # The token as a form field (a plain form) works as the header does (htmx).
    response = client.post(f"/queue/{lead_id}/assign", data={"rep": "bob", "csrf_token": token})
    assert response.status_code == 200 and lead_id not in _waiting(db)


def test_csrf__a_request_from_another_origin_is_refused_even_with_the_token(client, db):
    lead_id = _waiting(db)[0]
    for header in ({"Origin": "https://evil.example"}, {"Referer": "https://evil.example/x"}):
        response = client.post(f"/queue/{lead_id}/reroute", headers=header)
        assert response.status_code == 403 and "another site" in response.text
    assert lead_id in _waiting(db)
    response = client.post(f"/queue/{lead_id}/reroute", headers={"Origin": "http://testserver"})
    assert response.status_code == 200


def test_csrf__logout_needs_the_token(client):
    client.headers.pop(CSRF_HEADER)
    assert client.post("/logout", follow_redirects=False).status_code == 403
    assert client.get("/queue").status_code == 200


def test_csrf__login_needs_the_forms_token_and_this_origin(demo):
    db, tokens = demo
    client = _app(db)
    forged = client.post("/login", data={"key": tokens[DASHBOARD], "csrf_token": "x"})
    assert forged.status_code == 403
    nonce = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert nonce
    response = client.post(
        "/login",
        data={"key": tokens[DASHBOARD], "csrf_token": nonce.group(1)},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403 and COOKIE not in client.cookies


def test_headers__every_response_forbids_framing_sniffing_and_inline_script(client, db):
    lead_id = _waiting(db)[0]
    responses = [
        client.get(path)
        for path in ("/", "/queue", "/reps", "/rules", "/leads", "/policy", "/login")
    ]
    responses += [
        client.get("/static/htmx-2.0.11.min.js"),
        client.get("/static/nope.js"),
        client.post(f"/queue/{lead_id}/reroute"),
        client.get("/nowhere-known", follow_redirects=False),
        _app(db).get("/", follow_redirects=False),
    ]
    for response in responses[:-2]:
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, response.url
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
    assert responses[-1].headers["X-Frame-Options"] == "DENY"  # the redirect to /login too
    assert responses[0].headers["Cache-Control"] == "no-store"


def test_pages__hold_no_inline_script(client):
    pages = ("/", "/queue", "/queue?list=breached", "/reps", "/reps/ana", "/team", "/rules")
    for path in (*pages, "/leads", "/leads?period=30d", "/policy", "/login"):
        html = client.get(path).text
        for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
            assert "src=" in attributes or 'type="application/json"' in attributes, path
            assert "src=" not in attributes or not body.strip()
        assert not re.search(r"\son[a-z]+=", html), path  # no inline event handlers
        assert " style=" not in html, path


def test_login__a_key_for_metrics_only_cannot_sign_in(demo):
    db, tokens = demo
    response = _login(_app(db), tokens[Scope.METRICS_READ])
    assert response.status_code == 401


def test_login__a_config_reader_lands_on_a_page_it_may_see(demo):
    db, tokens = demo
    client = _app(db)
    response = _login(client, tokens[Scope.CONFIG_READ])
    assert response.headers["location"] == "/reps"
    assert client.get("/policy").status_code == 200
    assert client.get("/queue").status_code == 403
