"""API shapes of accounts, single and bulk."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from leadrouter.model import AccountType


class AccountIn(BaseModel):
    """One account as sent to create, replace or import it."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=100)
    name: str = Field(min_length=1, max_length=300)
    domains: list[str] = []
    country: str | None = Field(default=None, min_length=2, max_length=2)
    owner: str | None = None
    parent: str | None = None
    type: AccountType = AccountType.PROSPECT
    segment: str | None = None
    aliases: list[str] = []
    phone: str | None = None
    last_activity: AwareDatetime | None = None


class AccountRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    domains: list[str]
    country: str | None
    owner: str | None
    parent: str | None
    type: AccountType
    segment: str | None
    aliases: list[str]
    phone: str | None
    last_activity: datetime | None


class ImportResult(BaseModel):
    created: int
    updated: int
    unchanged: int
    problems: list[str] = []  # rows of a CSV that could not be read, with their line
