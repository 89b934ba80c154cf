"""HTTP routes for pools."""

from __future__ import annotations

from fastapi import APIRouter, status

from leadrouter.api.auth import ConfigRead, ConfigWrite, Svc
from leadrouter.api.limits import PathKey
from leadrouter.pools import service
from leadrouter.pools.schemas import PoolCreate, PoolRead, PoolUpdate

router = APIRouter(prefix="/v1/pools", tags=["pools"])


@router.get("")
def list_pools(svc: Svc, _: ConfigRead) -> list[PoolRead]:
    with svc.db.read() as session:
        return [service.read(session=session, row=r) for r in service.list_(session=session)]


@router.get("/{pool_id}")
def get_pool(pool_id: PathKey, svc: Svc, _: ConfigRead) -> PoolRead:
    with svc.db.read() as session:
        row = service.get_or_raise(session=session, pool_id=pool_id)
        return service.read(session=session, row=row)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_pool(pool_in: PoolCreate, svc: Svc, who: ConfigWrite) -> PoolRead:
    now = svc.clock.now()
    with svc.db.session() as session:
        row = service.create(session=session, pool_in=pool_in, actor=who.name, now=now)
        return service.read(session=session, row=row)


@router.patch("/{pool_id}")
def update_pool(pool_id: PathKey, pool_in: PoolUpdate, svc: Svc, who: ConfigWrite) -> PoolRead:
    now = svc.clock.now()
    with svc.db.session() as session:
        row = service.update(
            session=session, pool_id=pool_id, pool_in=pool_in, actor=who.name, now=now
        )
        return service.read(session=session, row=row)
