"""HTTP routes for reps. Deactivate, out of office, capacity and hours are all PATCH."""

from __future__ import annotations

from fastapi import APIRouter

from leadrouter.api.config_routes import add_config_routes
from leadrouter.reps import service
from leadrouter.reps.schemas import RepCreate, RepRead, RepUpdate

router = APIRouter(prefix="/v1/reps", tags=["reps"])
add_config_routes(router, "rep", service, (RepRead, RepCreate, RepUpdate))
