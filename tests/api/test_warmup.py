"""A `serve` worker compiles its configuration before its first request and freezes the heap
that configuration built; apps made in any other process leave the garbage collector alone."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from leadrouter.app import create_app
from leadrouter.policies.snapshot import ConfigCache
from leadrouter.settings import Settings
from leadrouter.store import Database

from .conftest import TUESDAY_3PM, FakeClock
from .factories import seed


@pytest.fixture
def unfrozen() -> Iterator[None]:
    assert gc.get_freeze_count() == 0
    yield
    gc.unfreeze()  # this process is a test run: it keeps collecting


def test_serving_app__compiles_its_configuration_and_freezes_it_before_any_request(
    database: Database, clock: FakeClock, unfrozen: None
) -> None:
    with database.session() as session:
        seed(session, TUESDAY_3PM)
    app = create_app(Settings(db=database.url), database=database, clock=clock, serving=True)
    with TestClient(app):  # starts the app's lifespan; no request made
        frozen = gc.get_freeze_count()
    assert frozen > 0  # the configuration cache settles the heap after each build


def test_serving_app__freezes_what_survives_each_full_collection(
    database: Database, clock: FakeClock, unfrozen: None
) -> None:
    app = create_app(Settings(db=database.url), database=database, clock=clock, serving=True)
    with TestClient(app):
        survivors = [[n] for n in range(1000)]  # tracked objects made after warm-up
        before = gc.get_freeze_count()
        gc.collect()
        assert gc.get_freeze_count() >= before + len(survivors)
    gc.unfreeze()
    gc.collect()
    assert gc.get_freeze_count() == 0  # the app gone, its collector policy went with it


def test_app_of_a_test_process__freezes_nothing(
    database: Database, clock: FakeClock, unfrozen: None
) -> None:
    with TestClient(create_app(Settings(db=database.url), database=database, clock=clock)):
        assert gc.get_freeze_count() == 0


def test_config_cache__calls_on_build_once_per_large_part_built(
    seeded: TestClient, database: Database
) -> None:
    builds: list[None] = []
    cache = ConfigCache(on_build=lambda: builds.append(None))
    with database.read() as session:
        first, again = cache.get(session), cache.get(session)
    assert first is again and len(builds) == 1
    seeded.patch("/v1/reps/ana", json={"max_per_day": 5})  # the team only: no full collection
    with database.read() as session:
        second = cache.get(session)
    assert second is not first and len(builds) == 1
    (active,) = [p["version"] for p in seeded.get("/v1/policies").json() if p["active"]]
    seeded.post(f"/v1/policies/{active}/activate").raise_for_status()  # compiled again
    with database.read() as session:
        assert cache.get(session) is not second
    assert len(builds) == 2
