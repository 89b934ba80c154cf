"""API shapes of queues."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from leadrouter.reps.schemas import ID_PATTERN


class QueueUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=1000)
    fallback: bool | None = None


class QueueCreate(QueueUpdate):
    id: str = Field(pattern=ID_PATTERN, max_length=100)
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=1000)
    fallback: bool = False


class QueueRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    description: str
    fallback: bool
