"""normalize_lead: a raw lead to typed fields, with a warning for everything not taken as is."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadrouter.model import DataWarning, FieldType, Lead, Reason
from leadrouter.normalize import STANDARD_FIELDS, normalize_lead
from leadrouter.normalize.fields import fold_key, standard_field
from leadrouter.normalize.ranges import USD_RATES
from leadrouter.normalize.text import clean

PYTHON_TYPES = {FieldType.STRING: str, FieldType.NUMBER: float, FieldType.BOOL: bool,
                FieldType.LIST: tuple}  # fmt: skip


def fields_of(raw: Mapping[str, Any], custom: Mapping[str, FieldType] | None = None) -> dict:
    return dict(normalize_lead(raw, custom or {}).fields)


def warnings_of(raw: Mapping[str, Any]) -> list[tuple[str, Reason]]:
    return [(w.field, w.code) for w in normalize_lead(raw).warnings]


def test_normalize_lead__cleans_a_typical_dirty_lead() -> None:
    raw = {
        "Email": " Jo.Smith@Mail.Acme.co.uk ",
        "First Name": "JO",
        "last_name": "smith",
        "Company Name": "Acme  Ltd\u200b",
        "Country": "UK",
        "State/Province": "England",
        "zip": "sw1a1aa",
        "Phone Number": "020 7946 0958",
        "num_employees": "1,000-5,000",
        "Annual Revenue": "$10-50M",
        "Lead Source": "Google Ads",
        "lang": "en-GB",
        "Website": "https://www.acme.co.uk/about",
        "Industry": "FinTech",
        "Form": "Demo Request",
        "Products": "API; Data Warehouse|api",
    }
    lead = normalize_lead(raw)
    assert dict(lead.fields) == {
        "email": "jo.smith@mail.acme.co.uk",
        "email_domain": "acme.co.uk",
        "free_email": False,
        "first_name": "Jo",
        "last_name": "Smith",
        "name": "Jo Smith",
        "company": "Acme Ltd",
        "country": "GB",
        "state": "GB-ENG",
        "postal_code": "SW1A 1AA",
        "phone": "+442079460958",
        "employees": 3000.0,
        "employees_min": 1000.0,
        "employees_max": 5000.0,
        "revenue": 30e6,
        "revenue_min": 10e6,
        "revenue_max": 50e6,
        "source": "google_ads",
        "language": "en",
        "website": "https://www.acme.co.uk/about",
        "website_domain": "acme.co.uk",
        "industry": "fintech",
        "form": "demo_request",
        "product_interest": ("api", "data_warehouse"),
    }
    assert lead.warnings == ()


def test_normalize_lead__keeps_the_raw_lead_and_passes_id_and_time_through() -> None:
    raw = {"email": "jo@acme.com", "favourite colour": "teal"}
    at = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    lead = normalize_lead(raw, id="L-1", received_at=at)
    assert (dict(lead.raw), lead.id, lead.received_at) == (raw, "L-1", at)
    with pytest.raises(TypeError):
        lead.raw["email"] = "changed"  # type: ignore[index]


def test_normalize_lead__keeps_unknown_keys_in_raw_only_and_silently() -> None:
    lead = normalize_lead({"favourite colour": "teal", "utm_campaign": "spring"})
    assert (dict(lead.fields), lead.warnings) == ({}, ())


# ------------------------------------------------------------------ missing values


@pytest.mark.parametrize("value", ["", "   ", None, float("nan"), []])
def test_normalize_lead__treats_blank_values_as_missing_without_a_warning(value: Any) -> None:
    lead = normalize_lead({"company": value})
    assert (dict(lead.fields), lead.warnings) == ({}, ())


@pytest.mark.parametrize(
    "value", ["n/a", "N/A", "na", "none", "null", "-", "--", "?", "unknown", "test", "asdf", "xxx"]
)
def test_normalize_lead__treats_placeholders_as_missing_with_a_warning(value: str) -> None:
    lead = normalize_lead({"company": value})
    assert dict(lead.fields) == {}
    assert lead.warnings == (
        DataWarning(
            "company",
            Reason.DATA_MISSING,
            f"company '{value}' is a placeholder; treated as missing",
            value,
        ),
    )


# ------------------------------------------------------------------ country, state, postal code


def test_normalize_lead__corrects_a_country_typo_with_a_warning() -> None:
    lead = normalize_lead({"country": "Untied States"})
    assert lead.fields["country"] == "US"
    assert lead.warnings == (
        DataWarning(
            "country",
            Reason.DATA_CORRECTED,
            "country 'Untied States' read as United States (US)",
            "Untied States",
        ),
    )


def test_normalize_lead__leaves_an_unknown_country_out_and_says_why() -> None:
    lead = normalize_lead({"country": "Narnia"})
    assert "country" not in lead.fields
    assert lead.raw["country"] == "Narnia"
    assert lead.warnings == (
        DataWarning(
            "country",
            Reason.DATA_UNPARSEABLE,
            "country 'Narnia' is not a country we know; kept as raw text",
            "Narnia",
        ),
    )


def test_normalize_lead__reads_the_state_within_the_country_whatever_the_key_order() -> None:
    assert fields_of({"state": "ON", "country": "Canada"})["state"] == "CA-ON"
    assert fields_of({"state": "ON", "country": "Canada"})["country"] == "CA"


def test_normalize_lead__takes_a_missing_country_from_an_unambiguous_state() -> None:
    lead = normalize_lead({"state": "California"})
    assert (lead.fields["state"], lead.fields["country"]) == ("US-CA", "US")
    assert [(w.field, w.code) for w in lead.warnings] == [("country", Reason.DATA_CORRECTED)]


def test_normalize_lead__warns_when_a_state_abbreviation_has_no_country() -> None:
    lead = normalize_lead({"state": "CA"})
    assert "state" not in lead.fields
    assert lead.warnings[0].message == (
        "state 'CA' cannot be placed without a country; kept as raw text"
    )


def test_normalize_lead__warns_for_a_state_of_another_country() -> None:
    lead = normalize_lead({"country": "DE", "state": "Texas"})
    assert lead.warnings[0].message == (
        "state 'Texas' is not a state or province of Germany; kept as raw text"
    )


@pytest.mark.parametrize(
    ("country", "given", "expected"),
    [
        ("US", "94105-1234", "94105"),
        ("GB", "sw1a1aa", "SW1A 1AA"),
        ("CA", "k1a0b1", "K1A 0B1"),
        ("NL", "1234ab", "1234 AB"),
        ("DE", "10115", "10115"),
        ("US", "02134", "02134"),
    ],
)
def test_normalize_lead__writes_postal_codes_per_country(
    country: str, given: str, expected: str
) -> None:
    assert fields_of({"country": country, "zip": given})["postal_code"] == expected


@pytest.mark.parametrize("given", ["2134", 2134, 2134.0])
def test_normalize_lead__restores_a_zip_codes_lost_leading_zero_with_a_warning(given: Any) -> None:
    lead = normalize_lead({"country": "US", "zip": given})
    assert lead.fields["postal_code"] == "02134"
    assert warnings_of({"country": "US", "zip": given}) == [("postal_code", Reason.DATA_CORRECTED)]


def test_normalize_lead__rejects_a_postal_code_that_breaks_the_country_pattern() -> None:
    lead = normalize_lead({"country": "US", "zip": "ABCDE"})
    assert "postal_code" not in lead.fields
    assert lead.warnings[0].message == (
        "postal code 'ABCDE' does not look like a United States postal code; kept as raw text"
    )


# ------------------------------------------------------------------ email, website, phone


@pytest.mark.parametrize(
    ("given", "email", "domain"),
    [
        (" Jo@Acme.COM ", "jo@acme.com", "acme.com"),
        ("Jo Smith <jo@sub.acme.de>", "jo@sub.acme.de", "acme.de"),
        ("mailto:jo@acme.io", "jo@acme.io", "acme.io"),
    ],
)
def test_normalize_lead__lowercases_emails_and_takes_their_registrable_domain(
    given: str, email: str, domain: str
) -> None:
    fields = fields_of({"email": given})
    assert (fields["email"], fields["email_domain"], fields["free_email"]) == (email, domain, False)


def test_normalize_lead__flags_free_mail() -> None:
    assert fields_of({"email": "jo@gmx.de"})["free_email"] is True


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("n/a", Reason.DATA_MISSING),
        ("test", Reason.DATA_MISSING),
        ("asdf@", Reason.DATA_UNPARSEABLE),
        ("jo at acme.com", Reason.DATA_UNPARSEABLE),
        ("jo@@acme.com", Reason.DATA_UNPARSEABLE),
        ("jo@localhost", Reason.DATA_UNPARSEABLE),
    ],
)
def test_normalize_lead__does_not_keep_an_email_that_is_not_one(given: str, code: Reason) -> None:
    lead = normalize_lead({"email": given})
    assert not {"email", "email_domain", "free_email"} & set(lead.fields)
    assert [(w.field, w.code) for w in lead.warnings] == [("email", code)]


def test_normalize_lead__keeps_the_website_and_its_domain() -> None:
    fields = fields_of({"url": "https://www.Acme.com/about"})
    assert (fields["website"], fields["website_domain"]) == (
        "https://www.Acme.com/about",
        "acme.com",
    )


def test_normalize_lead__formats_phones_in_the_leads_country() -> None:
    assert fields_of({"country": "DE", "mobile": "030 1234567"})["phone"] == "+49301234567"
    assert fields_of({"country": "US", "phone": "(415) 555-0100"})["phone"] == "+14155550100"


def test_normalize_lead__warns_for_a_national_phone_number_without_a_country() -> None:
    lead = normalize_lead({"phone": "415 555 0100"})
    assert "phone" not in lead.fields
    assert lead.warnings[0].message == (
        "phone '415 555 0100' has no country code and the lead has no country; kept as raw text"
    )


def test_normalize_lead__warns_for_a_phone_that_is_not_a_number() -> None:
    assert warnings_of({"country": "US", "phone": "call me"}) == [
        ("phone", Reason.DATA_UNPARSEABLE)
    ]


# ------------------------------------------------------------------ ranges


@pytest.mark.parametrize(
    ("given", "fields"),
    [
        ("1,000-5,000", {"employees": 3000.0, "employees_min": 1000.0, "employees_max": 5000.0}),
        ("1000+", {"employees": 1000.0, "employees_min": 1000.0}),
        ("<50", {"employees": 25.0, "employees_min": 0.0, "employees_max": 50.0}),
        ("5k", {"employees": 5000.0, "employees_min": 5000.0, "employees_max": 5000.0}),
        (250, {"employees": 250.0, "employees_min": 250.0, "employees_max": 250.0}),
        (12.5, {"employees": 12.5, "employees_min": 12.5, "employees_max": 12.5}),
    ],
)
def test_normalize_lead__flattens_headcount_ranges(given: Any, fields: dict[str, float]) -> None:
    assert fields_of({"headcount": given}) == fields


def test_normalize_lead__converts_revenue_to_usd_and_names_the_currency() -> None:
    lead = normalize_lead({"annual_revenue": "10-50M EUR"})
    rate = USD_RATES["EUR"]
    assert (lead.fields["revenue_min"], lead.fields["revenue_max"]) == (11_600_000, 58_000_000)
    assert lead.warnings == (
        DataWarning(
            "revenue",
            Reason.DATA_CORRECTED,
            f"revenue '10-50M EUR' converted from EUR to USD at {rate} USD per EUR (approximate)",
            "10-50M EUR",
        ),
    )


def test_normalize_lead__warns_for_an_unknown_currency() -> None:
    lead = normalize_lead({"revenue": "10M XYZ"})
    assert "revenue" not in lead.fields
    assert lead.warnings[0].message == (
        "revenue '10M XYZ' cannot be read as an amount: 'XYZ' is not a currency we convert;"
        " kept as raw text"
    )


# ------------------------------------------------------------------ text, names, categories


def test_normalize_lead__derives_the_full_name_from_first_and_last() -> None:
    assert fields_of({"first_name": "ANA", "last_name": "souza"})["name"] == "Ana Souza"


@pytest.mark.parametrize(
    ("given", "first", "last"),
    [
        ("jo smith", "Jo", "Smith"),
        ("Smith, Jo", "Jo", "Smith"),
        ("Ana de la Cruz", "Ana", "de la Cruz"),
    ],
)
def test_normalize_lead__splits_a_full_name_when_first_and_last_are_absent(
    given: str, first: str, last: str
) -> None:
    fields = fields_of({"Full Name": given})
    assert (fields["first_name"], fields["last_name"]) == (first, last)


def test_normalize_lead__does_not_split_a_single_word_name() -> None:
    assert fields_of({"name": "Madonna"}) == {"name": "Madonna"}


def test_normalize_lead__keeps_the_case_of_titles_and_companies() -> None:
    fields = fields_of({"title": "VP of Sales", "company": "ACME GmbH", "city": "SAN FRANCISCO"})
    assert fields == {"title": "VP of Sales", "company": "ACME GmbH", "city": "San Francisco"}


@pytest.mark.parametrize("given", ["Demo Request", "demo-request", " DEMO_REQUEST "])
def test_normalize_lead__writes_categorical_values_one_way(given: str) -> None:
    assert fields_of({"form": given})["form"] == "demo_request"


@pytest.mark.parametrize(("given", "code"), [("German", "de"), ("Deutsch", "de"), ("de-DE", "de")])
def test_normalize_lead__reads_the_language_as_iso_639_1(given: str, code: str) -> None:
    assert fields_of({"lang": given})["language"] == code


@pytest.mark.parametrize(
    "given", ["API, Analytics", "api;analytics", "API | Analytics", '["API", "analytics"]',
              ["API", "Analytics"]],
)  # fmt: skip
def test_normalize_lead__reads_product_interest_as_a_list(given: Any) -> None:
    assert fields_of({"product_interest": given})["product_interest"] == ("api", "analytics")


# ------------------------------------------------------------------ keys


def test_normalize_lead__warns_when_two_keys_give_one_field_different_values() -> None:
    lead = normalize_lead({"zip": "94105", "postcode": "10001", "country": "US"})
    assert lead.fields["postal_code"] == "94105"
    assert lead.warnings[0].message == "postal code given twice ('zip' and 'postcode'); used 'zip'"


def test_normalize_lead__takes_the_first_non_blank_of_two_keys_for_one_field() -> None:
    assert fields_of({"company": "", "organization": "Acme"}) == {"company": "Acme"}


def test_normalize_lead__reads_each_lead_on_its_own_when_leads_share_their_keys() -> None:
    first = {"State": "CA", "Company": "Acme", "Country": "US"}
    second = {"State": "Bavaria", "Company": " ", "Country": "Germany"}

    assert fields_of(first) == {"state": "US-CA", "company": "Acme", "country": "US"}
    assert fields_of(second) == {"state": "DE-BY", "country": "DE"}
    assert fields_of(first) == {"state": "US-CA", "company": "Acme", "country": "US"}


def test_normalize_lead__reads_a_value_alike_whatever_keys_come_with_it() -> None:
    """What a field's values gave is remembered per field, for leads of every set of keys; a
    value read in a country's light is remembered per country."""
    us = fields_of({"Phone": "(415) 555-0100", "Country": "US"})
    assert fields_of({"company": "Acme", "phone": "(415) 555-0100", "country": "usa"}) == {
        **us,
        "company": "Acme",
    }
    german = fields_of({"country": "Germany", "Phone": "(415) 555-0100", "Company": "Acme"})
    assert german["phone"] != us["phone"]


