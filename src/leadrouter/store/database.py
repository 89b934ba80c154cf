"""The database handle: one engine per process, short write and read transactions.

SQLite runs in WAL mode with a busy timeout, and writes start with `BEGIN IMMEDIATE` so concurrent
writers queue for the lock instead of failing half-way; writers of this package also queue on a
lock file beside the database, which wakes them sooner than SQLite's polling. On PostgreSQL,
transactions that lose a deadlock or serialization race are retried whole by `write`, and so is
one that finds its connection dropped before it asked to commit (the server restarted, or a proxy
or firewall cut a connection busier than the idle ping's threshold). Nothing here knows a table.

Lazy commits (PostgreSQL): a transaction may commit without waiting for its WAL to reach disk,
which takes milliseconds here, and the caller then waits once, with `wait_for_disk`, before it
answers anyone. Such transactions come from a second pool of connections whose sessions have
`synchronous_commit` off. The lead intake commits twice per batch, the second time holding
routing's turn: lazy, neither commit makes the other server processes wait on the disk. A crash
of the server before the flush loses only transactions nobody was told of; WAL order means a
later flush covers every earlier commit.
"""

from __future__ import annotations

import fcntl
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any, BinaryIO, TypeVar

import orjson
from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")
U = TypeVar("U")

# SQLSTATEs of transient PostgreSQL failures: serialization failure, deadlock detected.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})
MAX_ATTEMPTS = 5
# A pooled connection idle longer than this is pinged before use (the server may have restarted
# or a firewall dropped it); a busy service reuses connections within milliseconds and never pays
# the round trip that `pool_pre_ping` would add to every checkout. `Database(ping_idle_seconds=)`.
PING_IDLE_SECONDS = 10.0
# The smallest transaction that writes WAL, so that its (synchronous) commit waits until the WAL up
# to it, and so every commit before it, is on disk; one that writes nothing (`txid_current()`)
# commits without waiting. Any role may call it, at any wal_level.
_FLUSH = "SELECT pg_logical_emit_message(true, 'leadrouter', 'flush')"


def is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver's own transaction handling would issue a deferred BEGIN; take control so
        # that writes can use BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def _ping_when_idle(engine: Engine, idle_seconds: float) -> None:
    # SQLAlchemy's recipe for pessimistic disconnect handling, limited to idle connections:
    # raising DisconnectionError makes the pool discard this one and check out another.
    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < idle_seconds:
            return
        try:
            dbapi_connection.execute("SELECT 1")
            # The driver opened a transaction for the ping; ended here, the connection goes out
            # as it came in: idle. Left open, the ping's transaction held the connection's
            # characteristics, and switching it to autocommit (`wait_for_disk`) failed.
            dbapi_connection.rollback()
        except Exception as error:  # any failure means the connection is unusable
            raise DisconnectionError from error


def _share_disconnects(*engines: Engine) -> None:
    # The pools hold connections to one server: when one of them finds a connection dropped (a
    # server restart, a failover), SQLAlchemy refreshes that pool alone, and the others' next
    # users would each meet a dead connection of their own. Refreshed together instead: a
    # pool replaced by `dispose(close=False)` hands out new connections, and the ones checked
    # out from the old pool finish their work undisturbed.
    for engine in engines:

        @event.listens_for(engine, "handle_error")
        def _on_error(context: Any, found: Engine = engine) -> None:
            if context.is_disconnect:
                for other in engines:
                    if other is not found:
                        other.dispose(close=False)


def _json_dumps(value: Any) -> str:
    # JSON columns (decision traces, raw payloads): orjson encodes a trace several times faster.
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:  # what orjson refuses, e.g. an integer beyond 64 bits in a raw payload
        return json.dumps(value)


def make_engine(url: str, *, ping_idle_seconds: float = PING_IDLE_SECONDS) -> Engine:
    """An engine for `url`, with the per-dialect settings this service relies on."""
    json = {"json_serializer": _json_dumps, "json_deserializer": orjson.loads}
    if is_postgres(url):
        engine = create_engine(url, pool_size=20, max_overflow=20, **json)
        _ping_when_idle(engine, ping_idle_seconds)
        return engine
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **json)
    _configure_sqlite(engine)
    return engine


def _lazily_committing(engine: Engine) -> Engine:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Autocommit for the SET itself: the driver would leave it in an open transaction.
        dbapi_connection.autocommit = True
        dbapi_connection.execute("SET synchronous_commit TO off")
        # Plans made for the values at hand: a plan cached for a prepared statement while the
        # tables were small (a new database) scans them whole until the next ANALYZE, and the
        # known-leads query then cost ten times its index lookups.
        dbapi_connection.execute("SET plan_cache_mode TO force_custom_plan")
        dbapi_connection.autocommit = False

    return engine


