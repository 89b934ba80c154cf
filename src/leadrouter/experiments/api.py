"""HTTP routes for replaying stored leads: the simulation, the backtest of a stored policy
version, and the roster what-if."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, field_validator

from leadrouter.api.auth import ConfigRead, Svc
from leadrouter.api.limits import INT32_MAX, PathKey
from leadrouter.experiments import service
from leadrouter.experiments import simulate as simulation
from leadrouter.experiments.schemas import Backtest, Simulation
from leadrouter.policy.sla import parse_duration

router = APIRouter(prefix="/v1", tags=["policies"])


@router.post("/policies/{version}/simulate")
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


class Window(BaseModel):
    """Which stored leads to replay: those received in the last `since`, or the `last` N."""

    since: str = Field("30d", max_length=40, description="e.g. 7d, 30d, 12h")
    last: int | None = Field(None, ge=1, le=INT32_MAX, description="only the latest N leads")
    examples: int = Field(5, ge=0, le=100, description="example leads per rule change")
    open_for: str | None = Field(
        None,
        max_length=40,
        description="a lead with no recorded outcome frees its rep's open slot after this long",
    )

    as_if: date | None = Field(
        None,
        description="replay the leads as if they had come from this date on (moved by whole"
        " weeks, so weekdays and hours stay)",
    )

    @field_validator("since", "open_for")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        if value is not None and parse_duration(value) <= timedelta(0):
            raise ValueError("a duration above zero, e.g. 30d")
        return value

    def held(self) -> timedelta | None:
        return parse_duration(self.open_for) if self.open_for is not None else None


class WhatIf(Window):
    changes: list[Annotated[str, Field(max_length=500)]] = Field(
        ..., min_length=1, max_length=200, description="roster changes, one per item"
    )
    version: str | None = Field(
        None, max_length=200, description="a stored policy version (default: the active one)"
    )


@router.post("/policies/{version}/backtest")
def backtest(version: PathKey, svc: Svc, _: ConfigRead, window: Window | None = None) -> Backtest:
    """Stored leads replayed through this version and the active one, from the same state:
    routing changes by rule, rotation reshuffles apart, fairness, capacity, off-hours,
    speed-to-lead, and the version's own tests."""
    window = window or Window()
    with svc.db.read() as session:
        config = svc.cache.get(session)
        return service.backtest_version(
            session=session,
            config=config,
            version=version,
            now=svc.clock.now(),
            since=parse_duration(window.since),
            last=window.last,
            examples=window.examples,
            open_for=window.held(),
            as_if=window.as_if,
        )


@router.post("/whatif")
def whatif(body: WhatIf, svc: Svc, _: ConfigRead) -> Backtest:
    """Stored leads replayed with the team as it is and with roster changes (someone out of
    office, a rep added or removed, capacities, weights, hours, pools): who absorbs the leads,
    capacity exceeded, leads outside covered hours, fairness before and after."""
    with svc.db.read() as session:
        config = svc.cache.get(session)
        return service.whatif(
            session=session,
            config=config,
            changes=body.changes,
            now=svc.clock.now(),
            since=parse_duration(body.since),
            last=body.last,
            version=body.version,
            examples=body.examples,
            open_for=body.held(),
            as_if=body.as_if,
        )