def test_normalize_lead__maps_the_same_keys_by_the_custom_fields_given_with_each_lead() -> None:
    raw = {"Deal Size": "12,500", "Company": "Acme"}

    assert fields_of(raw) == {"company": "Acme"}
    assert fields_of(raw, {"deal_size": FieldType.NUMBER}) == {
        "deal_size": 12500,
        "company": "Acme",
    }
    assert fields_of(raw, {"deal_size": FieldType.STRING})["deal_size"] == "12,500"


# ------------------------------------------------------------------ custom fields


CUSTOM = {
    "estimated_value": FieldType.NUMBER,
    "is_partner": FieldType.BOOL,
    "tags": FieldType.LIST,
    "plan": FieldType.STRING,
}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"Estimated Value": "12,500"}, {"estimated_value": 12500.0}),
        ({"estimated-value": "$12.5k"}, {"estimated_value": 12500.0}),
        ({"estimated_value": 7}, {"estimated_value": 7.0}),
        ({"IS_PARTNER": "yes"}, {"is_partner": True}),
        ({"is partner": "0"}, {"is_partner": False}),
        ({"is_partner": True}, {"is_partner": True}),
        ({"tags": "a, b;c"}, {"tags": ("a", "b", "c")}),
        ({"plan": "  Pro  Plus "}, {"plan": "Pro Plus"}),
    ],
)
def test_normalize_lead__coerces_custom_fields_to_their_type(
    raw: dict[str, Any], expected: dict[str, Any]
) -> None:
    assert fields_of(raw, CUSTOM) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            {"estimated_value": "lots"},
            "estimated value 'lots' is not a number: there is no number in it; kept as raw text",
        ),
        ({"is_partner": "maybe"}, "is partner 'maybe' is neither yes nor no; kept as raw text"),
    ],
)
def test_normalize_lead__warns_when_a_custom_field_cannot_be_coerced(
    raw: dict[str, Any], message: str
) -> None:
    lead = normalize_lead(raw, CUSTOM)
    assert dict(lead.fields) == {}
    assert [(w.code, w.message) for w in lead.warnings] == [(Reason.DATA_UNPARSEABLE, message)]


