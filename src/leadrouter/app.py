"""The composition root: builds the FastAPI application, wires the services and mounts every
domain router (the dashboard's included), the error mapping and the body limit. It sits on top:
nothing imports it but the `serve` command and tests, so `api/` stays plumbing that domains import.

`create_app` takes its settings, database and clock as arguments (tests pass a fresh database and
a fake clock); `app_from_env` is what `serve` worker processes build from the environment.
"""

from __future__ import annotations

from fastapi import Depends, FastAPI
from fastapi_offline import FastAPIOffline

from leadrouter.accounts.api import router as accounts_router
from leadrouter.api import errors, openapi, warmup
from leadrouter.api.context import Services
from leadrouter.api.limits import BodyLimit, UniqueKeys, known_query
from leadrouter.audit.api import router as audit_router
from leadrouter.clock import Clock, SystemClock
from leadrouter.connectors import runtime as connectors
from leadrouter.connectors.api import router as connectors_router
from leadrouter.connectors.hubspot.api import router as hubspot_router
from leadrouter.connectors.salesforce.api import router as salesforce_router
from leadrouter.dashboard.router import router as dashboard_router
from leadrouter.experiments.api import router as experiments_router
from leadrouter.keys import service as keys
from leadrouter.keys.api import router as keys_router
from leadrouter.keys.cache import VerifiedKeys
from leadrouter.leads.api import router as leads_router
from leadrouter.leads.lane import IntakeLane
from leadrouter.leads.pipeline import IntakePipeline
from leadrouter.notify.api import router as notify_router
from leadrouter.policies.api import router as policies_router
from leadrouter.policies.snapshot import ConfigCache
from leadrouter.pools.api import router as pools_router
from leadrouter.queues.api import router as queues_router
from leadrouter.reps.api import router as reps_router
from leadrouter.settings import Settings, get_settings
from leadrouter.sla.api import router as sla_router
from leadrouter.store import Database

ROUTERS = (
    leads_router,
    reps_router,
    pools_router,
    queues_router,
    accounts_router,
    policies_router,
    experiments_router,
    keys_router,
    audit_router,
    sla_router,
    notify_router,
    connectors_router,
    hubspot_router,
    salesforce_router,
    dashboard_router,
)


def create_app(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    clock: Clock | None = None,
    serving: bool = False,
    crm: connectors.Connectors | None = None,
) -> FastAPI:
    """The API over `database` (default: the one `settings.db` names). `serving`: the app of a
    `serve` worker process, which readies itself before its first request (`api/warmup.py`)."""
    settings = settings or get_settings()
    # Swagger UI at /docs and ReDoc at /redoc from the assets installed with fastapi-offline:
    # an offline install shows them too, and no page loads anything from a CDN.
    app = FastAPIOffline(
        title="leadrouter",
        summary="Route inbound B2B leads and explain every decision.",
        version="0.1.0",
        lifespan=warmup.serving if serving else None,
        dependencies=[Depends(known_query)],
        static_url="/docs/assets",
    )
    db = database or Database(settings.db)
    cache = ConfigCache(on_build=warmup.settle if serving else None)
    # CRM webhooks and callouts (`connectors/`); tests pass clients pointed at local servers.
    crm = crm if crm is not None else connectors.from_settings(settings)
    app.state.services = Services(
        settings=settings,
        db=db,
        cache=cache,
        clock=clock or SystemClock(),
        keys=VerifiedKeys(settings.key_cache_seconds, database_url=db.url),
        verify_key=lambda session, token: keys.verify(session=session, token=token),
        # Every lead, posted or from a CRM, is enriched by crm.yaml's provider on its way in.
        intake=IntakePipeline(db, cache, max_batch=settings.intake_batch, enricher=crm.enricher),
    )
    app.state.connectors = crm
    errors.install(app)
    for router in ROUTERS:
        app.include_router(router)

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    openapi.document_errors(app)
    app.add_middleware(UniqueKeys)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    # Before the rest, so the ordinary intake skips it (`leads/lane.py`).
    app.add_middleware(IntakeLane, max_bytes=settings.max_body_bytes)
    # Outermost: a bug anywhere, the lane included, is a 500 that keeps the connection open.
    app.add_middleware(errors.CatchBugs)
    return app


def app_from_env() -> FastAPI:
    """The app as a `serve` worker process builds it (uvicorn factory)."""
    # Read afresh: with one worker, uvicorn builds the app in the `serve` process itself, whose
    # cached settings predate the command-line options `serve` exported.
    return create_app(Settings(), serving=True)
