"""Queues: create, update, list, and the conversion between rows and the core's `Queue`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from leadrouter.config_table import ConfigTable
from leadrouter.model import Queue
from leadrouter.queues.models import QueueRow
from leadrouter.queues.schemas import QueueCreate, QueueRead, QueueUpdate

_QUEUES = ConfigTable(QueueRow, QueueCreate, "queue")


def list_(*, session: Session) -> list[QueueRow]:
    return _QUEUES.list_(session)


def create(*, session: Session, queue_in: QueueCreate, actor: str, now: datetime) -> QueueRow:
    """Add a queue, audited."""
    return _QUEUES.create(session, queue_in, actor=actor, now=now)


def update(
    *, session: Session, queue_id: str, queue_in: QueueUpdate, actor: str, now: datetime
) -> QueueRow:
    """Change the fields given in `queue_in`, audited."""
    return _QUEUES.update(session, queue_id, queue_in, actor=actor, now=now)


def read(*, session: Session, row: QueueRow) -> QueueRead:
    return QueueRead.model_validate(row)


def to_queue(row: QueueRow) -> Queue:
    return Queue(id=row.id, name=row.name, description=row.description, fallback=row.fallback)


def from_queue(queue: Queue) -> QueueCreate:
    return QueueCreate(
        id=queue.id, name=queue.name, description=queue.description, fallback=queue.fallback
    )