def test_normalize_lead__reads_a_range_in_a_custom_number_as_its_midpoint_with_a_warning() -> None:
    lead = normalize_lead({"estimated_value": "10k-20k"}, CUSTOM)
    assert lead.fields["estimated_value"] == 15000.0
    assert [(w.field, w.code) for w in lead.warnings] == [
        ("estimated_value", Reason.DATA_CORRECTED)
    ]


def test_normalize_lead__leaves_custom_keys_unknown_without_their_declaration() -> None:
    assert fields_of({"estimated_value": "12,500"}) == {}


# ------------------------------------------------------------------ invariants

KNOWN_KEYS = [
    "email", "E-Mail", "first_name", "Last Name", "name", "title", "company", "website",
    "phone", "country", "state", "zip", "city", "employees", "employees_max", "revenue",
    "revenue_min", "industry", "source", "form", "language", "lead_type", "product_interest",
    "email_domain", "free_email", "website_domain", "estimated_value", "is_partner", "tags",
]  # fmt: skip
VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["n/a", "-", "1,000-5,000", "Untied States", "US", "CA", "jo@acme.com",
                     "$1M–$5M", "10M XYZ", "yes", "+1 415 555 0100", "sw1a1aa", "[1, 2"]),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.lists(st.text(max_size=10), max_size=3),
    st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2),
)  # fmt: skip
RAW_LEADS = st.dictionaries(st.one_of(st.sampled_from(KNOWN_KEYS), st.text(max_size=15)), VALUES)


