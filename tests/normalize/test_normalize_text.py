"""Free-text cleanup, placeholders, name case, folding and the categorical rule."""

from __future__ import annotations

import pytest

from leadrouter.normalize.text import category, clean, fix_name_case, fold, is_placeholder


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Acme   Ltd ", "Acme Ltd"),
        ("Acme\u200bLtd", "AcmeLtd"),
        ("\ufeffAcme", "Acme"),
        ("Ａｃｍｅ", "Acme"),  # fullwidth letters
        ("Acme\u00a0Ltd", "Acme Ltd"),
        ("Jose\u0301", "José"),  # combining accent composed
        ("line\nbreak\ttab", "line break tab"),
    ],
)
def test_clean__normalizes_unicode_and_collapses_whitespace(text: str, expected: str) -> None:
    assert clean(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "n/a",
        "N/A",
        "na",
        "none",
        "null",
        "-",
        "--",
        "?",
        "unknown",
        "test",
        "asdf",
        "xxx",
        "...",
    ],
)
def test_is_placeholder__knows_what_people_type_for_nothing(text: str) -> None:
    assert is_placeholder(text)


@pytest.mark.parametrize("text", ["Acme", "Testa", "x", "42", "Nadia"])
def test_is_placeholder__keeps_real_values(text: str) -> None:
    assert not is_placeholder(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("JO SMITH", "Jo Smith"),
        ("o'brien", "O'Brien"),
        ("mary-jane", "Mary-Jane"),
        ("McDonald", "McDonald"),
    ],
)
def test_fix_name_case__title_cases_only_all_caps_or_all_lower(text: str, expected: str) -> None:
    assert fix_name_case(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Demo Request", "demo_request"),
        ("demo-request", "demo_request"),
        ("DEMO__REQUEST ", "demo_request"),
    ],
)
def test_category__makes_one_form_of_a_categorical_value(text: str, expected: str) -> None:
    assert category(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("The Netherlands", "netherlands"), ("U.S.A.", "usa"), ("Côte d'Ivoire", "cote divoire")],
)
def test_fold__drops_case_accents_dots_and_a_leading_the(text: str, expected: str) -> None:
    assert fold(text) == expected
