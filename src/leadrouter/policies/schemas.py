"""API shapes of policy versions, diffs and simulations."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from leadrouter.api.limits import text

PolicyText = text(1_000_000, min_length=1)


class PolicyUpload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: PolicyText = Field(description="the policy YAML, as in a workspace's policy.yaml")


class PolicyVersionRead(BaseModel):
    version: str
    name: str
    created_at: datetime
    created_by: str
    active: bool


class PolicyVersionDetail(PolicyVersionRead):
    text: str


class PolicyDiff(BaseModel):
    old: str
    new: str
    diff: list[str]  # unified diff lines
