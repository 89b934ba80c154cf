"""API shapes of accounts, single and bulk."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from leadrouter.api.limits import text
from leadrouter.model import AccountType

AccountId = text(100, min_length=1)
Name = text(300, min_length=1)
Domain = text(253, min_length=1)
Alias = text(300, min_length=1)
Ref = text(100)  # a rep or account id
Country = text(2, min_length=2)
Phone = text(40)


class AccountIn(BaseModel):
    """One account as sent to create, replace or import it."""

    model_config = ConfigDict(extra="forbid")

    id: AccountId
    name: Name
    domains: list[Domain] = Field(default=[], max_length=1000)
    country: Country | None = None
    owner: Ref | None = None
    parent: Ref | None = None
    type: AccountType = AccountType.PROSPECT
    segment: Ref | None = None
    aliases: list[Alias] = Field(default=[], max_length=1000)
    phone: Phone | None = None
    last_activity: AwareDatetime | None = None
    employees: float | None = Field(default=None, ge=0, le=10_000_000)
    industry: Ref | None = None


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
    employees: float | None = None
    industry: str | None = None


class ImportResult(BaseModel):
    created: int
    updated: int
    unchanged: int
    problems: list[str] = []  # rows of a CSV that could not be read, with their line
