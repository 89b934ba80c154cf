"""API shapes of API keys; the token appears once, in the create response."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Scope(StrEnum):
    LEADS_READ = "leads:read"
    LEADS_WRITE = "leads:write"  # post leads, touches and outcomes (implies leads:read)
    CONFIG_READ = "config:read"
    CONFIG_WRITE = "config:write"  # reps, pools, queues, accounts, policies (implies config:read)
    METRICS_READ = "metrics:read"  # scrape /metrics (for Prometheus: nothing else)
    ADMIN = "admin"  # everything, including keys and the audit log


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    scopes: list[Scope] = Field(min_length=1)


class KeyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str
    scopes: list[Scope]
    created_at: datetime
    revoked_at: datetime | None


class KeyCreated(KeyRead):
    token: str  # shown once; only its hash is stored
