"""API shapes of reps: what may be sent to create or update one, and what is read back."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from leadrouter.policy.team import ID_PATTERN


class ShiftIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    weekday: int = Field(ge=0, le=6, description="0 = Monday")
    start: time
    end: time


class AbsenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: AwareDatetime
    end: AwareDatetime
    note: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> AbsenceIn:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class RepFields(BaseModel):
    """Fields a rep update may change; every one optional."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    email: str | None = Field(default=None, min_length=3, max_length=320)
    timezone: str | None = None
    working_hours: list[ShiftIn] | None = None
    out_of_office: list[AbsenceIn] | None = None
    max_open: int | None = Field(default=None, ge=0)
    max_per_day: int | None = Field(default=None, ge=0)
    skills: list[str] | None = None
    languages: list[str] | None = None
    active: bool | None = None
    manager: str | None = None
    backup: str | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError) as error:
                raise ValueError(f"unknown time zone '{value}'") from error
        return value


class RepUpdate(RepFields):
    pass


class RepCreate(RepFields):
    id: str = Field(pattern=ID_PATTERN, max_length=100)
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=320)
    timezone: str = "UTC"
    out_of_office: list[AbsenceIn] = []
    skills: list[str] = []
    languages: list[str] = []
    active: bool = True


class ShiftRead(BaseModel):
    weekday: int
    start: time
    end: time


class AbsenceRead(BaseModel):
    start: datetime
    end: datetime
    note: str


class RepRead(BaseModel):
    id: str
    name: str
    email: str
    timezone: str
    working_hours: list[ShiftRead] | None
    out_of_office: list[AbsenceRead]
    max_open: int | None
    max_per_day: int | None
    skills: list[str]
    languages: list[str]
    active: bool
    manager: str | None
    backup: str | None
    open_leads: int
