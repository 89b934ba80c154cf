"""The standard fields and the raw keys that mean them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from leadrouter.model import FieldType
from leadrouter.normalize import STANDARD_FIELDS
from leadrouter.normalize.fields import standard_field

DOC = Path(__file__).parents[2] / "docs" / "policy-language.md"
TYPES = {"string": FieldType.STRING, "number": FieldType.NUMBER, "bool": FieldType.BOOL,
         "list": FieldType.LIST}  # fmt: skip


def _documented_fields() -> dict[str, FieldType]:
    table = DOC.read_text().split("### Lead fields", 1)[1]
    fields: dict[str, FieldType] = {}
    for row in re.findall(r"^\| (`.+?) \| (.+?) \|", table, flags=re.MULTILINE):
        names = re.findall(r"`(\w+)`", row[0])
        types = [t.strip() for t in row[1].split(",")]
        types = types if len(types) == len(names) else types[:1] * len(names)
        fields.update((name, TYPES[t]) for name, t in zip(names, types, strict=True))
    return fields


def test_standard_fields__are_exactly_the_documented_lead_fields() -> None:
    assert dict(STANDARD_FIELDS) == _documented_fields()


@pytest.mark.parametrize(
    ("key", "field"),
    [
        ("Company Name", "company"),
        ("company_name", "company"),
        ("organization", "company"),
        ("account", "company"),
        ("zip", "postal_code"),
        ("ZipCode", "postal_code"),
        ("postcode", "postal_code"),
        ("postal", "postal_code"),
        ("num_employees", "employees"),
        ("employee-count", "employees"),
        ("Company Size", "employees"),
        ("headcount", "employees"),
        ("annual_revenue", "revenue"),
        ("province", "state"),
        ("region", "state"),
        ("State/Province", "state"),
        ("mobile", "phone"),
        ("phone_number", "phone"),
        ("url", "website"),
        ("web", "website"),
        ("domain", "website"),
        ("lang", "language"),
        ("utm_source", "source"),
        ("Lead Source", "source"),
        ("E-Mail", "email"),
        ("FIRST NAME", "first_name"),
        ("postal_code", "postal_code"),
    ],
)
def test_standard_field__matches_keys_ignoring_case_and_punctuation_with_aliases(
    key: str, field: str
) -> None:
    assert standard_field(key) == field


@pytest.mark.parametrize("key", ["favourite_colour", "utm_campaign", ""])
def test_standard_field__is_none_for_unknown_keys(key: str) -> None:
    assert standard_field(key) is None
