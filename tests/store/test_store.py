"""The store on real SQLite and PostgreSQL: migrations, UTC timestamps, the config counter and
writers that queue rather than fail."""

from __future__ import annotations

import fcntl
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Connection, inspect, make_url, select, text
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from leadrouter.audit.models import AuditRow
from leadrouter.migrations import upgrade
from leadrouter.migrations.tables import metadata
from leadrouter.settings import Settings
from leadrouter.store import Database
from leadrouter.store.config_version import (
    ConfigVersions,
    Part,
    bump_config_version,
    read_config_version,
)

from .databases import drop_connections


def test_upgrade__creates_every_table(db: Database) -> None:
    tables = set(inspect(db.engine).get_table_names())
    assert {t.name for t in metadata.sorted_tables} <= tables
    assert "alembic_version" in tables


def test_upgrade__run_twice_changes_nothing(db: Database) -> None:
    upgrade(db.engine)
    with db.read() as session:
        assert read_config_version(session) is not None  # every part's counter row is there


def test_timestamps__come_back_aware_in_utc(db: Database) -> None:
    at = datetime(2026, 11, 24, 17, 0, tzinfo=timezone(timedelta(hours=-5)))
    with db.session() as session:
        row = AuditRow(at=at, actor="t", action="a", entity="e", entity_id="1")
        session.add(row)
        session.flush()
        row_id = row.id
    with db.read() as session:
        stored = session.scalar(select(AuditRow.at).where(AuditRow.id == row_id))
    assert stored == at
    assert stored.utcoffset() == timedelta(0)


def test_timestamps__naive_values_are_refused(db: Database) -> None:
    with pytest.raises(StatementError, match="naive datetime"), db.session() as session:
        session.add(
            AuditRow(at=datetime(2026, 1, 1), actor="t", action="a", entity="e", entity_id="1")
        )
        session.flush()


def test_bump_config_version__concurrent_writers_each_count_once(db: Database) -> None:
    with db.read() as session:
        start = read_config_version(session)

    def bump() -> None:
        for _ in range(10):
            db.write(lambda session: bump_config_version(session, Part.TEAM))

    with ThreadPoolExecutor(8) as pool:
        for future in [pool.submit(bump) for _ in range(8)]:
            future.result()
    with db.read() as session:
        assert read_config_version(session) == ConfigVersions(
            start.team + 80, start.policy, start.accounts
        )


def test_bump_config_version__of_no_part_moves_every_part_and_answers_the_counter(
    db: Database,
) -> None:
    with db.read() as session:
        start = read_config_version(session)
    counter = db.write(bump_config_version)
    with db.read() as session:
        after = read_config_version(session)
    assert after == ConfigVersions(start.team + 1, start.policy + 1, start.accounts + 1)
    assert counter == after.accounts


def test_settings__read_from_prefixed_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEADROUTER_DB", "postgresql+psycopg://x@y/z")
    monkeypatch.setenv("LEADROUTER_MAX_BODY_BYTES", "1024")
    settings = Settings()
    assert settings.db == "postgresql+psycopg://x@y/z"
    assert settings.max_body_bytes == 1024


def test_settings__default_to_a_local_sqlite_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEADROUTER_DB", raising=False)
    assert Settings().db == "sqlite:///./leadrouter.db"


def test_database__sqlite_runs_in_wal_mode(sqlite_db_url: str) -> None:
    db = Database(sqlite_db_url)
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    db.dispose()


@pytest.mark.postgres
def test_lazy_commit__is_seen_at_once_and_on_disk_after_wait_for_disk(postgres_url: str) -> None:
    db = Database(postgres_url)
    upgrade(db.engine)
    synchronous = text("SHOW synchronous_commit")
    wal_written = text("SELECT pg_current_wal_insert_lsn() - '0/0'::pg_lsn")
    wal_on_disk = text("SELECT pg_current_wal_flush_lsn() - '0/0'::pg_lsn")

    def lazily(connection: Connection) -> int:
        assert connection.scalar(synchronous) == "off"  # for this transaction only
        # and its statements are planned for their values, never from a plan cached earlier
        assert connection.scalar(text("SHOW plan_cache_mode")) == "force_custom_plan"
        session = Session(bind=connection)
        bump_config_version(session)
        return read_config_version(session)

    version = db.write_core(lazily, lazy_commit=True)
    with db.engine.connect() as other:
        assert read_config_version(Session(bind=other)) == version  # committed: others see it
        assert other.scalar(synchronous) == "on"
        written = other.scalar(wal_written)
        db.wait_for_disk()
        assert other.scalar(wal_on_disk) >= written
    db.dispose()


def test_sqlite_writer__holds_the_lock_file_that_other_processes_queue_on(
    sqlite_db_url: str,
) -> None:
    db = Database(sqlite_db_url)
    upgrade(db.engine)
    lock_file = f"{make_url(sqlite_db_url).database}.writer-lock"
    with open(lock_file, "ab") as other_process:  # a descriptor of its own, as another process has
        with db.session() as session:
            bump_config_version(session)
            with pytest.raises(BlockingIOError):  # it would wait for this writer
                fcntl.flock(other_process, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(other_process, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free once it committed
        fcntl.flock(other_process, fcntl.LOCK_UN)
    db.dispose()


@pytest.mark.postgres
def test_decision_bodies__are_compressed_with_lz4_on_postgresql(postgres_url: str) -> None:
    db = Database(postgres_url)
    upgrade(db.engine)
    with db.engine.connect() as connection:
        method = connection.scalar(
            text(
                "SELECT attcompression FROM pg_attribute "
                "WHERE attrelid = 'decisions'::regclass AND attname = 'body'"
            )
        )
    db.dispose()
    assert method == "l"  # lz4 ('p' is pglz, '' the server's default)


@pytest.mark.postgres
def test_dropped_connections__writes_and_look_ups_run_again_once_on_new_ones(
    postgres_url: str,
) -> None:
    application = f"lr_dropped_{datetime.now(UTC):%H%M%S%f}"
    db = Database(f"{postgres_url}&application_name={application}")
    upgrade(db.engine)

    def audited(session: Session) -> None:
        at = datetime.now(UTC)
        session.add(AuditRow(at=at, actor=application, action="x", entity="y", entity_id="z"))

    def every_pool() -> None:  # open a connection in each pool, as a busy service has
        db.write(audited)
        db.write_core(lambda connection: connection.execute(text("SELECT 1")), lazy_commit=True)
        db.wait_for_disk()

    every_pool()
    assert drop_connections(postgres_url, application) >= 2
    db.write(audited)  # a session's write: the dead connection found, then done on a new one
    every_pool()
    assert drop_connections(postgres_url, application) >= 2
    db.write_core(lambda connection: connection.execute(text("SELECT 1")), lazy_commit=True)
    # The lazy pool found the drop: the main pool was refreshed with it, so the disk barrier
    # (which never runs twice: see `Database.wait_for_disk`) meets a live connection.
    db.wait_for_disk()
    every_pool()
    assert drop_connections(postgres_url, application) >= 2
    count = select(AuditRow).where(AuditRow.actor == application)
    assert len(db.look_up(lambda session: session.scalars(count).all())) == 4  # each write once
    db.dispose()