class _SqliteWriters:
    """One writer at a time among the threads and processes sharing a SQLite file.

    SQLite's own lock makes a waiting writer poll, sleeping up to 100 ms between tries: with two
    server processes that was the p99. Threads of a process queue on a lock, processes on an
    advisory lock file beside the database (`flock`), and each is woken the moment the writer
    before it finishes.
    """

    def __init__(self, database: str | None) -> None:
        self._threads = threading.Lock()
        in_memory = not database or database == ":memory:" or database.startswith("file::memory:")
        self._path = None if in_memory else f"{database}.writer-lock"
        self._file: BinaryIO | None = None

    def __enter__(self) -> None:
        self._threads.acquire()
        if self._path is None:
            return
        try:
            if self._file is None:
                self._file = open(self._path, "ab")  # kept open: one descriptor per process
            fcntl.flock(self._file, fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise

    def __exit__(self, *_: object) -> None:
        try:
            if self._file is not None:
                fcntl.flock(self._file, fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def close(self) -> None:
        with self._threads:
            if self._file is not None:
                self._file.close()
                self._file = None


def _retryable(error: DBAPIError, *, committing: bool) -> bool:
    """A deadlock or serialization failure (the server rolled the transaction back), or a
    connection found dropped before the commit was asked for: nothing of the transaction can
    have been kept. A connection lost during the commit is not retried: it may have committed."""
    if getattr(error.orig, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return True
    return error.connection_invalidated and not committing


class Database:
    """An engine and its sessions; `write` and `read` are the only ways to touch tables."""

    def __init__(self, url: str, *, ping_idle_seconds: float = PING_IDLE_SECONDS) -> None:
        self.url = url
        self.postgres = is_postgres(url)
        self.engine = make_engine(url, ping_idle_seconds=ping_idle_seconds)
        self._write_engine = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        self._autocommit_engine = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        # Lazy commits come from a pool of their own whose sessions commit lazily: no statement
        # per transaction to ask for it.
        self._lazy_engine = (
            _lazily_committing(make_engine(url, ping_idle_seconds=ping_idle_seconds))
            if self.postgres
            else None
        )
        if self._lazy_engine is not None:
            _share_disconnects(self.engine, self._lazy_engine)
        self._writes = sessionmaker(self._write_engine, expire_on_commit=False)
        self._reads = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer at a time and makes the others poll with growing sleeps; ours
        # queue instead (`_SqliteWriters`), which is fair and wakes them at once.
        self._sqlite_writers = None if self.postgres else _SqliteWriters(make_url(url).database)
        self._write_lock: AbstractContextManager[Any] = self._sqlite_writers or nullcontext()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A write transaction, committed on success and rolled back on any error."""
        with self._write_lock, self._writes.begin() as session:
            yield session

    @contextmanager
    def connection(self, *, lazy_commit: bool = False) -> Iterator[Connection]:
        """A write transaction on a plain connection: no ORM session, for the lead intake path,
        where a session's bookkeeping costs more than a statement. `lazy_commit`: see above."""
        engine = self._lazy_engine if lazy_commit and self._lazy_engine else self._write_engine
        with self._write_lock, engine.begin() as connection:
            yield connection

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only transaction (rolled back at the end)."""
        # Closing the session rolls its transaction back: reads never commit.
        with self._reads() as session:
            yield session

    def look_up(self, work: Callable[[Session], T]) -> T:
        """Run `work` in a read transaction; again on a connection the server had dropped (a
        read changes nothing), where `read` would raise."""
        return self._retrying(self.read, work)

    def write(self, work: Callable[[Session], T]) -> T:
        """Run `work` in one write transaction, retrying it whole after a deadlock or on a
        connection the server had dropped before the commit (`_retryable`)."""

        def flushed(session: Session) -> T:
            done = work(session)
            # Its statements sent before the commit is asked for, so that a dropped connection
            # they meet is known to have kept nothing (`_retryable`).
            session.flush()
            return done

        return self._retrying(self.session, flushed)

    def write_core(self, work: Callable[[Connection], T], *, lazy_commit: bool = False) -> T:
        """`write`, with a plain connection instead of a session. With `lazy_commit`, call
        `wait_for_disk` before telling anyone that the transaction happened."""
        return self._retrying(lambda: self.connection(lazy_commit=lazy_commit), work)

    def wait_for_disk(self) -> None:
        """Return once every transaction committed so far, lazily or not, is on disk."""
        # SQLite in WAL mode with synchronous=NORMAL: a commit survives the process at once, and
        # no commit waits for the disk.
        if self.postgres:
            # Autocommit, on the driver's connection: one round trip, without SQLAlchemy's result
            # bookkeeping, which cost twice the round trip's CPU, once per intake batch.
            with self._autocommit_engine.connect() as connection:
                connection.connection.driver_connection.execute(_FLUSH)

    def _retrying(
        self, transaction: Callable[[], AbstractContextManager[U]], work: Callable[[U], T]
    ) -> T:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            committing = False
            try:
                with transaction() as handle:
                    done = work(handle)
                    committing = True  # leaving the block commits
                return done
            except (OperationalError, DBAPIError) as error:
                # SQLAlchemy has marked a dropped connection's pool stale: the next attempt
                # checks out a new connection.
                if attempt == MAX_ATTEMPTS or not _retryable(error, committing=committing):
                    raise
                time.sleep(0.005 * attempt)
        raise AssertionError("unreachable")

    def dispose(self) -> None:
        self.engine.dispose()
        if self._sqlite_writers is not None:
            self._sqlite_writers.close()
        if self._lazy_engine is not None:
            self._lazy_engine.dispose()
