"""Shapes of users and the roles they hold, each role a set of the API's scopes."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from leadrouter.api.scopes import Scope


class Role(StrEnum):
    VIEWER = "viewer"  # reads every page, changes nothing
    MANAGER = "manager"  # works the queues and edits the team and the policy
    ADMIN = "admin"  # everything, people and API keys included


SCOPES_OF: dict[Role, frozenset[Scope]] = {
    Role.VIEWER: frozenset({Scope.LEADS_READ, Scope.CONFIG_READ}),
    Role.MANAGER: frozenset({Scope.LEADS_WRITE, Scope.CONFIG_WRITE}),
    Role.ADMIN: frozenset({Scope.ADMIN}),
}
MIN_PASSWORD = 10


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    login: str = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9._@+-]+$")
    name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    role: Role = Role.VIEWER
    password: str | None = Field(default=None, min_length=MIN_PASSWORD, max_length=1000)


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    login: str
    name: str
    email: str | None
    role: Role
    active: bool
