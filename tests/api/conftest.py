"""Fixtures for API tests: every test runs on a fresh SQLite file and on the run's PostgreSQL
schema (emptied per test), with a fake clock and an admin key."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from leadrouter.app import create_app
from leadrouter.keys import service as keys
from leadrouter.keys.schemas import KeyCreate, Scope
from leadrouter.settings import Settings
from leadrouter.store import Database

from ..store.databases import postgres_schema, sqlite_url, wipe
from .factories import seed

KINDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
TUESDAY_3PM = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at

    def advance(self, delta: timedelta) -> None:
        self.at += delta


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with postgres_schema() as url:
        yield url


@pytest.fixture(params=KINDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        db = Database(sqlite_url(tmp_path))
    else:
        db = Database(request.getfixturevalue("postgres_url"))
        wipe(db)
    yield db
    db.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(TUESDAY_3PM)


@pytest.fixture
def client(database: Database, clock: FakeClock) -> Iterator[TestClient]:
    app = create_app(Settings(db=database.url), database=database, clock=clock)
    with TestClient(app) as test_client:
        yield test_client


def make_key(database: Database, name: str, *scopes: Scope) -> str:
    with database.session() as session:
        created = keys.create(
            session=session,
            key_in=KeyCreate(name=name, scopes=list(scopes)),
            actor="test",
            now=TUESDAY_3PM,
        )
    return created.token


@pytest.fixture
def api(client: TestClient, database: Database) -> TestClient:
    """The client, authenticated with an admin key named `admin`."""
    client.headers["Authorization"] = f"Bearer {make_key(database, 'admin', Scope.ADMIN)}"
    return client


@pytest.fixture
def seeded(api: TestClient, database: Database) -> TestClient:
    """The admin client over a database with the test team and an active policy."""
    with database.session() as session:
        seed(session, TUESDAY_3PM)
    return api
