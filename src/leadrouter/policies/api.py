"""HTTP routes for policy versions: upload (422 lists every problem with line and column),
list, show, diff, activate, roll back."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from leadrouter.api.auth import ConfigRead, ConfigWrite, Svc
from leadrouter.api.limits import NO_NUL, PathKey
from leadrouter.policies import service
from leadrouter.policies.schemas import (
    PolicyDiff,
    PolicyUpload,
    PolicyVersionDetail,
    PolicyVersionRead,
)
from leadrouter.policies.snapshot import active_version

router = APIRouter(prefix="/v1/policies", tags=["policies"])


@router.get("")
def list_versions(svc: Svc, _: ConfigRead) -> list[PolicyVersionRead]:
    with svc.db.read() as session:
        return service.list_(session=session)


@router.post("", status_code=status.HTTP_201_CREATED)
def upload(policy_in: PolicyUpload, svc: Svc, who: ConfigWrite) -> PolicyVersionRead:
    """Store a new version (not active until activated)."""
    now = svc.clock.now()
    with svc.db.session() as session:
        row = service.upload(session=session, text=policy_in.text, actor=who.name, now=now)
        return service.read(row, active_version(session))


@router.get("/diff")
def diff(
    svc: Svc,
    _: ConfigRead,
    old: Annotated[str, Query(max_length=200, pattern=NO_NUL, description="a stored version")],
    new: Annotated[str, Query(max_length=200, pattern=NO_NUL, description="a stored version")],
) -> PolicyDiff:
    with svc.db.read() as session:
        return service.diff(session=session, old=old, new=new)


Force = Annotated[
    bool,
    Query(description="activate although the policy's own tests fail (the audit log says so)"),
]


@router.post("/rollback")
def rollback(svc: Svc, who: ConfigWrite, force: Force = False) -> PolicyVersionRead:
    """Re-activate the version that was active before the current one (its tests must pass)."""
    now = svc.clock.now()
    with svc.db.session() as session:
        accounts = svc.cache.get(session).accounts
        version = service.rollback(
            session=session, actor=who.name, now=now, force=force, accounts=accounts
        )
        return service.read(service.get_or_raise(session=session, version=version), version)


@router.get("/{version}")
def get_version(version: PathKey, svc: Svc, _: ConfigRead) -> PolicyVersionDetail:
    with svc.db.read() as session:
        row = service.get_or_raise(session=session, version=version)
        read = service.read(row, active_version(session))
        return PolicyVersionDetail(**read.model_dump(), text=row.text)


@router.post("/{version}/activate")
def activate(
    version: PathKey, svc: Svc, who: ConfigWrite, force: Force = False
) -> PolicyVersionRead:
    """Make the version the routing policy, once its own `tests:` pass (409 lists failures)."""
    now = svc.clock.now()
    with svc.db.session() as session:
        accounts = svc.cache.get(session).accounts
        service.activate(
            session=session,
            version=version,
            actor=who.name,
            now=now,
            force=force,
            accounts=accounts,
        )
        read = service.read(service.get_or_raise(session=session, version=version), version)
    # Leads held while no policy was active (or left unrouted) are routed now, not at the
    # worker's next sweep: the first policy of a service that took leads before it had one.
    svc.intake.sweep(received_by=now, now=now)
    return read
