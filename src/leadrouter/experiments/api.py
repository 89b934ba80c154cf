"""HTTP routes for replaying stored leads: the simulation, the backtest of a stored policy
version, and the roster what-if."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, field_validator

from leadrouter.api.auth import ConfigRead, ConfigWrite, Services, Svc
from leadrouter.api.limits import INT32_MAX, PathKey
from leadrouter.errors import FieldProblem, LeadValidationError
from leadrouter.experiments import abtest, service
from leadrouter.experiments import simulate as simulation
from leadrouter.experiments.schemas import Backtest, Simulation
from leadrouter.policies import splits
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


_LONGEST = timedelta(days=3660)


def _length(text: str) -> timedelta:
    """A duration such as 30d; ValueError for anything else, a number too large included."""
    try:
        return parse_duration(text)
    except OverflowError:
        raise ValueError(f"{text!r} is longer than any replay") from None


class Window(BaseModel):
    """Which stored leads to replay: those received in the last `since`, or the `last` N."""

    since: str = Field(
        "30d",
        max_length=40,
        description="e.g. 7d, 30d, 12h (at most LEADROUTER_BACKTEST_MAX_LEADS of its latest leads)",
    )
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
        if value is not None and not timedelta(0) < _length(value) <= _LONGEST:
            raise ValueError("a duration above zero and at most 10 years, e.g. 30d")
        return value

    @field_validator("as_if")
    @classmethod
    def _near(cls, value: date | None) -> date | None:
        if value is not None and not 1970 <= value.year <= 2200:
            raise ValueError("a date between 1970 and 2200")
        return value

    def held(self) -> timedelta | None:
        return _length(self.open_for) if self.open_for is not None else None


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
            session=session, config=config, version=version, replay=_replay(window, svc)
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
            replay=_replay(body, svc),
            version=body.version,
        )


def _replay(window: Window, svc: Services) -> service.Replay:
    """What a backtest or what-if request replays, at most the service's backtest cap."""
    return service.Replay(
        now=svc.clock.now(),
        since=_length(window.since),
        last=window.last,
        examples=window.examples,
        open_for=window.held(),
        as_if=window.as_if,
        cap=svc.settings.backtest_max_leads,
    )


# ---------------------------------------------------------------- A/B tests of live routing


class AbTestCreate(BaseModel):
    id: str = Field(..., min_length=1, max_length=100, pattern=r"^[a-z0-9_.-]+$")
    name: str = Field("", max_length=200)
    version_a: str = Field(..., max_length=100, description="stored policy version of arm a")
    version_b: str | None = Field(
        None, max_length=100, description="stored policy version of arm b (default: version_a)"
    )
    pool: str | None = Field(
        None, max_length=100, description="test two strategies of this pool (one policy version)"
    )
    strategy_a: str | None = Field(None, max_length=40, description="the pool's strategy in arm a")
    strategy_b: str | None = Field(None, max_length=40, description="the pool's strategy in arm b")
    share_b: float = Field(0.5, gt=0, lt=1, description="share of leads arm b decides")
    start: datetime | None = Field(None, description="default: now")
    end: datetime | None = None
    guard_margin: float = Field(
        0.1, gt=0, le=1, description="stop an arm whose SLA breach rate exceeds the other's by this"
    )

    @field_validator("start", "end")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.utcoffset() is None:
            raise ValueError("a time with its zone, e.g. 2026-12-01T00:00:00Z")
        return value

    def definition(self, now: datetime) -> splits.AbTestDefinition:
        """The test this request starts: the same fields, arm b on arm a's policy version unless
        it names one, from `now` unless it says when."""
        defaults = {"version_b": self.version_b or self.version_a, "start": self.start or now}
        return splits.AbTestDefinition(**self.model_dump() | defaults)


SlaTarget = Annotated[
    str, Query(max_length=40, description="first-touch target for SLA met, e.g. 15m")
]


def _target(text: str) -> timedelta:
    try:
        found = _length(text)
    except ValueError as error:
        raise LeadValidationError([FieldProblem("sla", str(error))]) from None
    if not timedelta(0) < found <= _LONGEST:
        raise LeadValidationError([FieldProblem("sla", "a duration above zero, e.g. 15m")])
    return found


@router.post("/abtests", status_code=201)
def start_abtest(body: AbTestCreate, svc: Svc, _: ConfigWrite) -> abtest.AbTestRead:
    """Split live routing between two stored policy versions, or two strategies of one pool, by
    a hash of each lead, from `start` to `end`; every decision records its arm."""
    now = svc.clock.now()
    with svc.db.session() as session:
        return abtest.read(abtest.start(session, body.definition(now), now=now))


@router.get("/abtests")
def list_abtests(svc: Svc, _: ConfigRead) -> list[abtest.AbTestRead]:
    """Every A/B test, newest first."""
    with svc.db.read() as session:
        return [abtest.read(row) for row in abtest.list_(session)]


@router.get("/abtests/{test_id}/report")
def abtest_report(
    test_id: PathKey, svc: Svc, _: ConfigRead, sla: SlaTarget = "15m"
) -> abtest.AbReport:
    """Per arm: leads, time to first touch (median, p90), SLA met, qualification and win rates,
    with intervals, significance tests, the sample size needed, and the guard rail's verdict."""
    with svc.db.read() as session:
        row = abtest.get_or_raise(session, test_id)
        return abtest.report(session, row, svc.clock.now(), _target(sla))


@router.post("/abtests/{test_id}/guard")
def abtest_guard(
    test_id: PathKey, svc: Svc, _: ConfigWrite, sla: SlaTarget = "15m"
) -> abtest.AbReport:
    """The report, after stopping the arm whose SLA breach rate exceeds the other's by the
    test's margin (the worker calls this for the running test)."""
    with svc.db.session() as session:
        row = abtest.get_or_raise(session, test_id)
        return abtest.enforce_guard(session, row, svc.clock.now(), _target(sla))


class AbTestStop(BaseModel):
    arm: str | None = Field(None, pattern=r"^[ab]$", description="stop one arm; none: the test")
    reason: str = Field("stopped by hand", max_length=500)


@router.post("/abtests/{test_id}/stop")
def stop_abtest(
    test_id: PathKey, svc: Svc, _: ConfigWrite, body: AbTestStop | None = None
) -> abtest.AbTestRead:
    """Stop one arm (the other takes every lead until the end) or the whole test."""
    body = body or AbTestStop()
    with svc.db.session() as session:
        row = abtest.get_or_raise(session, test_id)
        abtest.stop(session, row, arm=body.arm, reason=body.reason, now=svc.clock.now())
        return abtest.read(row)
