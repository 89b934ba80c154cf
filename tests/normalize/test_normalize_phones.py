"""Phone numbers to E.164."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadrouter.normalize import phones
from leadrouter.normalize.phones import e164


@pytest.mark.parametrize(
    ("text", "country", "expected"),
    [
        ("(415) 555-0100", "US", "+14155550100"),
        ("415.555.0100", "US", "+14155550100"),
        ("1-415-555-0100", "US", "+14155550100"),
        ("+1 415 555 0100", None, "+14155550100"),
        ("415-555-0100 x123", "US", "+14155550100"),
        ("030 1234567", "DE", "+49301234567"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("+44 20 7946 0958", "US", "+442079460958"),
        ("0044 20 7946 0958", "US", "+442079460958"),
        ("(613) 555-0199", "CA", "+16135550199"),
    ],
)
def test_e164__formats_national_and_international_numbers(
    text: str, country: str | None, expected: str
) -> None:
    assert e164(text, country) == expected


@pytest.mark.parametrize(
    ("text", "country"),
    [("123", "US"), ("abc", "US"), ("415 555 0100", None), ("+1 055 555", None)],
)
def test_e164__is_none_for_impossible_numbers_or_a_missing_country(
    text: str, country: str | None
) -> None:
    assert e164(text, country) is None


# No leading "00": that is the international prefix, tested above.
@given(st.from_regex(r"\+?1?[1-9][0-9]{9}", fullmatch=True), st.sampled_from(["US", "CA", None]))
def test_e164__north_american_shortcut_agrees_with_phonenumbers(
    digits: str, country: str | None
) -> None:
    try:
        number = phonenumbers.parse(digits, country)
        expected = (
            phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            if phonenumbers.is_possible_number(number)
            else None
        )
    except phonenumbers.NumberParseException:
        expected = None
    assert e164(digits, country) == expected


@given(
    st.from_regex(r"\+?1?[1-9][0-9]{9}(ext|x|X|EXT|#|xt|)[0-9]{0,22}", fullmatch=True),
    st.sampled_from(["US", "CA", None, "GB"]),
)
def test_e164__north_american_numbers_with_an_extension_agree_with_phonenumbers(
    digits: str, country: str | None
) -> None:
    assert e164(digits, country) == phones._parse(digits, country)
