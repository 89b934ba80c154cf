"""API shapes of a policy simulation."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Move(BaseModel):
    """Leads that would go to `to` instead of `from_`; a target is a rep id or `queue:<id>`."""

    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    count: int


class Simulation(BaseModel):
    version: str
    against: str  # the active version it is compared with
    leads: int
    moved: int
    by_rule: dict[str, int]  # moved leads per rule of the candidate that now decides
    moves: list[Move]
