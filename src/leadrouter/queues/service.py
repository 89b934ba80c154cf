"""Queues: create, update, list, and the conversion between rows and the core's `Queue`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadrouter.api.patch import apply_patch
from leadrouter.audit import service as audit
from leadrouter.errors import Conflict
from leadrouter.model import Queue
from leadrouter.queues.models import QueueRow
from leadrouter.queues.schemas import QueueCreate, QueueUpdate
from leadrouter.store.rows import as_json, require_row


def get(*, session: Session, queue_id: str) -> QueueRow | None:
    return session.get(QueueRow, queue_id)


def get_or_raise(*, session: Session, queue_id: str) -> QueueRow:
    return require_row(session, QueueRow, queue_id, "queue")


def list_(*, session: Session) -> list[QueueRow]:
    return list(session.scalars(select(QueueRow).order_by(QueueRow.id)))


def create(*, session: Session, queue_in: QueueCreate, actor: str, now: datetime) -> QueueRow:
    """Add a queue, audited."""
    if session.get(QueueRow, queue_in.id) is not None:
        raise Conflict(f"queue '{queue_in.id}' already exists")
    row = QueueRow(**queue_in.model_dump())
    audit.add_config_row(session=session, row=row, entity="queue", actor=actor, now=now)
    return row


def update(
    *, session: Session, queue_id: str, queue_in: QueueUpdate, actor: str, now: datetime
) -> QueueRow:
    """Change the fields given in `queue_in`, audited."""
    row = get_or_raise(session=session, queue_id=queue_id)
    _, changes = apply_patch(QueueCreate, as_json(row), queue_in)
    audit.change_config_row(
        session=session, row=row, changes=changes, entity="queue", actor=actor, now=now
    )
    return row


def to_queue(row: QueueRow) -> Queue:
    return Queue(id=row.id, name=row.name, description=row.description, fallback=row.fallback)


def from_queue(queue: Queue) -> QueueCreate:
    return QueueCreate(
        id=queue.id, name=queue.name, description=queue.description, fallback=queue.fallback
    )