def _blank(value: Any) -> bool:
    if isinstance(value, str):
        return not clean(value)
    return value is None or value == [] or (isinstance(value, float) and value != value)


@settings(max_examples=300, deadline=None)
@given(RAW_LEADS)
def test_normalize_lead__never_raises_and_gives_only_typed_values(raw: dict[str, Any]) -> None:
    lead = normalize_lead(raw, CUSTOM)
    assert isinstance(lead, Lead)
    for name, value in lead.fields.items():
        kind = STANDARD_FIELDS.get(name) or CUSTOM[name]
        assert isinstance(value, PYTHON_TYPES[kind]), (name, value)
        if kind is FieldType.LIST:
            assert all(isinstance(item, str) and item for item in value)


@settings(max_examples=300, deadline=None)
@given(RAW_LEADS)
def test_normalize_lead__accounts_for_every_raw_key(raw: dict[str, Any]) -> None:
    lead = normalize_lead(raw, CUSTOM)
    warned = {w.field for w in lead.warnings}
    custom_keys = {fold_key(name): name for name in CUSTOM}
    for key, value in raw.items():
        field = custom_keys.get(fold_key(key)) or standard_field(key)
        if field is None or _blank(value):
            continue  # unknown keys and blank values live in raw only
        assert field in lead.fields or field in warned, (key, value)
