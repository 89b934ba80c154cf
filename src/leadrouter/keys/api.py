"""HTTP routes for API keys (admin only)."""

from __future__ import annotations

from fastapi import APIRouter, status

from leadrouter.api.auth import Admin, Svc
from leadrouter.api.limits import RowId
from leadrouter.keys import service
from leadrouter.keys.schemas import KeyCreate, KeyCreated, KeyRead

router = APIRouter(prefix="/v1/keys", tags=["keys"])


@router.get("")
def list_keys(svc: Svc, _: Admin) -> list[KeyRead]:
    with svc.db.read() as session:
        return [KeyRead.model_validate(r) for r in service.list_(session=session)]


@router.post("", status_code=status.HTTP_201_CREATED)
def create_key(key_in: KeyCreate, svc: Svc, who: Admin) -> KeyCreated:
    """A new key; its token is in this response only."""
    now = svc.clock.now()
    with svc.db.session() as session:
        return service.create(session=session, key_in=key_in, actor=who.name, now=now)


@router.delete("/{key_id}")
def revoke_key(key_id: RowId, svc: Svc, who: Admin) -> KeyRead:
    now = svc.clock.now()
    with svc.db.session() as session:
        row = service.revoke(session=session, key_id=key_id, actor=who.name, now=now)
        revoked = KeyRead.model_validate(row)
    svc.keys.forget_all()  # after the commit: a request in between would cache the key again
    return revoked
