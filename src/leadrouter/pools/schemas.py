"""API shapes of pools. The update shape is derived from the create shape (`api/patch.py`), and
an update is validated as a whole create request: one set of rules."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from leadrouter.api.limits import INT32_MAX, text
from leadrouter.api.patch import patch_model
from leadrouter.model import Strategy, WhenFull
from leadrouter.reps.schemas import ID_PATTERN, RepId

Weight = Annotated[int, Field(ge=1, le=INT32_MAX)]
Name = text(200, min_length=1)


class PoolCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID_PATTERN, max_length=100)
    name: Name
    members: list[RepId] = Field(
        min_length=1, max_length=1000, description="rep ids, in turn order"
    )
    weights: dict[RepId, Weight] = Field(
        default={}, description="rep id to weight, for the weighted and load_balanced strategies"
    )
    strategy: Strategy = Strategy.ROUND_ROBIN
    when_full: WhenFull = WhenFull.LEAST_LOADED
    when_full_target: str | None = Field(
        default=None,
        pattern=ID_PATTERN,
        max_length=100,
        validate_default=True,
        description="the queue (when_full queue) or pool (when_full pool) to overflow into",
    )
    respect_working_hours: bool = True
    reset: Literal["daily", "weekly", "monthly"] | None = Field(
        default=None, description="fairness counts start afresh each such (UTC) period"
    )

    @field_validator("members")
    @classmethod
    def _once_each(cls, members: list[str]) -> list[str]:
        twice = sorted({m for m in members if members.count(m) > 1})
        if twice:
            raise ValueError(f"listed twice: {', '.join(twice)}")
        return members

    @field_validator("when_full_target")
    @classmethod
    def _target_when_needed(cls, target: str | None, info: ValidationInfo) -> str | None:
        when_full = info.data.get("when_full")
        if when_full in (WhenFull.QUEUE, WhenFull.POOL) and not target:
            raise ValueError(f"when_full '{when_full}' needs when_full_target")
        if when_full == WhenFull.LEAST_LOADED and target is not None:
            raise ValueError("when_full 'least_loaded' takes no when_full_target")
        return target

    @model_validator(mode="after")
    def _weights_of_members(self) -> PoolCreate:
        strangers = sorted(set(self.weights) - set(self.members))
        if strangers:
            raise ValueError(f"weights name reps that are not members: {', '.join(strangers)}")
        if self.weights and self.strategy == Strategy.ROUND_ROBIN:
            raise ValueError("weights do not apply to strategy round_robin (use weighted)")
        return self


PoolUpdate = patch_model(PoolCreate, "PoolUpdate", fixed=frozenset({"id"}))


class FairShareRead(BaseModel):
    """A member's fair-share figures in the pool: leads received through it, leads credited by
    calibration (joining or coming back mid-period), and their sum, which the pool keeps level."""

    rep: str
    received: int
    calibration: int
    fair_share_count: int
    last_assigned: int | None  # the pool's lead number of their last lead; None: never


class PoolRead(BaseModel):
    id: str
    name: str
    members: list[str]
    weights: dict[str, int]
    strategy: Strategy
    when_full: WhenFull
    when_full_target: str | None
    respect_working_hours: bool
    reset: str | None = None
    cursor: int
    fair_shares: list[FairShareRead] = []
