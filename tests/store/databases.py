"""Real databases for service tests: a fresh SQLite file, and a fresh PostgreSQL schema per test
run (dropped after). When CI=true, an unreachable PostgreSQL fails the run instead of skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.exc import DBAPIError, OperationalError

from leadrouter.migrations import upgrade
from leadrouter.migrations.tables import metadata
from leadrouter.store import Database

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
# Tables whose rows a test must not wipe: the migration stamp and the config counter's one row.
KEPT = {"alembic_version", "config_version"}


def postgres_or_skip() -> None:
    """Skip when PostgreSQL is unreachable, except in CI where that is a failure."""
    engine = create_engine(POSTGRES, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            pass
    except OperationalError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is unreachable at {POSTGRES} in CI: {error}")
        pytest.skip(f"PostgreSQL is unreachable at {POSTGRES}")
    finally:
        engine.dispose()


def extensions_in_public(connection: Connection) -> None:
    """Keep pg_trgm in `public`, which every test schema's search path lists after its own."""
    # Migration 0003 creates it "IF NOT EXISTS" in the first schema of the search path: a test
    # schema, dropped after its run with the extension, under the feet of a concurrent run.
    where = connection.scalar(
        text("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'")
    )
    try:
        if where is None:
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
        elif where != "public":
            connection.execute(text("ALTER EXTENSION pg_trgm SET SCHEMA public"))
    except DBAPIError:
        pass  # a concurrent run did the same at the same moment; either way it is in public


@contextmanager
def postgres_schema() -> Iterator[str]:
    """The URL of a fresh, migrated schema `lr_test_<random>` in database `test`, dropped after."""
    postgres_or_skip()
    schema = f"lr_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        extensions_in_public(connection)
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{POSTGRES}?options=-csearch_path%3D{schema},public"
    try:
        db = Database(url)
        upgrade(db.engine)
        db.dispose()
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def sqlite_url(folder: Path) -> str:
    """The URL of a migrated SQLite database in `folder`."""
    url = f"sqlite:///{folder / 'leadrouter.db'}"
    db = Database(url)
    upgrade(db.engine)
    db.dispose()
    return url


def wipe(db: Database) -> None:
    """Empty every table a test may fill, keeping the schema (fast per-test isolation on PG)."""
    names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables if t.name not in KEPT)
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


def drop_connections(url: str, application: str) -> int:
    """What a server restart does to the pools: every connection of `application` ended."""
    admin = create_engine(url)
    with admin.connect() as connection:
        ended = connection.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE application_name = :name"
            ),
            {"name": application},
        )
    admin.dispose()
    return int(ended)
