"""API shapes for the outbox's dead letters."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, field_validator

from leadrouter.notify.redact import redact


class DeadLetterRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    key: str
    channel: str
    lead_id: str | None
    attempts: int
    last_error: str | None
    created_at: datetime

    @field_validator("last_error")
    @classmethod
    def _masked(cls, value: str | None) -> str | None:
        # Rows stored before errors were masked at the source still hold whole URLs.
        return None if value is None else redact(value)
