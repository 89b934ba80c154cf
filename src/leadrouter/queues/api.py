"""HTTP routes for queues."""

from __future__ import annotations

from fastapi import APIRouter, status

from leadrouter.api.auth import ConfigRead, ConfigWrite, Svc
from leadrouter.api.limits import PathKey
from leadrouter.queues import service
from leadrouter.queues.schemas import QueueCreate, QueueRead, QueueUpdate

router = APIRouter(prefix="/v1/queues", tags=["queues"])


@router.get("")
def list_queues(svc: Svc, _: ConfigRead) -> list[QueueRead]:
    with svc.db.read() as session:
        return [QueueRead.model_validate(r) for r in service.list_(session=session)]


@router.post("", status_code=status.HTTP_201_CREATED)
def create_queue(queue_in: QueueCreate, svc: Svc, who: ConfigWrite) -> QueueRead:
    now = svc.clock.now()
    with svc.db.session() as session:
        row = service.create(session=session, queue_in=queue_in, actor=who.name, now=now)
        return QueueRead.model_validate(row)


@router.patch("/{queue_id}")
def update_queue(queue_id: PathKey, queue_in: QueueUpdate, svc: Svc, who: ConfigWrite) -> QueueRead:
    now = svc.clock.now()
    with svc.db.session() as session:
        row = service.update(
            session=session, queue_id=queue_id, queue_in=queue_in, actor=who.name, now=now
        )
        return QueueRead.model_validate(row)
