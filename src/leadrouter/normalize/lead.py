"""A raw lead (a JSON object or CSV row) to a `Lead` with clean, typed fields and warnings.

Dirty input is the commonest way routing rules fail silently, so this module never raises for
bad data and never drops anything quietly: a value it cannot understand stays in `Lead.raw`, is
left out of `Lead.fields`, and is reported as a DataWarning worded for a RevOps person. Blank
values (None, "", whitespace) are simply missing; placeholders ("n/a", "unknown", "-") are
missing with a DATA_MISSING warning, because someone typed them. The country is read first
because phone, state and postal code depend on it.

Reading a value is pure: what it adds to a lead (fields, warnings) depends only on the field, the
raw text and, for phone, state and postal code, the country. Columns repeat their values lead
after lead, so each field remembers, per raw value (and country), what reading it added: most
values of a lead cost one dict lookup. The memo is bounded per field; past the bound, a value is
read afresh with the same result.

Custom fields (the policy's `fields:`) are coerced to their FieldType: numbers accept the range
syntax of `ranges` ("12,500", "$12.5k"; a range gives its midpoint, a currency is not converted),
bools accept yes/no/true/false/1/0/y/n/on/off, lists split on commas, semicolons and pipes. How
each field's value is read lives in `normalize.readers`; this module plans and memoizes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from leadrouter.model import EMPTY, DataWarning, FieldType, Lead, Reason
from leadrouter.normalize.fields import STANDARD_FIELDS, fold_key, standard_field
from leadrouter.normalize.readers import (
    BY_COUNTRY,
    KINDS,
    Reader,
    Reading,
    is_blank,
    label,
    read_text,
    read_text_value,
    read_value,
    reader_for,
)

# Read before all other fields: phone, state and postal code are read in the country's light.
_FIRST = ("country", "state")
# Readings remembered per field and reader (distinct raw values, with the country where it
# matters); a unique column (email) fills its table once and is then read afresh each time.
READINGS_PER_FIELD = 2048
# Plans remembered, one per set of keys: a form posts one set, but a CRM or a CSV reader that
# leaves out empty fields sends many.
PLANS = 4096


_Plan = tuple[tuple[str, str, Reader | None, dict[Any, Reading], bool], ...]
# What each field's raw values gave, per (field, reader): shared by every plan reading that
# field, so leads with other sets of keys (a field left out when empty) still find them.
_readings: dict[tuple[str, Reader], dict[Any, Reading]] = {}
# The keys, custom fields and plan of the last lead: CSV rows and form posts repeat them.
_last_plan: list[tuple[tuple[Any, ...], tuple[tuple[str, FieldType], ...], _Plan | None]] = [
    ((), (), None)
]


def _add_names(fields: dict[str, Any]) -> None:
    """Fill `name` from first and last name, or split it into them when they are absent."""
    first, last = fields.get("first_name"), fields.get("last_name")
    name = fields.get("name")
    if name is None and (first or last):
        fields["name"] = f"{first} {last}" if first and last else first or last
    elif name is not None and first is None and last is None:
        if "," in name:  # "Smith, Jo"
            last, _, first = (part.strip() for part in name.partition(","))
        else:
            first, _, last = name.partition(" ")
        if first and last:
            fields["first_name"] = first
            fields["last_name"] = last


def normalize_lead(
    raw: Mapping[str, Any],
    custom: Mapping[str, FieldType] = EMPTY,
    *,
    id: str | None = None,
    received_at: datetime | None = None,
) -> Lead:
    """Read a raw lead into clean fields; never raises for bad data (see the module docstring)."""
    fields: dict[str, Any] = {}
    warnings: list[DataWarning] = []
    keys = tuple(raw)
    custom_fields = tuple(custom.items()) if custom else ()
    last_keys, last_custom, plan = _last_plan[0]
    # Compared, not hashed as `_plan`'s cache key would be: a FieldType hashes in Python.
    if keys != last_keys or custom_fields != last_custom:
        plan = _plan(keys, custom_fields)
        _last_plan[0] = (keys, custom_fields, plan)
    values: Mapping[Any, Any] = raw
    if plan is None:  # two keys name one field: the values decide which one is read
        values = _given_fields(raw, _custom_by_key(custom), warnings)
        plan = _given_plan(tuple(values), custom_fields)
    for key, field, reader, readings, by_country in plan:
        value = values[key]
        if type(value) is str and reader is not None:  # the common case: text to read
            if not value:
                continue  # an empty cell, which reads as nothing
            memo_key = (value, fields.get("country")) if by_country else value
            reading = readings.get(memo_key)
            if reading is None:
                reading = read_text_value(reader, field, value, fields.get("country"))
                if len(readings) < READINGS_PER_FIELD:
                    readings[memo_key] = reading
        elif value is not None and not is_blank(value):
            reading = read_value(field, value, custom, fields.get("country"))
        else:
            continue
        added, defaults, warned = reading
        if added:
            fields.update(added)
        if defaults:
            for name, default in defaults.items():
                if name not in fields:
                    fields[name] = default
        if warned:
            warnings += warned
    _add_names(fields)
    return lead_of(raw, fields, tuple(warnings), id, received_at)


def lead_of(
    raw: Mapping[str, Any],
    fields: dict[str, Any],
    warnings: tuple[DataWarning, ...],
    id: str | None,
    received_at: datetime | None,
) -> Lead:
    """The Lead `normalize_lead` makes of `raw` once it has read `fields` and `warnings`: also
    how another process rebuilds a lead it was sent (`matching/readings.py`)."""
    # Positional, in the order of Lead's fields: by keyword, the dataclass costs twice as much.
    return Lead(MappingProxyType(dict(raw)), MappingProxyType(fields), warnings, id, received_at)


def _reading_order(given: Iterable[str]) -> Iterable[str]:
    if "country" not in given and "state" not in given:
        return given
    return [*(f for f in _FIRST if f in given), *(f for f in given if f not in _FIRST)]


def _custom_by_key(custom: Iterable[str]) -> dict[str, str]:
    return {fold_key(name): name for name in custom if name not in STANDARD_FIELDS}


@lru_cache(maxsize=PLANS)
def _plan(keys: tuple[Any, ...], custom: tuple[tuple[str, FieldType], ...]) -> _Plan | None:
    """(raw key, field, reader, readings, by country) in reading order for leads with these keys;
    None if two keys name a field. The reader is None for list fields, whose raw value is read
    whole, not as text; `readings` remembers what the field's raw values gave (see the module
    docstring), per country too when the reader depends on it.

    CSV rows and form posts repeat the same keys lead after lead, so which key is which field, and
    the reading order, are worked out once per set of keys. When two keys name one field, which
    one wins depends on the values, and `_given_fields` decides lead by lead.
    """
    custom_by_key = _custom_by_key(name for name, _ in custom)
    kinds = dict(custom)
    key_of: dict[str, str] = {}
    for key in keys:
        if not isinstance(key, str):
            continue
        field = (custom_by_key and custom_by_key.get(fold_key(key))) or standard_field(key)
        if field is None:
            continue
        if field in key_of:
            return None
        key_of[field] = key
    return _plan_of(key_of, kinds)


def _given_plan(given: tuple[str, ...], custom: tuple[tuple[str, FieldType], ...]) -> _Plan:
    """The plan reading `_given_fields`, which are keyed by field already."""
    return _plan_of({field: field for field in given}, dict(custom))


def _plan_of(key_of: Mapping[str, Any], kinds: Mapping[str, FieldType]) -> _Plan:
    """The plan reading each field from its key, in reading order."""
    plan = []
    for field in _reading_order(key_of):
        kind = KINDS.get(field) or kinds[field]
        reader = None if kind is FieldType.LIST else reader_for(field, kind)
        readings = _readings.setdefault((field, reader), {}) if reader is not None else {}
        plan.append((key_of[field], field, reader, readings, reader in BY_COUNTRY))
    return tuple(plan)


def _given_fields(
    raw: Mapping[str, Any], custom_by_key: Mapping[str, str], warnings: list[DataWarning]
) -> dict[str, Any]:
    """Field -> raw value for every non-blank raw value of a known field; the first key wins."""
    given: dict[str, Any] = {}
    given_by: dict[str, str] = {}
    for key, value in raw.items():
        if isinstance(value, str):
            if not read_text(value)[0]:
                continue
        elif value is None or is_blank(value):
            continue
        if not isinstance(key, str):
            continue
        field = (custom_by_key and custom_by_key.get(fold_key(key))) or standard_field(key)
        if field is None:
            continue  # neither standard nor custom: kept in raw only
        if field not in given:
            given[field] = value
            given_by[field] = key
        elif given[field] != value:
            warnings.append(
                DataWarning(
                    field,
                    Reason.DATA_CORRECTED,
                    f"{label(field)} given twice ('{given_by[field]}' and '{key}'); "
                    f"used '{given_by[field]}'",
                    str(value),
                )
            )
    return given
