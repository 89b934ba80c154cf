"""The app the browser tests serve with uvicorn: the service API with the dashboard router, on
the database that LEADROUTER_DB names (read by the settings), with the real clock."""

from __future__ import annotations

from fastapi import FastAPI

from leadrouter.app import create_app
from leadrouter.clock import Clock
from leadrouter.dashboard.router import router
from leadrouter.settings import Settings, get_settings
from leadrouter.store import Database


def dashboard_app(
    settings: Settings | None = None, db: Database | None = None, clock: Clock | None = None
) -> FastAPI:
    """The service app with the dashboard, as `serve` should assemble it."""
    app = create_app(settings, database=db, clock=clock)
    # Once the API's app factory includes the dashboard itself, do not add it twice.
    if not any(getattr(route, "path", None) == "/queue" for route in app.routes):
        app.include_router(router)
    return app


def app() -> FastAPI:
    """uvicorn factory."""
    return dashboard_app(get_settings())
