"""Revoking a key reaches every server process at its commit on PostgreSQL (LISTEN/NOTIFY), not
after the verified-key cache's `ttl`: the caches here trust a key for an hour, so only the
broadcast can make them forget it."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from leadrouter.app import create_app
from leadrouter.keys.cache import VerifiedKeys, _listener
from leadrouter.keys.models import ApiKeyRow
from leadrouter.keys.schemas import Scope
from leadrouter.keys.service import Principal
from leadrouter.settings import Settings
from leadrouter.store import Database

from ..store.databases import wipe
from .conftest import TUESDAY_3PM, FakeClock, make_key

HOUR = 3600.0
CRM = Principal("crm", frozenset({Scope.LEADS_READ}))

pytestmark = pytest.mark.postgres


def eventually(check: Callable[[], bool], seconds: float = 20.0) -> bool:
    """Whether `check()` holds within `seconds` (a generous bound: the machine may be busy)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


@pytest.fixture
def pg(postgres_url: str) -> Iterator[Database]:
    db = Database(postgres_url)
    wipe(db)
    yield db
    db.dispose()


def _app(db: Database) -> TestClient:
    settings = Settings(db=db.url, key_cache_seconds=HOUR)
    return TestClient(create_app(settings, database=db, clock=FakeClock(TUESDAY_3PM)))


def test_revoking_on_one_worker_stops_the_key_on_another_at_once(pg: Database) -> None:
    admin = {"Authorization": f"Bearer {make_key(pg, 'admin', Scope.ADMIN)}"}
    crm = {"Authorization": f"Bearer {make_key(pg, 'crm', Scope.LEADS_READ)}"}
    worker_a, worker_b = _app(pg), _app(pg)  # two processes' services: two caches
    assert _listener(pg.url).listening.wait(20)
    assert worker_a.get("/v1/alerts/unowned", headers=crm).status_code == 200  # now cached
    assert worker_a.app.state.services.keys.get(crm["Authorization"][7:]) is not None
    with pg.read() as session:
        key_id = session.scalar(select(ApiKeyRow.id).where(ApiKeyRow.name == "crm"))
    assert worker_b.delete(f"/v1/keys/{key_id}", headers=admin).status_code == 200
    assert eventually(lambda: worker_a.get("/v1/alerts/unowned", headers=crm).status_code == 401)


def test_a_revocation_by_another_process_empties_the_cache(pg: Database) -> None:
    token = make_key(pg, "crm", Scope.LEADS_READ)
    cache = VerifiedKeys(HOUR, database_url=pg.url)
    assert _listener(pg.url).listening.wait(20)
    cache.put(token, CRM)
    revoke = (
        "import sys\n"
        "from sqlalchemy import select\n"
        "from datetime import datetime, UTC\n"
        "from leadrouter.keys import service\n"
        "from leadrouter.keys.models import ApiKeyRow\n"
        "from leadrouter.store import Database\n"
        "db = Database(sys.argv[1])\n"
        "with db.session() as s:\n"
        "    key = s.scalar(select(ApiKeyRow.id).where(ApiKeyRow.name == 'crm'))\n"
        "    service.revoke(session=s, key_id=key, actor='cli', now=datetime.now(UTC))\n"
    )
    done = subprocess.run([sys.executable, "-c", revoke, pg.url], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert eventually(lambda: cache.get(token) is None)


def test_a_lookup_that_raced_a_revocation_is_not_remembered() -> None:
    cache = VerifiedKeys(HOUR)
    since = cache.generation  # a request starts looking the key up...
    cache.forget_all()  # ...a revocation arrives...
    cache.put("lr_a", CRM, since)  # ...and the lookup's answer, read before it, comes back
    assert cache.get("lr_a") is None
    cache.put("lr_a", CRM, cache.generation)
    assert cache.get("lr_a") == CRM
