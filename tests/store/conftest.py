"""Fixtures for store tests: the URL of a fresh database of each kind."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .databases import postgres_schema, sqlite_url


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with postgres_schema() as url:
        yield url


@pytest.fixture
def sqlite_db_url(tmp_path: Path) -> str:
    return sqlite_url(tmp_path)
