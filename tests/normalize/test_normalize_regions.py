"""States and provinces to ISO 3166-2 codes."""

from __future__ import annotations

import pycountry
import pytest

from leadrouter.normalize.regions import _subdivisions, subdivision_code


@pytest.mark.parametrize(
    ("text", "country", "code"),
    [
        ("California", "US", "US-CA"),
        ("CA", "US", "US-CA"),
        ("Calif.", "US", "US-CA"),
        ("ca", "US", "US-CA"),
        ("N.Y.", "US", "US-NY"),
        ("Washington", "US", "US-WA"),
        ("Ontario", "CA", "CA-ON"),
        ("ON", "CA", "CA-ON"),
        ("Québec", "CA", "CA-QC"),
        ("Quebec", "CA", "CA-QC"),
        ("Bayern", "DE", "DE-BY"),
        ("Bavaria", "DE", "DE-BY"),
        ("Nordrhein-Westfalen", "DE", "DE-NW"),
        ("North Rhine-Westphalia", "DE", "DE-NW"),
        ("Zurich", "CH", "CH-ZH"),
        ("NSW", "AU", "AU-NSW"),
        ("England", "GB", "GB-ENG"),
        ("US-CA", "US", "US-CA"),
        ("us-ca", "US", "US-CA"),
    ],
)
def test_subdivision_code__reads_names_abbreviations_and_codes(
    text: str, country: str, code: str
) -> None:
    assert subdivision_code(text, country) == code


def test_subdivision_code__takes_a_full_code_without_a_country() -> None:
    assert subdivision_code("US-CA", None) == "US-CA"


def test_subdivision_code__takes_a_name_unique_in_the_world_without_a_country() -> None:
    assert subdivision_code("California", None) == "US-CA"


def test_subdivision_code__never_picks_a_country_for_a_bare_abbreviation() -> None:
    assert subdivision_code("CA", None) is None


def test_subdivision_code__rejects_a_code_of_another_country() -> None:
    assert subdivision_code("US-CA", "DE") is None


@pytest.mark.parametrize(("text", "country"), [("Narnia", "US"), ("Bavaria", "US"), ("", "US")])
def test_subdivision_code__is_none_for_unknown_states(text: str, country: str) -> None:
    assert subdivision_code(text, country) is None


def test_subdivisions__read_from_the_file_are_pycountrys_in_its_order() -> None:
    expected: dict[str, list[tuple[str, str]]] = {}
    for sub in sorted(pycountry.subdivisions, key=lambda sub: sub.parent_code is not None):
        expected.setdefault(sub.country_code, []).append((sub.code, sub.name))

    read = {country: [tuple(sub) for sub in subs] for country, subs in _subdivisions().items()}

    assert read == expected
