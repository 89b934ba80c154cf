"""API shapes of queues. The update shape is derived from the create shape (`api/patch.py`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from leadrouter.api.limits import text
from leadrouter.api.patch import patch_model
from leadrouter.reps.schemas import ID_PATTERN

Name = text(200, min_length=1)
Description = text(1000)


class QueueCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID_PATTERN, max_length=100)
    name: Name
    description: Description = ""
    fallback: bool = False


QueueUpdate = patch_model(QueueCreate, "QueueUpdate", fixed=frozenset({"id"}))


class QueueRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    description: str
    fallback: bool
