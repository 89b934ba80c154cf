"""HTTP routes for reps. Deactivate, out of office, capacity and hours are all PATCH."""

from __future__ import annotations

from fastapi import APIRouter, status

from leadrouter.api.auth import ConfigRead, ConfigWrite, Svc
from leadrouter.api.limits import PathKey
from leadrouter.reps import service
from leadrouter.reps.schemas import RepCreate, RepRead, RepUpdate

router = APIRouter(prefix="/v1/reps", tags=["reps"])


@router.get("")
def list_reps(svc: Svc, _: ConfigRead) -> list[RepRead]:
    with svc.db.read() as session:
        return [service.read(session=session, row=r) for r in service.list_(session=session)]


@router.get("/{rep_id}")
def get_rep(rep_id: PathKey, svc: Svc, _: ConfigRead) -> RepRead:
    with svc.db.read() as session:
        row = service.get_or_raise(session=session, rep_id=rep_id)
        return service.read(session=session, row=row)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_rep(rep_in: RepCreate, svc: Svc, who: ConfigWrite) -> RepRead:
    now = svc.clock.now()
    with svc.db.session() as session:
        row = service.create(session=session, rep_in=rep_in, actor=who.name, now=now)
        return service.read(session=session, row=row)


@router.patch("/{rep_id}")
def update_rep(rep_id: PathKey, rep_in: RepUpdate, svc: Svc, who: ConfigWrite) -> RepRead:
    now = svc.clock.now()
    with svc.db.session() as session:
        row = service.update(session=session, rep_id=rep_id, rep_in=rep_in, actor=who.name, now=now)
        return service.read(session=session, row=row)
