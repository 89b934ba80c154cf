"""Signing in to the dashboard with OpenID Connect, against a small real provider on 127.0.0.1
(discovery, JWKS with an RSA key made here, authorize redirect, token endpoint issuing a signed
id_token): users matched by subject or email, roles from a claim, state and nonce checked, the
client secret never shown."""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import httpx
import pytest
from authlib.jose import JsonWebKey, jwt
from fastapi.testclient import TestClient

from leadrouter.settings import Settings
from leadrouter.store import Database
from leadrouter.users import service as users

from .conftest import sign_in
from .server import dashboard_app

CLIENT_ID, SECRET = "leadrouter-dash", "s3cret-never-shown-anywhere"


class Provider:
    """An OpenID Connect provider: whoever the test names in `person` signs in."""

    def __init__(self) -> None:
        self.key = JsonWebKey.generate_key("RSA", 2048, is_private=True, options={"kid": "k1"})
        self.person: dict[str, Any] = {}
        self.codes: dict[str, dict[str, Any]] = {}
        self.wrong_nonce = False
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _json(self, body: dict[str, Any], status: int = 200) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlparse(self.path)
                if url.path == "/.well-known/openid-configuration":
                    base = provider.issuer
                    self._json(
                        {
                            "issuer": base,
                            "authorization_endpoint": f"{base}/authorize",
                            "token_endpoint": f"{base}/token",
                            "jwks_uri": f"{base}/jwks",
                            "response_types_supported": ["code"],
                            "id_token_signing_alg_values_supported": ["RS256"],
                        }
                    )
                elif url.path == "/jwks":
                    self._json({"keys": [provider.key.as_dict(is_private=False)]})
                elif url.path == "/authorize":
                    query = {k: v[0] for k, v in parse_qs(url.query).items()}
                    assert query["client_id"] == CLIENT_ID and query["response_type"] == "code"
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = query
                    back = {"code": code, "state": query["state"]}
                    self.send_response(302)
                    self.send_header("Location", f"{query['redirect_uri']}?{urlencode(back)}")
                    self.end_headers()
                else:
                    self._json({"error": "not_found"}, 404)

            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                asked = provider.codes.pop(form.get("code", ""), None)
                secret_ok = form.get("client_secret") == SECRET or self.headers.get(
                    "Authorization", ""
                ).startswith("Basic ")
                if asked is None or not secret_ok or "code_verifier" not in form:
                    self._json({"error": "invalid_grant"}, 400)
                    return
                now = int(time.time())
                nonce = "forged" if provider.wrong_nonce else asked["nonce"]
                claims = {
                    "iss": provider.issuer,
                    "aud": CLIENT_ID,
                    "iat": now,
                    "exp": now + 300,
                    "nonce": nonce,
                    **provider.person,
                }
                id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, provider.key)
                self._json(
                    {"access_token": "at", "token_type": "Bearer", "id_token": id_token.decode()}
                )

        return Handler


@pytest.fixture
def provider() -> Iterator[Provider]:
    provider = Provider()
    thread = threading.Thread(target=provider.server.serve_forever, daemon=True)
    thread.start()
    yield provider
    provider.server.shutdown()
    provider.server.server_close()


def _client(db: Database, provider: Provider, **settings: Any) -> TestClient:
    chosen = Settings(
        db=db.url,
        oidc_issuer=provider.issuer,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=SECRET,
        oidc_provider_name="Acme SSO",
        **settings,
    )
    return TestClient(dashboard_app(chosen, db), follow_redirects=False)


def _sign_in(client: TestClient, state: str | None = None) -> httpx.Response:
    """The browser's round trip: to the provider and back to the callback."""
    start = client.get("/login/oidc")
    assert start.status_code == 303, start.text
    assert start.headers["location"].startswith("http://127.0.0.1:")
    back = httpx.get(start.headers["location"])
    assert back.status_code == 302
    location = urlparse(back.headers["location"])
    query = parse_qs(location.query)
    if state is not None:
        query["state"] = [state]
    return client.get(f"{location.path}?{urlencode(query, doseq=True)}")


