"""API shapes of leads: the intake envelope, decisions, touches and outcomes.

The lead itself is free-form (CRM field names vary; normalization maps aliases), but the envelope
is strict, values must be scalars or lists of scalars, and text must be valid Unicode without NUL
characters (PostgreSQL cannot store either), so bad input is a 422 naming the field.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AllowInfNan,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    field_validator,
)

MAX_FIELDS = 200
MAX_KEY = 100
# JSON's Infinity and NaN parse in Python but are not JSON to PostgreSQL: refused here.
Scalar = StrictStr | StrictInt | Annotated[StrictFloat, AllowInfNan(False)] | StrictBool | None
Value = Scalar | list[Scalar]


def _check_text(text: str, where: str) -> None:
    if "\x00" in text:
        raise ValueError(f"{where} contains a NUL character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(f"{where} is not valid Unicode (lone surrogate)") from error


class LeadCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lead: dict[str, Value] = Field(
        description="the lead's fields as sent by the form or CRM: email, company, country, ..."
    )
    external_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="the lead's id in the sending system; a retry with it never duplicates",
    )

    @field_validator("lead")
    @classmethod
    def _clean_fields(cls, lead: dict[str, Any]) -> dict[str, Any]:
        if not lead:
            raise ValueError("the lead has no fields")
        if len(lead) > MAX_FIELDS:
            raise ValueError(f"at most {MAX_FIELDS} fields")
        for key, value in lead.items():
            if not key.strip() or len(key) > MAX_KEY:
                raise ValueError(f"field name '{key[:MAX_KEY]}' is empty or too long")
            _check_text(key, f"field name '{key[:MAX_KEY]}'")
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str):
                    _check_text(item, f"field '{key}'")
        return lead

    @field_validator("external_id")
    @classmethod
    def _clean_id(cls, value: str | None) -> str | None:
        if value is not None:
            _check_text(value, "external_id")
        return value


class WarningRead(BaseModel):
    field: str
    code: str
    message: str


class DecisionSummary(BaseModel):
    """What the caller needs at once: where the lead went, by which rule, and why."""

    lead_id: str
    decision_id: int  # the trace id: GET /v1/leads/{lead_id}/decision shows it in full
    kind: str
    owner: str | None
    queue: str | None
    pool: str | None
    rule: str | None
    score: float | None
    policy_version: str
    fallback: bool
    at: datetime
    warnings: list[WarningRead]
    explanation: list[str]


class DecisionRead(DecisionSummary):
    cause: str  # "new" or "reroute"
    trace: dict[str, Any]  # the "trace" of codec.decision_to_dict: rules, reps, match, notes


class LeadRead(BaseModel):
    id: str
    external_id: str | None
    received_at: datetime
    status: str
    raw: dict[str, Any]
    kind: str | None
    owner: str | None
    queue: str | None
    pool: str | None
    rule: str | None
    decision_id: int | None
    account_id: str | None
    outcome: str | None
    amount: float | None
    first_touch_at: datetime | None


class Channel(StrEnum):
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    SMS = "sms"
    CHAT = "chat"


class TouchCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: Channel
    rep: str | None = Field(default=None, max_length=100)  # defaults to the current owner
    at: AwareDatetime | None = None  # defaults to now
    note: str = Field(default="", max_length=2000)


class TouchRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    lead_id: str
    rep: str | None
    channel: str
    at: datetime
    note: str


class Outcome(StrEnum):
    QUALIFIED = "qualified"
    OPPORTUNITY = "opportunity"
    WON = "won"
    LOST = "lost"


CLOSED = frozenset({Outcome.WON, Outcome.LOST})


class OutcomeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Outcome
    amount: float | None = Field(default=None, ge=0, le=1e12)
    at: AwareDatetime | None = None
