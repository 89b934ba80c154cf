"""Reading one raw value of a lead's field: what it adds to the lead (fields, warnings).

The per-field readers behind `normalize_lead` (see `normalize.lead`): email and website domains,
phone in E.164, country, state and postal code in the country's light, employee and revenue
ranges, categories, languages, and custom fields coerced to their FieldType. A reader is pure:
what it adds depends only on the field, the raw text and, for phone, state and postal code, the
lead's country, which is why `normalize.lead` may remember readings per raw value. Never raises
for bad data: what it cannot read becomes a DataWarning worded for a RevOps person.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from leadrouter.model import DataWarning, FieldType, NumberRange, Reason
from leadrouter.normalize.countries import country_name, match_country
from leadrouter.normalize.domains import (
    FREE_MAIL,
    is_free_email_domain,
    is_own_domain,
    registrable_domain,
)
from leadrouter.normalize.fields import STANDARD_FIELDS
from leadrouter.normalize.languages import language_code
from leadrouter.normalize.phones import e164
from leadrouter.normalize.postal import postal_code
from leadrouter.normalize.ranges import USD_RATES, Unreadable, in_usd, parse_range
from leadrouter.normalize.regions import subdivision_code
from leadrouter.normalize.text import (
    LONGEST_PLACEHOLDER,
    category,
    clean,
    fix_name_case,
    is_placeholder,
    split_list,
)

_TRUE = frozenset({"yes", "y", "true", "t", "1", "on", "x", "checked"})
_FALSE = frozenset({"no", "n", "false", "f", "0", "off", "unchecked"})

_BOUNDS = {name: (f"{name}_min", f"{name}_max") for name in ("employees", "revenue")}

# What reading one raw value adds to a lead: fields set, fields set unless the lead has them
# already (a range's bounds yield to a raw bound column), and warnings. Shared between leads, so
# never mutated once made.
Reading = tuple[dict[str, Any], dict[str, Any], tuple[DataWarning, ...]]
_NOTHING: Reading = ({}, {}, ())


@lru_cache(maxsize=16384)
def read_text(value: str) -> tuple[str, bool]:
    """Cleaned text and whether it is a placeholder; cached, as columns repeat their values."""
    text = clean(value)
    return text, is_placeholder(text)


def _as_text(value: Any) -> str | None:
    """The value as cleaned text; None when it is not a scalar that has a text form."""
    if isinstance(value, str):
        return read_text(value)[0]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    return None


def is_blank(value: Any) -> bool:
    """True for None, NaN, an empty list, and text that is empty once cleaned."""
    if isinstance(value, str):
        return not read_text(value)[0]
    if isinstance(value, float):
        return math.isnan(value)  # what pandas and some CSV readers use for an empty cell
    if isinstance(value, list | tuple):
        return not value
    return False


def label(field: str) -> str:
    return field.replace("_", " ")


def _unreadable(field: str, text: str, why: str) -> DataWarning:
    return DataWarning(
        field, Reason.DATA_UNPARSEABLE, f"{label(field)} '{text}' {why}; kept as raw text", text
    )


def _not_a_phone(field: str, text: str, country: str | None) -> DataWarning:
    if country is None and not text.startswith(("+", "00")):
        return _unreadable(field, text, "has no country code and the lead has no country")
    return _unreadable(field, text, "is not a phone number")


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
            f"{label(field)} '{text}' is a placeholder; treated as missing",
            text,
        )

    def unreadable(self, field: str, text: str, why: str) -> None:
        self.warnings.append(_unreadable(field, text, why))

    def corrected(self, field: str, text: str, how: str) -> None:
        """The value was read, but not as written: the warning says how (`how`)."""
        self.warn(field, Reason.DATA_CORRECTED, f"{label(field)} '{text}' {how}", text)

    # ---------------------------------------------------------- standard fields

    def country(self, field: str, text: str) -> None:
        found = match_country(text)
        if found is None:
            self.unreadable(field, text, "is not a country we know")
            return
        if found.corrected:
            self.corrected(field, text, f"read as {country_name(found.code)} ({found.code})")
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
            self.corrected(field, text, f"read as '{found.code}' (leading zeros restored)")
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
            self.not_a_phone(field, text)
            return
        self.fields[field] = number

    def not_a_phone(self, field: str, text: str) -> None:
        self.warnings.append(_not_a_phone(field, text, self.lead_country))

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
            self.corrected(
                field,
                text,
                f"converted from {parsed.unit} to USD at "
                f"{USD_RATES[parsed.unit or 'USD']} USD per {parsed.unit} (approximate)",
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
            self.corrected(field, text, f"is a range; used {parsed.value:g}")
        self.fields[field] = parsed.value

    def plain_list(self, field: str, items: tuple[str, ...]) -> None:
        self.fields[field] = items

    def categorical_list(self, field: str, items: tuple[str, ...]) -> None:
        self.fields[field] = tuple(dict.fromkeys(category(item) for item in items))


Reader = Callable[[_Builder, str, str], None]
_ListReader = Callable[[_Builder, str, tuple[str, ...]], None]

_STANDARD_READERS: dict[str, Reader] = {
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
BY_COUNTRY: frozenset[Reader] = frozenset({_Builder.state, _Builder.postal_code, _Builder.phone})
_CUSTOM_READERS: dict[FieldType, Reader] = {
    FieldType.STRING: _Builder.plain_text,
    FieldType.NUMBER: _Builder.number,
    FieldType.BOOL: _Builder.flag,
    FieldType.DATETIME: _Builder.moment,
}
_LIST_READERS: dict[str, _ListReader] = {"product_interest": _Builder.categorical_list}
# Readers that only set the field to a function of its text, never warn: read without a builder.
_DIRECT: dict[Reader, Callable[[str], Any]] = {
    _Builder.person_name: fix_name_case,
    _Builder.plain_text: str,
    _Builder.categorical: category,
}
_NO_DEFAULTS: dict[str, Any] = {}  # shared by direct readings: never mutated
_NO_FIELDS: dict[str, Any] = {}  # the same, for a direct reading that sets no field
# An address as forms send it, "jo.smith@acme.com": nothing to unwrap ("mailto:", "<...>"), and a
# host of one name under one label that `registrable_domain` reads as it is written (the labels
# of its `_HOST`, nothing its `_host` strips), so only the suffix list decides (`is_own_domain`).
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_PLAIN_EMAIL = re.compile(rf"[a-z0-9._%+'-]+@({_LABEL}\.{_LABEL})")
# Readers of amounts, which read plain digits without a builder too.
_AMOUNTS = frozenset({_Builder.number, _Builder.employees, _Builder.revenue})
# Fields whose values are categories ("Demo Request" -> "demo_request"); the policy compiler
# writes the literals compared with them the same way.
CATEGORICAL_FIELDS: frozenset[str] = frozenset(
    field for field, reader in _STANDARD_READERS.items() if reader is _Builder.categorical
) | frozenset(_LIST_READERS)
KINDS: dict[str, FieldType] = dict(STANDARD_FIELDS)  # a plain dict: faster than the proxy


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


def read_text_value(reader: Reader, field: str, value: str, country: str | None) -> Reading:
    """What reading one raw text value of `field` adds to a lead of that country.

    Called when `normalize.lead` has no reading of the value remembered, so mostly for values
    never seen: the text is cleaned afresh rather than through `read_text`'s cache, which such
    values would only fill, and the readers that only set the field, plain whole amounts, phone
    numbers and plain email addresses give their reading directly (tests hold it equal to the
    builder's).
    """
    # `clean` and `is_placeholder` are called only when their answer is in doubt: a call costs
    # more than the tests that spare it, and most values pass them.
    text = value if value.isascii() and value.isprintable() and " " not in value else clean(value)
    if not text:
        return _NOTHING
    if reader in _AMOUNTS and text.isdigit() and text.isascii():
        # "1200", the commonest amount, never a placeholder: what `number` and `_range` make of it.
        amount = float(text)
        if reader is _Builder.number:
            return {field: amount}, _NO_DEFAULTS, ()
        low, high = _BOUNDS[field]
        return {field: amount}, {low: amount, high: amount}, ()
    if (len(text) <= LONGEST_PLACEHOLDER or not text[:1].isalnum()) and is_placeholder(text):
        reading = _Builder(country)
        reading.placeholder(field, text)
        return reading.reading()
    direct = _DIRECT.get(reader)
    if direct is not None:
        return {field: direct(text)}, _NO_DEFAULTS, ()
    if reader is _Builder.phone:
        number = e164(text, country)
        if number is not None:
            return {field: number}, _NO_DEFAULTS, ()
        return _NO_FIELDS, _NO_DEFAULTS, (_not_a_phone(field, text, country),)
    elif reader is _Builder.email and text.isascii():
        address = text.lower()  # what casefold gives ASCII
        plain = _PLAIN_EMAIL.fullmatch(address)
        if plain and is_own_domain(host := plain[1]):
            # Then `registrable_domain(host)` is `host`, so the address is its free-mail test.
            free = host in FREE_MAIL
            return {field: address, "email_domain": host, "free_email": free}, _NO_DEFAULTS, ()
    reading = _Builder(country)
    reader(reading, field, text)
    return reading.reading()


def read_value(
    field: str, value: Any, custom: Mapping[str, FieldType], country: str | None
) -> Reading:
    """What reading one non-blank raw value of `field`, whatever its type, adds to a lead."""
    kind = KINDS.get(field) or custom[field]
    reading = _Builder(country)
    if kind is FieldType.LIST:
        _read_list(reading, field, value)
        return reading.reading()
    if isinstance(value, str):
        text, placeholder = read_text(value)
    else:
        text = _as_text(value)
        placeholder = text is not None and is_placeholder(text)
    if text is None:
        reading.unreadable(field, str(value), "is not a single value")
    elif placeholder:
        reading.placeholder(field, text)
    else:
        reader_for(field, kind)(reading, field, text)
    return reading.reading()


def reader_for(field: str, kind: FieldType) -> Reader:
    return _STANDARD_READERS.get(field) or _CUSTOM_READERS[kind]


def _read_list(reading: _Builder, field: str, value: Any) -> None:
    items = _list_items(value)
    if items is None:
        reading.unreadable(field, str(value), "is not a list")
    elif not items:
        reading.warn(
            field,
            Reason.DATA_MISSING,
            f"{label(field)} '{value}' has no items; treated as missing",
            str(value),
        )
    else:
        _LIST_READERS.get(field, _Builder.plain_list)(reading, field, items)