def test_oidc__sign_in_page_offers_the_provider_only_when_configured(db, provider):
    assert "Sign in with Acme SSO" in _client(db, provider).get("/login").text
    plain = TestClient(dashboard_app(Settings(db=db.url), db))
    assert "/login/oidc" not in plain.get("/login").text
    assert plain.get("/login/oidc").status_code == 404


def test_oidc__an_existing_user_is_matched_by_email_then_by_subject(db, provider):
    with db.session() as session:
        users.get_or_raise(session=session, login="maria").email = "maria@acme.example"
    provider.person = {"sub": "idp-42", "email": "Maria@acme.example", "name": "Maria D."}
    client = _client(db, provider)
    answer = _sign_in(client)
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    assert "Maria Diaz" in client.get("/").text
    with db.read() as session:
        assert users.get_or_raise(session=session, login="maria").oidc_subject == "idp-42"
    provider.person = {"sub": "idp-42", "email": "changed@elsewhere.example"}
    again = _client(db, provider)
    assert _sign_in(again).status_code == 303
    assert "Maria Diaz" in again.get("/").text


def test_oidc__an_unknown_person_is_refused_without_a_default_role(db, provider):
    provider.person = {"sub": "stranger", "email": "stranger@acme.example"}
    answer = _sign_in(_client(db, provider))
    assert answer.status_code == 403
    assert "ask an admin" in answer.text
    with db.read() as session:
        assert users.get_by_login(session=session, login="stranger@acme.example") is None


def test_oidc__the_role_claim_creates_the_user_with_that_role(db, provider):
    provider.person = {
        "sub": "s-1",
        "email": "kim@acme.example",
        "name": "Kim",
        "groups": ["manager"],
    }
    client = _client(db, provider, oidc_role_claim="groups", oidc_default_role="viewer")
    assert _sign_in(client).status_code == 303
    with db.read() as session:
        kim = users.get_or_raise(session=session, login="kim@acme.example")
        assert (kim.role, kim.oidc_subject, kim.password_hash) == ("manager", "s-1", None)


def test_oidc__a_state_that_does_not_match_the_cookie_is_refused(db, provider):
    provider.person = {"sub": "s-2", "email": "x@acme.example"}
    answer = _sign_in(_client(db, provider, oidc_default_role="viewer"), state="forged")
    assert answer.status_code == 403
    assert "did not start here" in answer.text
    assert "leadrouter_session" not in answer.cookies


def test_oidc__an_id_token_with_another_nonce_is_refused(db, provider):
    provider.person = {"sub": "s-3", "email": "y@acme.example"}
    provider.wrong_nonce = True
    answer = _sign_in(_client(db, provider, oidc_default_role="viewer"))
    assert answer.status_code == 403
    assert "could not be verified" in answer.text


def test_oidc__the_client_secret_is_never_echoed(db, provider):
    client = _client(db, provider)
    start = client.get("/login/oidc")
    assert SECRET not in start.headers["location"]
    assert SECRET not in client.get("/login").text
    settings = Settings(oidc_client_secret=SECRET)
    assert SECRET not in repr(settings)


def test_oidc__a_person_an_admin_added_by_email_without_a_password_gets_in(db, provider):
    admin = TestClient(dashboard_app(Settings(db=db.url), db))
    sign_in(admin, login="ada")
    added = admin.post(
        "/people",
        data={"login": "kim", "name": "Kim Lee", "role": "manager", "email": "kim@acme.example"},
    )
    assert added.status_code == 200, added.text
    provider.person = {"sub": "s-9", "email": "kim@acme.example"}
    client = _client(db, provider)
    assert _sign_in(client).status_code == 303
    assert "Kim Lee" in client.get("/queue").text
    with db.read() as session:
        kim = users.get_or_raise(session=session, login="kim")
        assert (kim.role, kim.oidc_subject, kim.password_hash) == ("manager", "s-9", None)
