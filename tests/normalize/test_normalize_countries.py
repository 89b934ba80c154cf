"""Country names, codes and nicknames to ISO 3166-1 alpha-2, with typo correction."""

from __future__ import annotations

import pycountry
import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadrouter.normalize.countries import country_code, match_country


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("USA", "US"),
        ("U.S.", "US"),
        ("US", "US"),
        ("us", "US"),
        ("United States", "US"),
        ("United States of America", "US"),
        ("Deutschland", "DE"),
        ("Germany", "DE"),
        ("DEU", "DE"),
        ("UK", "GB"),
        ("Great Britain", "GB"),
        ("England", "GB"),
        ("United Kingdom", "GB"),
        ("Holland", "NL"),
        ("The Netherlands", "NL"),
        ("Czechia", "CZ"),
        ("Czech Republic", "CZ"),
        ("South Korea", "KR"),
        ("Korea, Republic of", "KR"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("Brasil", "BR"),
        ("España", "ES"),
        ("Espana", "ES"),
        ("Schweiz", "CH"),
        ("Österreich", "AT"),
        ("Polska", "PL"),
        ("Nippon", "JP"),
        ("UAE", "AE"),
        ("Côte d'Ivoire", "CI"),
        ("Ivory Coast", "CI"),
        ("Viet Nam", "VN"),
        ("Vietnam", "VN"),
        ("  france  ", "FR"),
    ],
)
def test_country_code__reads_names_aliases_and_codes(text: str, code: str) -> None:
    assert country_code(text) == code


@pytest.mark.parametrize(
    ("typo", "code"),
    [("Untied States", "US"), ("Germnay", "DE"), ("Frnace", "FR"), ("Swtzerland", "CH")],
)
def test_match_country__corrects_typos_and_says_so(typo: str, code: str) -> None:
    found = match_country(typo)
    assert found is not None and found.code == code and found.corrected


def test_match_country__exact_names_are_not_marked_corrected() -> None:
    found = match_country("Germany")
    assert found is not None and not found.corrected


@pytest.mark.parametrize("text", ["Nigera", "Jpan", "Europe", "EMEA", "Remote", "asdfgh", "xx", ""])
def test_country_code__is_none_for_unknown_short_or_ambiguous_text(text: str) -> None:
    # "Nigera" is one edit from both Nigeria and Niger: no guess between two countries.
    assert country_code(text) is None


def test_country_code__knows_every_pycountry_name_and_code() -> None:
    for country in pycountry.countries:
        assert country_code(country.name) == country.alpha_2
        assert country_code(country.alpha_3) == country.alpha_2
        assert country_code(country.alpha_2) == country.alpha_2


@given(st.text(max_size=30))
def test_country_code__is_idempotent_on_its_output(text: str) -> None:
    code = country_code(text)
    if code is not None:
        assert country_code(code) == code
