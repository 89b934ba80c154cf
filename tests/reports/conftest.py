"""Databases for the report query tests: a fresh SQLite file per test, and one PostgreSQL
database per run whose tables are emptied before each test (creating a database per test is slow).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from leadrouter.migrations import upgrade
from leadrouter.migrations.tables import metadata
from leadrouter.store import Database

POSTGRES_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
KEEP = {"config_version"}  # the migration inserts its one row; routing expects it


@pytest.fixture(scope="session")
def postgres_db() -> Iterator[Database]:
    """A migrated database of its own on the local PostgreSQL, dropped at the end."""
    name = f"leadrouter_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database(POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}")
    try:
        upgrade(db.engine)
        yield db
    finally:
        db.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def _empty(db: Database) -> None:
    tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables if t.name not in KEEP)
    with db.session() as session:
        session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "postgres":
        database = request.getfixturevalue("postgres_db")
        _empty(database)
        yield database
        return
    database = Database(f"sqlite:///{tmp_path / 'reports.db'}")
    upgrade(database.engine)
    yield database
    database.dispose()
