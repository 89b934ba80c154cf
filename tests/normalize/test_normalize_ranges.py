"""Headcounts and revenues written as ranges, with units and currencies."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadrouter.model import NumberRange
from leadrouter.normalize import ranges
from leadrouter.normalize.ranges import USD_RATES, Unreadable, in_usd, parse_number, parse_range


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("1,000-5,000", 1000, 5000),
        ("1000 - 5000", 1000, 5000),
        ("5k", 5000, 5000),
        ("1000+", 1000, None),
        ("10,000+", 10000, None),
        ("<50", 0, 50),
        ("under 50", 0, 50),
        ("50 to 200", 50, 200),
        ("between 50 and 200", 50, 200),
        ("more than 500", 500, None),
        ("1.2 billion", 1.2e9, 1.2e9),
        ("ca. 500 employees", 500, 500),
        ("1 000 000", 1e6, 1e6),
        ("5000-1000", 1000, 5000),
        ("250", 250, 250),
    ],
)
def test_parse_range__reads_headcounts(text: str, low: float, high: float | None) -> None:
    assert parse_range(text, False) == NumberRange(low, high, None)


@pytest.mark.parametrize(
    ("text", "low", "high", "currency"),
    [
        ("$1M–$5M", 1e6, 5e6, "USD"),
        ("10-50M EUR", 10e6, 50e6, "EUR"),
        ("€2.5m", 2.5e6, 2.5e6, "EUR"),
        ("£500k+", 500e3, None, "GBP"),
        ("2,5 Mio CHF", 2.5e6, 2.5e6, "CHF"),
        ("US$ 10mm", 10e6, 10e6, "USD"),
        ("500k-5M", 500e3, 5e6, "USD"),
        ("5000000", 5e6, 5e6, "USD"),
    ],
)
def test_parse_range__reads_revenue_with_units_and_currencies(
    text: str, low: float, high: float | None, currency: str
) -> None:
    assert parse_range(text, True) == NumberRange(low, high, currency)


@pytest.mark.parametrize(
    ("text", "money", "why"),
    [
        ("10M XYZ", True, "'XYZ' is not a currency we convert"),
        ("$1M-€5M", True, "it mixes currencies (EUR, USD)"),
        ("$50", False, "a headcount cannot have a currency"),
        ("lots", False, "there is no number in it"),
        ("3 months", False, "it is not a number or a range we know how to read"),
        ("-5", False, "it is not a number or a range we know how to read"),
        ("1-2-3", False, "it is not a number or a range we know how to read"),
    ],
)
def test_parse_range__explains_what_it_cannot_read(text: str, money: bool, why: str) -> None:
    assert parse_range(text, money) == Unreadable(why)


@pytest.mark.parametrize(
    ("text", "value"),
    [("12,500", 12500), ("1.234,5", 1234.5), ("2,5", 2.5), ("1.000.000", 1e6), ("7.", 7)],
)
def test_parse_number__reads_thousands_separators_and_decimal_commas(
    text: str, value: float
) -> None:
    assert parse_number(text) == value


def test_in_usd__converts_at_the_documented_rate_to_whole_dollars() -> None:
    assert in_usd(NumberRange(10e6, None, "EUR")) == NumberRange(
        round(10e6 * USD_RATES["EUR"]), None, "USD"
    )


@given(
    st.integers(min_value=0, max_value=10**9),
    st.integers(min_value=0, max_value=10**9),
    st.sampled_from(["-", " - ", " to ", "–"]),
)
def test_parse_range__closed_ranges_have_ordered_bounds_and_the_midpoint(
    a: int, b: int, separator: str
) -> None:
    parsed = parse_range(f"{a:,}{separator}{b:,}", False)
    assert parsed == NumberRange(min(a, b), max(a, b), None)
    assert isinstance(parsed, NumberRange) and parsed.value == (a + b) / 2


@given(
    st.from_regex(
        r"(~|approx\.? ?|about |APPROX\. )?([$€£¥]|us\$|EUR )?[0-9][0-9,.]{0,8}"
        r"(k|K|m|M|mm|mn|b|bn|B|bil| m|x)?( employees| EUR|\.)?",
        fullmatch=True,
    ),
    st.booleans(),
)
def test_parse_range__plain_amounts_read_as_the_full_reading_reads_them(
    text: str, money: bool
) -> None:
    assert ranges._parse_range.__wrapped__(text, money) == ranges._read_range(
        ranges._SPACED_THOUSANDS.sub("", text.casefold()), money
    )
