"""HTTP routes for dead letters: list the messages that will not be retried, and put one back
in line once its endpoint is fixed."""

from __future__ import annotations

from fastapi import APIRouter, status

from leadrouter.api.auth import Admin, LeadsRead, Svc
from leadrouter.api.limits import Limit, RowId
from leadrouter.errors import NotFound
from leadrouter.notify import outbox
from leadrouter.notify.schemas import DeadLetterRead

router = APIRouter(prefix="/v1/notifications", tags=["notifications"])


@router.get("/dead")
def list_dead_letters(svc: Svc, _: LeadsRead, limit: Limit = 100) -> list[DeadLetterRead]:
    """Messages that failed for good, newest first, with their last error."""
    with svc.db.read() as session:
        return [DeadLetterRead.model_validate(r) for r in outbox.dead_letters(session, limit=limit)]


@router.post("/dead/{message_id}/retry", status_code=status.HTTP_202_ACCEPTED)
def retry_dead_letter(message_id: RowId, svc: Svc, _: Admin) -> dict[str, str]:
    """Queue a dead letter for delivery again."""
    with svc.db.session() as session:
        if not outbox.retry_dead(session, message_id, now=svc.clock.now()):
            raise NotFound(f"dead letter {message_id} not found")
    return {"status": "queued"}
