"""A lead as it arrived and as normalization understood it, its field types and data warnings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from leadrouter.model.frozen import quick_init
from leadrouter.model.reasons import Reason


class FieldType(StrEnum):
    """Types a lead field can have in rules. Every value in Lead.fields is one of these."""

    STRING = "string"  # str
    NUMBER = "number"  # float
    BOOL = "bool"  # bool
    LIST = "list"  # tuple[str, ...]
    # Time: a custom field may be a datetime; a duration is only the engine's `age`.
    DATETIME = "datetime"  # float: seconds since the Unix epoch (UTC)
    DURATION = "duration"  # float: seconds


# Fields whose values are times, added to the context only when the policy reads them.
TIME_FIELDS: Mapping[str, FieldType] = MappingProxyType(
    {"now": FieldType.DATETIME, "created_at": FieldType.DATETIME, "age": FieldType.DURATION}
)


# Fields the engine adds to a lead's context after matching and scoring; rules may use them.
DERIVED_FIELDS: Mapping[str, FieldType] = MappingProxyType(
    {
        "account.matched": FieldType.BOOL,
        "account.id": FieldType.STRING,
        "account.name": FieldType.STRING,
        "account.type": FieldType.STRING,
        "account.segment": FieldType.STRING,
        "account.owner": FieldType.STRING,
        "account.country": FieldType.STRING,
        "account.parent": FieldType.STRING,
        "account.ultimate_parent": FieldType.STRING,
        "match.confidence": FieldType.NUMBER,
        "match.method": FieldType.STRING,
        "match.strong": FieldType.BOOL,
        "duplicate": FieldType.BOOL,
        "existing.owner": FieldType.STRING,
        "existing.id": FieldType.STRING,
        "score": FieldType.NUMBER,
        "fit_score": FieldType.NUMBER,
        "behavior_score": FieldType.NUMBER,
        "mql": FieldType.BOOL,
        **TIME_FIELDS,
    }
)


@quick_init
@dataclass(frozen=True, slots=True)
class NumberRange:
    """A numeric range parsed from text such as "1,000-5,000", "5k" or "1000+".

    `low` and `high` are inclusive; `high` is None for open-ended ranges. `value` is the single
    figure that comparisons in rules use: the midpoint of a closed range, `low` of an open one.
    """

    low: float
    high: float | None
    unit: str | None = None  # a currency code for revenue, None for counts

    @property
    def value(self) -> float:
        return self.low if self.high is None else (self.low + self.high) / 2


@quick_init
@dataclass(frozen=True, slots=True)
class DataWarning:
    """Something in the input that was missing, corrected or could not be understood."""

    field: str
    code: Reason
    message: str
    raw: str | None = None


@quick_init
@dataclass(frozen=True, slots=True)
class Lead:
    """A lead as it arrived (`raw`) and as normalization understood it (`fields`).

    `fields` maps a field name to a clean value of its FieldType: str, float, bool or
    tuple[str, ...]. Ranges are flattened: `employees` holds NumberRange.value and
    `employees_min`/`employees_max` the bounds (likewise `revenue`). A field that is absent or
    could not be understood is simply not in `fields`; its raw text stays in `raw` and a
    DataWarning says why.
    """

    raw: Mapping[str, Any]
    fields: Mapping[str, Any]
    warnings: tuple[DataWarning, ...] = ()
    id: str | None = None
    received_at: datetime | None = None
