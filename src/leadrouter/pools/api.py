"""HTTP routes for pools."""

from __future__ import annotations

from fastapi import APIRouter

from leadrouter.api.config_routes import add_config_routes
from leadrouter.pools import service
from leadrouter.pools.schemas import PoolCreate, PoolRead, PoolUpdate

router = APIRouter(prefix="/v1/pools", tags=["pools"])
add_config_routes(router, "pool", service, (PoolRead, PoolCreate, PoolUpdate))
