"""API shapes for a lead's timeline and the list of leads waiting in fallback queues."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class TimelineEntryRead(BaseModel):
    at: datetime
    kind: str  # decision, sla, touch, message
    code: str  # reason code, decision kind, touch channel or message state
    message: str
    data: dict[str, Any]


class UnownedLeadRead(BaseModel):
    id: str
    queue: str
    received_at: datetime
    rule: str | None
