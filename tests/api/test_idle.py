"""A service that sat idle: pooled PostgreSQL connections idle past the ping threshold are pinged
before use, and the leads posted then are stored, routed and answered like any others. And one
whose connections the server dropped while busy (a restart, a failover): the same.

Real idle time, not a fake clock: the ping reads the pool's monotonic time. The threshold is
lowered from its 10 s default so each idle costs a second and a half.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from leadrouter.app import create_app
from leadrouter.keys.schemas import Scope
from leadrouter.leads.models import LeadRow
from leadrouter.settings import Settings
from leadrouter.store import Database

from ..store.databases import drop_connections, wipe
from .conftest import TUESDAY_3PM, FakeClock, make_key
from .factories import lead, seed

PING_AFTER = 1.0
IDLE = 1.5  # past PING_AFTER: every pooled connection is pinged at its next checkout

pytestmark = pytest.mark.postgres


@contextmanager
def _api(url: str, database: Database) -> Iterator[TestClient]:
    """The seeded API over `database`, with an admin key."""
    wipe(database)
    with database.session() as session:
        seed(session, TUESDAY_3PM)
    app = create_app(Settings(db=url), database=database, clock=FakeClock(TUESDAY_3PM))
    with TestClient(app) as client:
        client.headers["Authorization"] = f"Bearer {make_key(database, 'admin', Scope.ADMIN)}"
        yield client
    database.dispose()


def _routed(database: Database) -> int:
    with database.read() as session:
        return int(
            session.scalar(
                select(func.count()).select_from(LeadRow).where(LeadRow.status == "routed")
            )
        )


@pytest.fixture
def idle_api(postgres_url: str) -> Iterator[tuple[TestClient, Database]]:
    database = Database(postgres_url, ping_idle_seconds=PING_AFTER)
    with _api(postgres_url, database) as client:
        yield client, database


def test_post_lead__after_an_idle_period_answers_with_the_decision(
    idle_api: tuple[TestClient, Database],
) -> None:
    client, database = idle_api
    statuses = [client.post("/v1/leads", json=lead(0)).status_code]  # the pool's connections open
    for n in range(1, 4):
        time.sleep(IDLE)
        statuses.append(client.post("/v1/leads", json=lead(n)).status_code)
        statuses.append(client.get("/v1/reps").status_code)
    assert statuses == [201, 201, 200, 201, 200, 201, 200]
    assert _routed(database) == 4


@pytest.fixture
def named_api(postgres_url: str) -> Iterator[tuple[TestClient, Database, str]]:
    """The API over connections named for this test, so that it can end them all."""
    application = f"lr_api_{time.monotonic_ns()}"
    url = f"{postgres_url}&application_name={application}"
    database = Database(url)
    with _api(url, database) as client:
        yield client, database, application


def test_post_lead__after_the_server_dropped_every_connection_answers_with_the_decision(
    named_api: tuple[TestClient, Database, str], postgres_url: str
) -> None:
    client, database, application = named_api
    statuses = [client.post("/v1/leads", json=lead(0)).status_code]
    for n in range(1, 4):
        assert drop_connections(postgres_url, application) >= 2
        statuses.append(client.post("/v1/leads", json=lead(n)).status_code)
        statuses.append(client.get("/v1/reps").status_code)
    assert statuses == [201, 201, 200, 201, 200, 201, 200]
    assert _routed(database) == 4
