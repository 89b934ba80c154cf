"""HTTP route for reading the audit log (admin only)."""

from __future__ import annotations

from fastapi import APIRouter

from leadrouter.api.auth import Admin, Svc
from leadrouter.api.limits import Limit, QueryKey
from leadrouter.audit import service
from leadrouter.audit.schemas import AuditRead

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("")
def list_changes(
    svc: Svc,
    _: Admin,
    entity: QueryKey = None,
    entity_id: QueryKey = None,
    limit: Limit = 100,
) -> list[AuditRead]:
    """The latest changes first: who (key name), what, when, before and after."""
    with svc.db.read() as session:
        rows = service.list_(session=session, entity=entity, entity_id=entity_id, limit=limit)
        return [AuditRead.model_validate(r) for r in rows]
