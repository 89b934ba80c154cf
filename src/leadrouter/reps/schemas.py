"""API shapes of reps: what may be sent to create or update one, and what is read back.

The update shape is derived from the create shape (`api/patch.py`) and an update is validated as
a whole create request, so both follow one set of rules.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from leadrouter.api.limits import Count, text
from leadrouter.api.patch import patch_model
from leadrouter.policy.team import ID_PATTERN

RepId = Annotated[str, Field(pattern=ID_PATTERN, max_length=100)]
Name = text(200, min_length=1)
Email = text(320, min_length=3)
Note = text(1000)
Tag = text(100, min_length=1)
AttributeName = Annotated[str, StringConstraints(pattern=r"^[a-z_][a-z0-9_]*$", max_length=50)]
# A rep attribute's value, typed like a lead field: text, a number, true/false or a list of texts.
AttributeValue = StrictBool | float | Annotated[str, StringConstraints(max_length=200)] | list[Tag]
# A wall-clock time of day, without offset: JSON Schema's `format: time` demands an offset.
_TIME_OF_DAY = {
    "type": "string",
    "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
    "description": "a time of day in the rep's time zone, HH:MM or HH:MM:SS, no offset",
}
TimeOfDay = Annotated[time, WithJsonSchema(_TIME_OF_DAY)]


class ShiftIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    weekday: int = Field(ge=0, le=6, description="0 = Monday")
    start: TimeOfDay
    end: TimeOfDay

    @field_validator("start", "end")
    @classmethod
    def _no_offset(cls, value: time) -> time:
        if value.tzinfo is not None:
            raise ValueError("a time of day without offset: the rep's time zone applies")
        return value


class AbsenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: AwareDatetime
    end: AwareDatetime
    note: Note = ""

    @model_validator(mode="after")
    def _ordered(self) -> AbsenceIn:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class RepCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: RepId
    name: Name
    email: Email
    timezone: str = Field(default="UTC", max_length=64)
    working_hours: list[ShiftIn] | None = Field(
        default=None, max_length=100, description="null: always working; []: never"
    )
    out_of_office: list[AbsenceIn] = Field(default=[], max_length=1000)
    max_open: Count | None = None
    max_per_day: Count | None = None
    skills: list[Tag] = Field(default=[], max_length=100)
    languages: list[Tag] = Field(default=[], max_length=100)
    active: bool = True
    manager: RepId | None = None
    backup: RepId | None = None
    max_per_week: Count | None = None
    max_per_month: Count | None = None
    daily_cap: Literal["calendar", "rolling"] = Field(
        default="calendar",
        description="how max_per_day counts: the rep's calendar day, or the last 24 hours",
    )
    attributes: dict[AttributeName, AttributeValue] = Field(
        default={},
        max_length=50,
        description="region, segment and custom attributes that routing conditions read as "
        "rep.<name>",
    )
    booking_url: str | None = Field(
        default=None,
        max_length=500,
        pattern=r"^https?://[^\s/]+\S*$",
        description="the rep's scheduling page, returned with each lead assigned to them",
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone '{value}'") from error
        return value


RepUpdate = patch_model(RepCreate, "RepUpdate", fixed=frozenset({"id"}))


class ShiftRead(BaseModel):
    weekday: int
    start: TimeOfDay
    end: TimeOfDay


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
    max_per_week: int | None = None
    max_per_month: int | None = None
    daily_cap: str = "calendar"
    attributes: dict[str, Any] = {}
    booking_url: str | None = None
    open_leads: int
