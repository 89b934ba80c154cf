"""HTTP routes for queues."""

from __future__ import annotations

from fastapi import APIRouter

from leadrouter.api.config_routes import add_config_routes
from leadrouter.queues import service
from leadrouter.queues.schemas import QueueCreate, QueueRead, QueueUpdate

router = APIRouter(prefix="/v1/queues", tags=["queues"])
add_config_routes(router, "queue", service, (QueueRead, QueueCreate, QueueUpdate), get_one=False)
