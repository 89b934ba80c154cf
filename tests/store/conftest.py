"""Fixtures for store tests: the URL of a fresh database of each kind."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from leadrouter.store import Database

from .databases import postgres_schema, sqlite_url

KINDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with postgres_schema() as url:
        yield url


@pytest.fixture
def sqlite_db_url(tmp_path: Path) -> str:
    return sqlite_url(tmp_path)


@pytest.fixture(params=KINDS)
def db(request: pytest.FixtureRequest) -> Iterator[Database]:
    """A database of each kind."""
    url = request.getfixturevalue("sqlite_db_url" if request.param == "sqlite" else "postgres_url")
    database = Database(url)
    yield database
    database.dispose()
