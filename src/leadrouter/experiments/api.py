"""HTTP routes for replaying stored leads through a candidate policy version."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from leadrouter.api.auth import ConfigRead, Svc
from leadrouter.api.limits import INT32_MAX, PathKey
from leadrouter.experiments import simulate as simulation
from leadrouter.experiments.schemas import Simulation

router = APIRouter(prefix="/v1/policies", tags=["policies"])


@router.post("/{version}/simulate")
def simulate(
    version: PathKey,
    svc: Svc,
    _: ConfigRead,
    last: Annotated[
        int, Query(ge=1, le=INT32_MAX, description="how many of the latest leads to replay")
    ] = 500,
) -> Simulation:
    """How many of the last leads this version would send elsewhere, from whom to whom."""
    last = min(last, svc.settings.simulate_max_leads)
    with svc.db.read() as session:
        config = svc.cache.get(session)
        return simulation.simulate(session=session, config=config, version=version, last=last)
