"""Postal codes in each country's canonical form."""

from __future__ import annotations

import pytest

from leadrouter.normalize.postal import PostalCode, postal_code


@pytest.mark.parametrize(
    ("text", "country", "code"),
    [
        ("94105", "US", "94105"),
        ("94105-1234", "US", "94105"),
        ("941051234", "US", "94105"),
        ("02134", "US", "02134"),
        ("sw1a1aa", "GB", "SW1A 1AA"),
        ("SW1A  1AA", "GB", "SW1A 1AA"),
        ("m1 1ae", "GB", "M1 1AE"),
        ("k1a0b1", "CA", "K1A 0B1"),
        ("K1A-0B1", "CA", "K1A 0B1"),
        ("1234ab", "NL", "1234 AB"),
        ("1234 AB", "NL", "1234 AB"),
        ("10115", "DE", "10115"),
        ("1010", "AT", "1010"),
        ("11455", "SE", "114 55"),
        ("00950", "PL", "00-950"),
        ("1000001", "JP", "100-0001"),
        ("75 008", "FR", "75008"),
        ("  ab12 3cd ", None, "AB12 3CD"),
        ("560001", "XX", "560001"),
    ],
)
def test_postal_code__writes_each_country_one_way(
    text: str, country: str | None, code: str
) -> None:
    assert postal_code(text, country) == PostalCode(code, corrected=False)


@pytest.mark.parametrize(
    ("text", "country", "code"), [("2134", "US", "02134"), ("1067", "DE", "01067")]
)
def test_postal_code__restores_leading_zeros_a_spreadsheet_ate(
    text: str, country: str, code: str
) -> None:
    assert postal_code(text, country) == PostalCode(code, corrected=True)


@pytest.mark.parametrize(
    ("text", "country"), [("ABCDE", "US"), ("12", "US"), ("123456", "DE"), ("12345", "GB")]
)
def test_postal_code__rejects_codes_that_break_the_country_pattern(text: str, country: str) -> None:
    assert postal_code(text, country) is None
