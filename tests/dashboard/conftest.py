"""Fixtures for dashboard tests: the API app with the dashboard router, over a SQLite file seeded
with the demo data, a fixed clock, and a signed-in browser-like client."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from leadrouter.dashboard.demo import seed_demo
from leadrouter.dashboard.router import COOKIE
from leadrouter.keys import service as keys
from leadrouter.keys.schemas import KeyCreate, Scope
from leadrouter.migrations import upgrade
from leadrouter.settings import Settings
from leadrouter.store import Database

from .server import dashboard_app

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


class FixedClock:
    def now(self) -> datetime:
        return NOW


def seeded_database(
    path: Path, now: datetime, leads: int = 400
) -> tuple[Database, dict[Scope, str]]:
    """A migrated SQLite database with the demo data, and a key per scope (name = scope)."""
    db = Database(f"sqlite:///{path}")
    upgrade(db.engine)
    with db.session() as session:
        seed_demo(session, now, count=leads)
        tokens = {
            scope: keys.create(
                session=session,
                key_in=KeyCreate(name=scope.value, scopes=[scope]),
                actor="test",
                now=now,
            ).token
            for scope in (Scope.LEADS_READ, Scope.LEADS_WRITE)
        }
    return db, tokens


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[Scope, str]]:
    """The demo database, seeded once per run; each test works on its own copy."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    db, tokens = seeded_database(path, NOW)
    db.dispose()
    return path, tokens


@pytest.fixture
def demo(
    demo_file: tuple[Path, dict[Scope, str]], tmp_path: Path
) -> Iterator[tuple[Database, dict[Scope, str]]]:
    source, tokens = demo_file
    path = tmp_path / "demo.db"
    shutil.copyfile(source, path)
    db = Database(f"sqlite:///{path}")
    yield db, tokens
    db.dispose()


@pytest.fixture
def db(demo: tuple[Database, dict[Scope, str]]) -> Database:
    return demo[0]


@pytest.fixture
def client(demo: tuple[Database, dict[Scope, str]]) -> TestClient:
    """Signed in with a leads:write key."""
    db, tokens = demo
    client = TestClient(dashboard_app(Settings(db=db.url), db, FixedClock()))
    client.cookies.set(COOKIE, tokens[Scope.LEADS_WRITE])
    return client


@pytest.fixture
def reader(demo: tuple[Database, dict[Scope, str]]) -> TestClient:
    """Signed in with a read-only key."""
    db, tokens = demo
    client = TestClient(dashboard_app(Settings(db=db.url), db, FixedClock()))
    client.cookies.set(COOKIE, tokens[Scope.LEADS_READ])
    return client
