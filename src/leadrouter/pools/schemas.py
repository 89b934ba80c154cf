"""API shapes of pools."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from leadrouter.model import Strategy, WhenFull
from leadrouter.reps.schemas import ID_PATTERN


class PoolUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    members: list[str] | None = None  # rep ids, in turn order
    weights: dict[str, int] | None = None
    strategy: Strategy | None = None
    when_full: WhenFull | None = None
    when_full_target: str | None = None  # queue or pool id for when_full queue/pool
    respect_working_hours: bool | None = None


class PoolCreate(PoolUpdate):
    id: str = Field(pattern=ID_PATTERN, max_length=100)
    name: str = Field(min_length=1, max_length=200)
    members: list[str] = Field(min_length=1)
    weights: dict[str, int] = {}
    strategy: Strategy = Strategy.ROUND_ROBIN
    when_full: WhenFull = WhenFull.LEAST_LOADED
    respect_working_hours: bool = True

    @model_validator(mode="after")
    def _target_when_needed(self) -> PoolCreate:
        if self.when_full != WhenFull.LEAST_LOADED and not self.when_full_target:
            raise ValueError(f"when_full '{self.when_full}' needs when_full_target")
        return self


class PoolRead(BaseModel):
    id: str
    name: str
    members: list[str]
    weights: dict[str, int]
    strategy: Strategy
    when_full: WhenFull
    when_full_target: str | None
    respect_working_hours: bool
    cursor: int
