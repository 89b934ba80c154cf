"""API shapes for the outbox's dead letters."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class DeadLetterRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    key: str
    channel: str
    lead_id: str | None
    attempts: int
    last_error: str | None
    created_at: datetime
