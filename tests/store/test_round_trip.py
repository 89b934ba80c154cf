"""Statements sent together (`store/round_trip.py`), on SQLite and PostgreSQL: each step answers
as `Connection.execute` would, in order, within the caller's transaction."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, insert, literal, select, text, update
from sqlalchemy.exc import IntegrityError

from leadrouter.audit.models import AuditRow
from leadrouter.store import Database
from leadrouter.store.round_trip import Done, Step, run

AUDIT = AuditRow.__table__
AT = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
WAITING = text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 7 AND NOT granted"
)


def audit_row(entity_id: str) -> dict[str, object]:
    return {"at": AT, "actor": "t", "action": "a", "entity": "round trip", "entity_id": entity_id}


def test_run__each_step_answers_in_order_as_execute_would(db: Database) -> None:
    with db.connection() as connection:
        done = run(
            connection,
            [
                Step(insert(AUDIT).returning(AUDIT.c.id), audit_row("a")),
                Step(insert(AUDIT), audit_row("b")),
                Step(
                    update(AUDIT)
                    .where(AUDIT.c.entity == "round trip")
                    .values(action=literal("changed"))
                ),
                Step(
                    select(AUDIT.c.entity_id, AUDIT.c.action, AUDIT.c.at)
                    .where(AUDIT.c.entity == "round trip")
                    .order_by(AUDIT.c.entity_id)
                ),
            ],
        )
        connection.rollback()
    (inserted_id,) = done[0].rows[0]
    assert isinstance(inserted_id, int) and done[0].rowcount == 1
    assert done[1] == Done([], 1)
    assert done[2] == Done([], 2)  # the update saw both inserts before it
    assert done[3].rows == [("a", "changed", AT), ("b", "changed", AT)]
    assert done[3].rows[0][2].tzinfo is not None  # the column type's result conversion applied


def test_run__a_failing_step_raises_the_database_error(db: Database) -> None:
    with pytest.raises(IntegrityError), db.connection() as connection:
        taken = run(connection, [Step(insert(AUDIT).returning(AUDIT.c.id), audit_row("c"))])
        (row_id,) = taken[0].rows[0]
        run(
            connection,
            [Step(insert(AUDIT), audit_row("d") | {"id": row_id}), Step(select(literal(1)))],
        )


@pytest.mark.postgres
def test_run__a_read_sent_after_a_lock_sees_what_the_holder_committed(postgres_url: str) -> None:
    db = Database(postgres_url)
    lock = select(func.pg_advisory_xact_lock(literal(42), literal(7)))
    count = select(func.count()).select_from(AUDIT).where(AUDIT.c.entity == "lock holder")
    seen: list[int] = []
    try:
        with db.connection() as holder:
            holder.execute(lock)
            reader = threading.Thread(target=lambda: seen.append(read_after(db, lock, count)))
            reader.start()
            with db.engine.connect() as observer:  # the reader's lock and read sent, one waiting
                while not observer.scalar(WAITING):
                    assert reader.is_alive()
                    time.sleep(0.01)
            holder.execute(insert(AUDIT), audit_row("x") | {"entity": "lock holder"})
        reader.join(timeout=30)
        assert seen == [1]  # the read's snapshot was taken after the lock was granted
    finally:
        with db.connection() as connection:
            connection.execute(text("DELETE FROM audit_log WHERE entity = 'lock holder'"))
        db.dispose()


def read_after(db: Database, lock: object, count: object) -> int:
    with db.connection() as connection:
        _, counted = run(connection, [Step(lock), Step(count)])
    return counted.rows[0][0]
