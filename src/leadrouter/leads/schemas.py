"""API shapes of leads: the intake envelope, decisions, touches and outcomes.

The lead itself is free-form (CRM field names vary; normalization maps aliases), but the envelope
is strict, values must be scalars or lists of scalars, and text must be valid Unicode without NUL
characters (PostgreSQL cannot store either) and fit the column it is stored in, so bad input is a
422 naming the field (`body.lead.email`) on either database, never an error from the database.
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
    ValidationError,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from leadrouter.normalize.fields import standard_field

MAX_FIELDS = 200
MAX_KEY = 100
MAX_ITEMS = 100  # values in one list field
MAX_TEXT = 2000  # characters in one text value of a field without a limit of its own
# Standard fields (as `normalize.fields` resolves aliases) stored in columns of their own, and
# what the columns hold, the same on SQLite and PostgreSQL: `email_key varchar(320)`,
# `phone varchar(40)`, `name_key varchar(400)` (first and last name, or the full name),
# `source varchar(200)` in the reporting rollups.
TEXT_LIMITS = {
    "email": 320,
    "phone": 40,
    "name": 200,
    "first_name": 100,
    "last_name": 100,
    "source": 200,
}
INT64 = 2**63 - 1
_NO_NUL = r"^[^\x00]*$"
# JSON's Infinity and NaN parse in Python but are not JSON to PostgreSQL: refused here.
Scalar = StrictStr | StrictInt | Annotated[StrictFloat, AllowInfNan(False)] | StrictBool | None
Value = Scalar | list[Scalar]

_TEXT = {"type": "string", "maxLength": MAX_TEXT, "pattern": _NO_NUL}
_SCALARS = [
    _TEXT,
    {"type": "integer", "minimum": -INT64 - 1, "maximum": INT64},
    {"type": "number"},
    {"type": "boolean"},
    {"type": "null"},
]
_VALUE = {"anyOf": [*_SCALARS, {"type": "array", "items": {"anyOf": _SCALARS}, "maxItems": 100}]}
_LEAD_SCHEMA = {
    "type": "object",
    "minProperties": 1,
    "maxProperties": MAX_FIELDS,
    # A name with something besides blanks, no NUL, at most MAX_KEY characters.
    "propertyNames": {"maxLength": MAX_KEY, "pattern": r"^[^\x00]*[^\s\x00][^\x00]*$"},
    "properties": {
        name: {"anyOf": [{**_TEXT, "maxLength": limit}, *_SCALARS[1:]]}
        for name, limit in TEXT_LIMITS.items()
    },
    "additionalProperties": _VALUE,
}


def _check_text(text: str) -> str | None:
    """What keeps `text` from being stored anywhere, or None."""
    if "\x00" in text:
        return "contains a NUL character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid Unicode (a lone surrogate)"
    return None


def _lead_problems(lead: dict[str, Any]) -> list[InitErrorDetails]:
    """Every problem of the lead's fields, each at the path of the field it is in."""
    problems: list[InitErrorDetails] = []

    def add(where: tuple[str | int, ...], message: str, value: Any) -> None:
        error = PydanticCustomError("lead_field", message)
        problems.append(InitErrorDetails(type=error, loc=where, input=value))

    if not lead:
        add((), "the lead has no fields", lead)
    if len(lead) > MAX_FIELDS:
        add((), f"at most {MAX_FIELDS} fields", len(lead))
    for key, value in lead.items():
        bad = _check_text(key)
        if bad or not key.strip() or len(key) > MAX_KEY:
            add((key,), f"the field name {bad or f'is empty or over {MAX_KEY} characters'}", key)
            continue
        items = value if isinstance(value, list) else [value]
        if isinstance(value, list) and len(value) > MAX_ITEMS:
            add((key,), f"at most {MAX_ITEMS} values", len(value))
        field = standard_field(key)
        limit = TEXT_LIMITS.get(field or "", MAX_TEXT)
        for i, item in enumerate(items):
            if isinstance(item, int) and not -INT64 - 1 <= item <= INT64:
                add((key,), "an integer beyond 64 bits", item)
            if not isinstance(item, str):
                continue
            where: tuple[str | int, ...] = (key, i) if isinstance(value, list) else (key,)
            bad = _check_text(item)
            if bad:
                add(where, bad, item)
            elif len(item) > limit:
                what = f"'{field}'" if field in TEXT_LIMITS else "a text value"
                add(where, f"at most {limit} characters for {what} ({len(item)} sent)", item)
    return problems


class LeadCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lead: Annotated[dict[str, Value], WithJsonSchema(_LEAD_SCHEMA)] = Field(
        description="the lead's fields as sent by the form or CRM: email, company, country, ..."
    )
    external_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        pattern=_NO_NUL,
        description="the lead's id in the sending system; a retry with it never duplicates",
    )

    @field_validator("lead")
    @classmethod
    def _clean_fields(cls, lead: dict[str, Any]) -> dict[str, Any]:
        problems = _lead_problems(lead)
        if problems:
            raise ValidationError.from_exception_data("lead", problems)
        return lead

    @field_validator("external_id")
    @classmethod
    def _clean_id(cls, value: str | None) -> str | None:
        bad = _check_text(value) if value is not None else None
        if bad:
            raise ValueError(bad)
        return value


class LeadChange(BaseModel):
    """New values of some of a lead's fields (null removes one), from the API or a CRM."""

    model_config = ConfigDict(extra="forbid")

    lead: Annotated[dict[str, Value], WithJsonSchema(_LEAD_SCHEMA)] = Field(
        description='the fields that changed, e.g. {"score_signal": "demo_request"}'
    )

    _clean_fields = field_validator("lead")(LeadCreate._clean_fields.__func__)  # type: ignore[attr-defined]


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
    # The owner's scheduling page (team.yaml `booking_url`): a form shows "book a time" at once.
    booking_url: str | None = None


class DecisionRead(DecisionSummary):
    cause: str  # "new" or "reroute"
    trace: dict[str, Any]  # the "trace" of codec.decision_to_dict: rules, reps, match, notes
    # With what probability the rep (or queue) was chosen, among which eligible reps, and the
    # A/B arm that decided: what offline evaluation of another routing needs.
    propensity: dict[str, Any] | None = None


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
    # Owners by role once a hand-off moved it on (`handoffs:`): {"sdr": ..., "ae": ...}.
    owners: dict[str, str | None] = Field(default_factory=dict)


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


class ChangeRead(BaseModel):
    """What a change did: the lead re-routed (its new decision), or kept where it was and why."""

    lead_id: str
    rerouted: bool
    reason: str
    decision: DecisionSummary | None = None
    trigger: str | None = None  # the policy's reroute trigger that moved it (None: built-in)


class StageCreate(BaseModel):
    """A lead's new sales stage (`meeting_booked`, `qualified`, ...): the policy's `handoffs:`
    say which stages hand it to the next role."""

    stage: str = Field(min_length=1, max_length=60)


class HandoffRead(BaseModel):
    """What a hand-off did: the owners per role, and the decision that gave it to the next."""

    lead_id: str
    stage: str
    from_role: str
    to_role: str
    reason: str
    owners: dict[str, str | None]
    decision: DecisionSummary


class AssignCreate(BaseModel):
    """A person's assignment of a lead: from a fallback or review queue, or, with `from_owner`,
    away from the rep who has it."""

    model_config = ConfigDict(extra="forbid")

    rep: str = Field(min_length=1, max_length=100, description="the rep to give the lead to")
    confirm: bool = Field(
        default=False,
        description="assign even though the rep is unavailable now (inactive, out of office, "
        "outside working hours or at capacity); without it such an assignment is a 409",
    )
    from_owner: str | None = Field(
        default=None,
        max_length=100,
        description="reassign: the rep the lead must still be with (a 409 names who has it)",
    )
