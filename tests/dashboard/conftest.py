"""Fixtures for dashboard tests: the API app with the dashboard router, over a SQLite file seeded
with the demo data, a fixed clock, and browser-like clients signed in through the login form."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import leadrouter.api  # noqa: F401  (first: the app and the dashboard router import each other)
from leadrouter.dashboard.demo import seed_demo
from leadrouter.dashboard.router import CSRF_HEADER
from leadrouter.keys import service as keys
from leadrouter.keys.schemas import KeyCreate, Scope
from leadrouter.migrations import upgrade
from leadrouter.settings import Settings
from leadrouter.store import Database
from leadrouter.users import service as users
from leadrouter.users.schemas import UserCreate

from .server import dashboard_app

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
DASHBOARD = "dashboard"  # the name of the key with leads:write and config:read
PASSWORD = "correct-horse-battery"  # every seeded user's password
# (login, name, role): the people of the demo, one per role.
PEOPLE = (
    ("maria", "Maria Diaz", "manager"),
    ("victor", "Victor Lang", "viewer"),
    ("ada", "Ada Admin", "admin"),
)
SCOPES = (
    Scope.LEADS_READ,
    Scope.LEADS_WRITE,
    Scope.CONFIG_READ,
    Scope.CONFIG_WRITE,
    Scope.METRICS_READ,
    Scope.ADMIN,
)


class FixedClock:
    def now(self) -> datetime:
        return NOW


def seeded_database(path: Path, now: datetime, leads: int = 400) -> tuple[Database, dict[str, str]]:
    """A migrated SQLite database with the demo data (`seed`)."""
    db = Database(f"sqlite:///{path}")
    upgrade(db.engine)
    return db, seed(db, now, leads)


def seed(db: Database, now: datetime, leads: int = 400) -> dict[str, str]:
    """The demo data, a key per scope (name = scope), the `DASHBOARD` key (leads:write and
    config:read: every page and button) and the `PEOPLE`, in a migrated database; the keys'
    tokens by name."""
    given: dict[str, list[Scope]] = {scope.value: [scope] for scope in SCOPES}
    given[DASHBOARD] = [Scope.LEADS_WRITE, Scope.CONFIG_READ]
    with db.session() as session:
        seed_demo(session, now, count=leads)
        tokens = {
            name: keys.create(
                session=session,
                key_in=KeyCreate(name=name, scopes=scopes),
                actor="test",
                now=now,
            ).token
            for name, scopes in given.items()
        }
        for login, name, role in PEOPLE:
            users.create(
                session=session,
                user_in=UserCreate(login=login, name=name, role=role, password=PASSWORD),
                actor="test",
                now=now,
            )
    return tokens


def sign_in(client: TestClient, key: str = "", *, login: str = "", password: str = PASSWORD) -> str:
    """Sign `client` in through the login form as a browser would (with an API key, or as the
    user `login`); its CSRF token, which the client then sends with every request (as htmx does
    from the page's `hx-headers`)."""
    form = client.get("/login").text
    nonce = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert nonce, form
    sent = {"login": login, "password": password} if login else {"key": key}
    answer = client.post("/login", data={**sent, "csrf_token": nonce.group(1)})
    assert answer.status_code == 200, answer.text
    csrf = re.search(r'"X-CSRF-Token": "([0-9a-f]+)"', answer.text)
    assert csrf, answer.text
    client.headers[CSRF_HEADER] = csrf.group(1)
    return csrf.group(1)


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The demo database, seeded once per run; each test works on its own copy."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    db, tokens = seeded_database(path, NOW)
    db.dispose()
    return path, tokens


@pytest.fixture
def demo(
    demo_file: tuple[Path, dict[str, str]], tmp_path: Path
) -> Iterator[tuple[Database, dict[str, str]]]:
    source, tokens = demo_file
    path = tmp_path / "demo.db"
    shutil.copyfile(source, path)
    db = Database(f"sqlite:///{path}")
    yield db, tokens
    db.dispose()


@pytest.fixture
def db(demo: tuple[Database, dict[str, str]]) -> Database:
    return demo[0]


@pytest.fixture
def client(demo: tuple[Database, dict[str, str]]) -> TestClient:
    """Signed in with a key that sees every page and may press every button."""
    db, tokens = demo
    client = TestClient(dashboard_app(Settings(db=db.url), db, FixedClock()))
    sign_in(client, tokens[DASHBOARD])
    return client


@pytest.fixture
def reader(demo: tuple[Database, dict[str, str]]) -> TestClient:
    """Signed in with a leads:read key (no configuration pages, no buttons)."""
    db, tokens = demo
    client = TestClient(dashboard_app(Settings(db=db.url), db, FixedClock()))
    sign_in(client, tokens[Scope.LEADS_READ])
    return client


# The browser tests' fixtures (server, browser, page), here so every test module finds them.
from .browser_kit import browser, page, server  # noqa: E402, F401
