"""API-key authentication and scope checks, as FastAPI dependencies.

A request carries `Authorization: Bearer <token>`; no or an unknown key is a 401, a key without
the needed scope a 403. Handlers receive the Principal, whose name goes into the audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from leadrouter.api.context import Services, services
from leadrouter.api.scopes import Principal, Scope

_bearer = HTTPBearer(auto_error=False, description="an API key: `leadrouter keys create`")


def require(scope: Scope) -> Callable[..., Principal]:
    """A dependency that admits callers holding `scope`."""

    async def check(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
        svc: Annotated[Services, Depends(services)],
    ) -> Principal:
        if credentials is None:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "missing API key: send 'Authorization: Bearer <key>'",
                headers={"WWW-Authenticate": "Bearer"},
            )
        token = credentials.credentials
        # On the event loop when the key was verified lately; a lookup goes to a worker thread.
        principal = svc.keys.get(token) or await run_in_threadpool(_verify, svc, token)
        if principal is None:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "unknown or revoked API key",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if not principal.can(scope):
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"this key lacks the '{scope}' scope")
        return principal

    return check


def _verify(svc: Services, token: str) -> Principal | None:
    since = svc.keys.generation  # a revocation during the lookup: do not remember its answer
    # Every request's first query: after a server restart it meets the dropped connections.
    principal = svc.db.look_up(lambda session: svc.verify_key(session, token))
    if principal is not None:
        svc.keys.put(token, principal, since)
    return principal


LeadsRead = Annotated[Principal, Depends(require(Scope.LEADS_READ))]
LeadsWrite = Annotated[Principal, Depends(require(Scope.LEADS_WRITE))]
ConfigRead = Annotated[Principal, Depends(require(Scope.CONFIG_READ))]
ConfigWrite = Annotated[Principal, Depends(require(Scope.CONFIG_WRITE))]
MetricsRead = Annotated[Principal, Depends(require(Scope.METRICS_READ))]
Admin = Annotated[Principal, Depends(require(Scope.ADMIN))]
Svc = Annotated[Services, Depends(services)]
