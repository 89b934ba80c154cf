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
bools accept yes/no/true/false/1/0/y/n/on/off, lists split on commas, semicolons and pipes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from leadrouter.model import EMPTY, DataWarning, FieldType, Lead, NumberRange, Reason
from leadrouter.normalize.countries import country_name, match_country
from leadrouter.normalize.domains import is_free_email_domain, registrable_domain
from leadrouter.normalize.fields import STANDARD_FIELDS, fold_key, standard_field
from leadrouter.normalize.languages import language_code
from leadrouter.normalize.phones import e164
from leadrouter.normalize.postal import postal_code
from leadrouter.normalize.ranges import USD_RATES, Unreadable, in_usd, parse_range
from leadrouter.normalize.regions import subdivision_code
from leadrouter.normalize.text import (
    category,
    clean,
    fix_name_case,
    is_placeholder,
    split_list,
)

_TRUE = frozenset({"yes", "y", "true", "t", "1", "on", "x", "checked"})
_FALSE = frozenset({"no", "n", "false", "f", "0", "off", "unchecked"})

_BOUNDS = {name: (f"{name}_min", f"{name}_max") for name in ("employees", "revenue")}

# Read before all other fields: phone, state and postal code are read in the country's light.
_FIRST = ("country", "state")
# Readings remembered per field and reader (distinct raw values, with the country where it
# matters); a unique column (email) fills its table once and is then read afresh each time.
READINGS_PER_FIELD = 2048
# Plans remembered, one per set of keys: a form posts one set, but a CRM or a CSV reader that
# leaves out empty fields sends many.
PLANS = 4096

# What reading one raw value adds to a lead: fields set, fields set unless the lead has them
# already (a range's bounds yield to a raw bound column), and warnings. Shared between leads, so
# never mutated once made.
Reading = tuple[dict[str, Any], dict[str, Any], tuple[DataWarning, ...]]
_NOTHING: Reading = ({}, {}, ())


@lru_cache(maxsize=16384)
def _read_text(value: str) -> tuple[str, bool]:
    """Cleaned text and whether it is a placeholder; cached, as columns repeat their values."""
    text = clean(value)
    return text, is_placeholder(text)


def _as_text(value: Any) -> str | None:
    """The value as cleaned text; None when it is not a scalar that has a text form."""
    if isinstance(value, str):
        return _read_text(value)[0]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    return None


def _is_blank(value: Any) -> bool:
    """True for None, NaN, an empty list, and text that is empty once cleaned."""
    if isinstance(value, str):
        return not _read_text(value)[0]
    if isinstance(value, float):
        return math.isnan(value)  # what pandas and some CSV readers use for an empty cell
    if isinstance(value, list | tuple):
        return not value
    return False


def _label(field: str) -> str:
    return field.replace("_", " ")


