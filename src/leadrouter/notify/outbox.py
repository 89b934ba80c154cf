"""The outbox's operations: enqueue inside the caller's transaction, claim due rows with a
lease, record each delivery's result, list dead letters.

On PostgreSQL, claims use `FOR UPDATE SKIP LOCKED` so several workers share the load without
waiting on each other; on SQLite, `BEGIN IMMEDIATE` serializes them. `enqueue` never commits: the
message commits or rolls back with the event that caused it.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from leadrouter.notify.message import Message
from leadrouter.notify.models import DEAD, PENDING, SENT, OutboxRow
from leadrouter.notify.redact import redact
from leadrouter.notify.retry import RetryPolicy


def enqueue(
    session: Session, messages: Iterable[Message], *, lead_id: str | None, now: datetime
) -> int:
    """Add messages to the outbox in the caller's transaction; a key already there is skipped."""
    rows = [
        {
            "key": m.key,
            "channel": str(m.channel),
            "lead_id": lead_id,
            "payload": m.to_dict(),
            "state": PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for m in messages
    ]
    if not rows:
        return 0
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    result = session.execute(insert(OutboxRow).values(rows).on_conflict_do_nothing())
    return result.rowcount


def claim(
    session: Session, *, worker: str, now: datetime, lease: timedelta, limit: int
) -> list[tuple[int, Message]]:
    """Lease up to `limit` due messages to `worker`; the caller commits, then delivers."""
    query = (
        select(OutboxRow)
        .where(
            OutboxRow.state == PENDING,
            OutboxRow.next_attempt_at <= now,
            or_(OutboxRow.claimed_until.is_(None), OutboxRow.claimed_until < now),
        )
        .order_by(OutboxRow.next_attempt_at)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list(session.scalars(query))
    for row in rows:
        row.claimed_by, row.claimed_until = worker, now + lease
    return [(row.id, Message.from_dict(row.payload)) for row in rows]


def mark_sent(
    session: Session, row_ids: Collection[int], *, worker: str, now: datetime
) -> set[int]:
    """Record deliveries in one statement; the ids recorded (a row whose lease was lost, taken
    over by another worker, is not)."""
    if not row_ids:
        return set()
    result = session.execute(
        update(OutboxRow)
        .where(
            OutboxRow.id.in_(list(row_ids)),
            OutboxRow.state == PENDING,
            OutboxRow.claimed_by == worker,
        )
        .values(
            state=SENT,
            sent_at=now,
            sent_by=worker,
            attempts=OutboxRow.attempts + 1,
            claimed_by=None,
            claimed_until=None,
        )
        .returning(OutboxRow.id)
    )
    return set(result.scalars())


def mark_failed(
    session: Session,
    row_id: int,
    *,
    worker: str,
    error: str,
    retryable: bool,
    now: datetime,
    retry: RetryPolicy,
    rng: random.Random,
    retry_after: float | None = None,
) -> str | None:
    """Record a failed attempt: schedule a retry (never sooner than `retry_after` seconds, what
    the endpoint asked) or dead-letter; the new state, or None if lost."""
    row = session.get(OutboxRow, row_id, with_for_update=True, populate_existing=True)
    if row is None or row.state != PENDING or row.claimed_by != worker:
        return None
    row.attempts += 1
    # Masked again here, whoever built the text: it is shown by the dead-letter API.
    row.last_error = redact(error)[:2000]
    row.claimed_by = row.claimed_until = None
    due = retry.next_attempt(row.attempts, now, rng) if retryable else None
    if due is None:
        row.state = DEAD
    else:
        if retry_after is not None and retry_after > 0:
            due = max(due, now + timedelta(seconds=min(retry_after, retry.cap.total_seconds())))
        row.next_attempt_at = due
    return row.state


def dead_letters(session: Session, *, limit: int = 100) -> list[OutboxRow]:
    """Messages that will not be retried, newest first."""
    query = select(OutboxRow).where(OutboxRow.state == DEAD).order_by(OutboxRow.id.desc())
    return list(session.scalars(query.limit(limit)))


def retry_dead(session: Session, row_id: int, *, now: datetime) -> bool:
    """Put a dead letter back in line (after fixing the endpoint); False when it is not dead."""
    result = session.execute(
        update(OutboxRow)
        .where(OutboxRow.id == row_id, OutboxRow.state == DEAD)
        .values(state=PENDING, next_attempt_at=now, attempts=0)
    )
    return result.rowcount == 1