class _Builder:
    """What reading one raw value adds to a lead, while it is being read (see `Reading`).

    `lead_country` is the lead's country as read so far, the only other field a reader reads.
    """

    __slots__ = ("defaults", "fields", "lead_country", "warnings")

    def __init__(self, lead_country: str | None) -> None:
        self.lead_country = lead_country
        self.fields: dict[str, Any] = {}
        self.defaults: dict[str, Any] = {}
        self.warnings: list[DataWarning] = []

    def reading(self) -> Reading:
        return self.fields, self.defaults, tuple(self.warnings)

    def warn(self, field: str, code: Reason, message: str, raw: str | None) -> None:
        self.warnings.append(DataWarning(field, code, message, raw))

    def placeholder(self, field: str, text: str) -> None:
        self.warn(
            field,
            Reason.DATA_MISSING,
            f"{_label(field)} '{text}' is a placeholder; treated as missing",
            text,
        )

    def unreadable(self, field: str, text: str, why: str) -> None:
        self.warn(
            field,
            Reason.DATA_UNPARSEABLE,
            f"{_label(field)} '{text}' {why}; kept as raw text",
            text,
        )

    # ---------------------------------------------------------- standard fields

    def country(self, field: str, text: str) -> None:
        found = match_country(text)
        if found is None:
            self.unreadable(field, text, "is not a country we know")
            return
        if found.corrected:
            self.warn(
                field,
                Reason.DATA_CORRECTED,
                f"country '{text}' read as {country_name(found.code)} ({found.code})",
                text,
            )
        self.fields[field] = found.code

    def state(self, field: str, text: str) -> None:
        country = self.lead_country
        code = subdivision_code(text, country)
        if code is None:
            if country is None:
                why = "cannot be placed without a country"
            else:
                why = f"is not a state or province of {country_name(country)}"
            self.unreadable(field, text, why)
            return
        self.fields[field] = code
        if country is None:
            self.fields["country"] = code[:2]
            self.warn(
                "country",
                Reason.DATA_CORRECTED,
                f"country was missing; taken from state '{text}' as {code[:2]}",
                None,
            )

    def postal_code(self, field: str, text: str) -> None:
        country = self.lead_country
        found = postal_code(text, country)
        if found is None:
            name = country_name(country) if country else "known"
            self.unreadable(field, text, f"does not look like a {name} postal code")
            return
        if found.corrected:
            self.warn(
                field,
                Reason.DATA_CORRECTED,
                f"postal code '{text}' read as '{found.code}' (leading zeros restored)",
                text,
            )
        self.fields[field] = found.code

    def email(self, field: str, text: str) -> None:
        address = text.casefold().removeprefix("mailto:")
        if "<" in address:  # "Jo Smith <jo@acme.com>"
            address = address.rpartition("<")[2].rstrip(">").strip()
        local, at, host = address.partition("@")
        domain = registrable_domain(host) if at and local and " " not in address else None
        if domain is None or "@" in host:
            self.unreadable(field, text, "is not an email address")
            return
        self.fields[field] = address
        self.fields["email_domain"] = domain
        self.fields["free_email"] = is_free_email_domain(host)

    def email_domain(self, field: str, text: str) -> None:
        domain = registrable_domain(text)
        if domain is None:
            self.unreadable(field, text, "is not a domain")
            return
        self.defaults[field] = domain
        self.defaults["free_email"] = is_free_email_domain(domain)

    def website(self, field: str, text: str) -> None:
        domain = registrable_domain(text)
        if domain is None:
            self.unreadable(field, text, "has no domain we recognise")
            return
        self.fields[field] = text.replace(" ", "")
        self.fields["website_domain"] = domain

    def website_domain(self, field: str, text: str) -> None:
        domain = registrable_domain(text)
        if domain is None:
            self.unreadable(field, text, "is not a domain")
            return
        self.defaults[field] = domain

    def phone(self, field: str, text: str) -> None:
        country = self.lead_country
        number = e164(text, country)
        if number is None:
            if country is None and not text.startswith(("+", "00")):
                why = "has no country code and the lead has no country"
            else:
                why = "is not a phone number"
            self.unreadable(field, text, why)
            return
        self.fields[field] = number

    def person_name(self, field: str, text: str) -> None:
        self.fields[field] = fix_name_case(text)

    def plain_text(self, field: str, text: str) -> None:
        self.fields[field] = text

    def moment(self, field: str, text: str) -> None:
        """A custom `datetime` field: an ISO date or date-time (UTC when no zone is given), kept
        as seconds since the epoch, the way conditions compare times."""
        try:
            at = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        except ValueError:
            self.unreadable(field, text, "is not a date such as 2026-01-31 or 2026-01-31T09:00Z")
            return
        self.fields[field] = (at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp()

    def categorical(self, field: str, text: str) -> None:
        self.fields[field] = category(text)

    def language(self, field: str, text: str) -> None:
        code = language_code(text)
        if code is None:
            self.unreadable(field, text, "is not a language we know")
            return
        self.fields[field] = code

    def employees(self, field: str, text: str) -> None:
        self._range(field, text, money=False)

    def revenue(self, field: str, text: str) -> None:
        self._range(field, text, money=True)

    def _range(self, field: str, text: str, *, money: bool) -> None:
        parsed = parse_range(text, money)
        if isinstance(parsed, Unreadable):
            self.unreadable(field, text, f"cannot be read as an amount: {parsed.reason}")
            return
        if money and parsed.unit != "USD":
            self.warn(
                field,
                Reason.DATA_CORRECTED,
                f"{_label(field)} '{text}' converted from {parsed.unit} to USD at "
                f"{USD_RATES[parsed.unit or 'USD']} USD per {parsed.unit} (approximate)",
                text,
            )
            parsed = in_usd(parsed)
        self.set_range(field, parsed)

    def set_range(self, field: str, amount: NumberRange) -> None:
        """`field` = the range's value, `field_min`/`field_max` its bounds (a raw bound wins)."""
        low_field, high_field = _BOUNDS[field]
        self.fields[field] = amount.value
        self.defaults[low_field] = amount.low
        if amount.high is not None:
            self.defaults[high_field] = amount.high

    def bound(self, field: str, text: str) -> None:
        parsed = parse_range(text, field.startswith("revenue"))
        if isinstance(parsed, Unreadable):
            self.unreadable(field, text, f"cannot be read as a number: {parsed.reason}")
            return
        if parsed.unit not in (None, "USD"):
            parsed = in_usd(parsed)
        self.fields[field] = parsed.value

    def flag(self, field: str, text: str) -> None:
        folded = text.casefold()
        if folded in _TRUE:
            self.fields[field] = True
        elif folded in _FALSE:
            self.fields[field] = False
        else:
            self.unreadable(field, text, "is neither yes nor no")

    def number(self, field: str, text: str) -> None:
        parsed = parse_range(text, True)
        if isinstance(parsed, Unreadable):
            self.unreadable(field, text, f"is not a number: {parsed.reason}")
            return
        if parsed.high != parsed.low:
            self.warn(
                field,
                Reason.DATA_CORRECTED,
                f"{_label(field)} '{text}' is a range; used {parsed.value:g}",
                text,
            )
        self.fields[field] = parsed.value

    def plain_list(self, field: str, items: tuple[str, ...]) -> None:
        self.fields[field] = items

    def categorical_list(self, field: str, items: tuple[str, ...]) -> None:
        self.fields[field] = tuple(dict.fromkeys(category(item) for item in items))


def _add_names(fields: dict[str, Any]) -> None:
    """Fill `name` from first and last name, or split it into them when they are absent."""
    first, last = fields.get("first_name"), fields.get("last_name")
    name = fields.get("name")
    if name is None and (first or last):
        fields["name"] = " ".join(part for part in (first, last) if part)
    elif name is not None and first is None and last is None:
        if "," in name:  # "Smith, Jo"
            last, _, first = (part.strip() for part in name.partition(","))
        else:
            first, _, last = name.partition(" ")
        if first and last:
            fields["first_name"] = first
            fields["last_name"] = last


_Reader = Callable[[_Builder, str, str], None]
_ListReader = Callable[[_Builder, str, tuple[str, ...]], None]

_STANDARD_READERS: dict[str, _Reader] = {
    "email": _Builder.email,
    "email_domain": _Builder.email_domain,
    "free_email": _Builder.flag,
    "first_name": _Builder.person_name,
    "last_name": _Builder.person_name,
    "name": _Builder.person_name,
    "title": _Builder.plain_text,
    "company": _Builder.plain_text,
    "website": _Builder.website,
    "website_domain": _Builder.website_domain,
    "phone": _Builder.phone,
    "country": _Builder.country,
    "state": _Builder.state,
    "postal_code": _Builder.postal_code,
    "city": _Builder.person_name,
    "employees": _Builder.employees,
    "employees_min": _Builder.bound,
    "employees_max": _Builder.bound,
    "revenue": _Builder.revenue,
    "revenue_min": _Builder.bound,
    "revenue_max": _Builder.bound,
    "industry": _Builder.categorical,
    "source": _Builder.categorical,
    "form": _Builder.categorical,
    "language": _Builder.language,
    "lead_type": _Builder.categorical,
}
# The readers whose reading depends on the lead's country.
_BY_COUNTRY: frozenset[_Reader] = frozenset({_Builder.state, _Builder.postal_code, _Builder.phone})
_CUSTOM_READERS: dict[FieldType, _Reader] = {
    FieldType.STRING: _Builder.plain_text,
    FieldType.NUMBER: _Builder.number,
    FieldType.BOOL: _Builder.flag,
    FieldType.DATETIME: _Builder.moment,
}
_LIST_READERS: dict[str, _ListReader] = {"product_interest": _Builder.categorical_list}
# Fields whose values are categories ("Demo Request" -> "demo_request"); the policy compiler
# writes the literals compared with them the same way.
CATEGORICAL_FIELDS: frozenset[str] = frozenset(
    field for field, reader in _STANDARD_READERS.items() if reader is _Builder.categorical
) | frozenset(_LIST_READERS)
_KINDS: dict[str, FieldType] = dict(STANDARD_FIELDS)  # a plain dict: faster than the proxy

_Plan = tuple[tuple[str, str, _Reader | None, dict[Any, Reading], bool], ...]
# What each field's raw values gave, per (field, reader): shared by every plan reading that
# field, so leads with other sets of keys (a field left out when empty) still find them.
_readings: dict[tuple[str, _Reader], dict[Any, Reading]] = {}
# The keys, custom fields and plan of the last lead: CSV rows and form posts repeat them.
_last_plan: list[tuple[tuple[Any, ...], tuple[tuple[str, FieldType], ...], _Plan | None]] = [
    ((), (), None)
]


def _list_items(value: Any) -> tuple[str, ...] | None:
    """Items of a list given as a JSON array, a list, or separated text; None if neither."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                return split_list(text.strip("[]"))
        else:
            return split_list(text)
    if isinstance(value, list | tuple):
        items = (_as_text(item) for item in value)
        return tuple(item for item in items if item and not is_placeholder(item))
    text = _as_text(value)
    return None if text is None else split_list(text)


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
            memo_key = (value, fields.get("country")) if by_country else value
            reading = readings.get(memo_key)
            if reading is None:
                reading = _read_text_value(reader, field, value, fields.get("country"))
                if len(readings) < READINGS_PER_FIELD:
                    readings[memo_key] = reading
        elif value is not None and not _is_blank(value):
            reading = _read_value(field, value, custom, fields.get("country"))
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
    # Positional, in the order of Lead's fields: by keyword, the dataclass costs twice as much.
    return Lead(
        MappingProxyType(dict(raw)),  # raw
        MappingProxyType(fields),  # fields
        tuple(warnings),  # warnings
        id,
        received_at,
    )


def _read_text_value(reader: _Reader, field: str, value: str, country: str | None) -> Reading:
    """What reading one raw text value of `field` adds to a lead of that country."""
    text, placeholder = _read_text(value)
    if not text:
        return _NOTHING
    reading = _Builder(country)
    if placeholder:
        reading.placeholder(field, text)
    else:
        reader(reading, field, text)
    return reading.reading()


def _read_value(
    field: str, value: Any, custom: Mapping[str, FieldType], country: str | None
) -> Reading:
    """What reading one non-blank raw value of `field`, whatever its type, adds to a lead."""
    kind = _KINDS.get(field) or custom[field]
    reading = _Builder(country)
    if kind is FieldType.LIST:
        _read_list(reading, field, value)
        return reading.reading()
    if isinstance(value, str):
        text, placeholder = _read_text(value)
    else:
        text = _as_text(value)
        placeholder = text is not None and is_placeholder(text)
    if text is None:
        reading.unreadable(field, str(value), "is not a single value")
    elif placeholder:
        reading.placeholder(field, text)
    else:
        _reader(field, kind)(reading, field, text)
    return reading.reading()


def _reader(field: str, kind: FieldType) -> _Reader:
    return _STANDARD_READERS.get(field) or _CUSTOM_READERS[kind]


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
        kind = _KINDS.get(field) or kinds[field]
        reader = None if kind is FieldType.LIST else _reader(field, kind)
        readings = _readings.setdefault((field, reader), {}) if reader is not None else {}
        plan.append((key_of[field], field, reader, readings, reader in _BY_COUNTRY))
    return tuple(plan)


def _given_fields(
    raw: Mapping[str, Any], custom_by_key: Mapping[str, str], warnings: list[DataWarning]
) -> dict[str, Any]:
    """Field -> raw value for every non-blank raw value of a known field; the first key wins."""
    given: dict[str, Any] = {}
    given_by: dict[str, str] = {}
    for key, value in raw.items():
        if isinstance(value, str):
            if not _read_text(value)[0]:
                continue
        elif value is None or _is_blank(value):
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
                    f"{_label(field)} given twice ('{given_by[field]}' and '{key}'); "
                    f"used '{given_by[field]}'",
                    str(value),
                )
            )
    return given


def _read_list(reading: _Builder, field: str, value: Any) -> None:
    items = _list_items(value)
    if items is None:
        reading.unreadable(field, str(value), "is not a list")
    elif not items:
        reading.warn(
            field,
            Reason.DATA_MISSING,
            f"{_label(field)} '{value}' has no items; treated as missing",
            str(value),
        )
    else:
        _LIST_READERS.get(field, _Builder.plain_list)(reading, field, items)
