"""Language names, codes and locale tags to ISO 639-1."""

from __future__ import annotations

import pytest

from leadrouter.normalize.languages import language_code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("German", "de"),
        ("Deutsch", "de"),
        ("de-DE", "de"),
        ("de", "de"),
        ("DE", "de"),
        ("ger", "de"),
        ("deu", "de"),
        ("pt_BR", "pt"),
        ("English (US)", "en"),
        ("en-us", "en"),
        ("zh-Hant-TW", "zh"),
        ("Français", "fr"),
        ("Español", "es"),
        ("Greek", "el"),
        ("Mandarin", "zh"),
        ("日本語", "ja"),
    ],
)
def test_language_code__reads_names_native_names_codes_and_locales(text: str, code: str) -> None:
    assert language_code(text) == code


@pytest.mark.parametrize("text", ["Klingon", "Ghotuo", "xx-YY", ""])
def test_language_code__is_none_without_an_iso_639_1_code(text: str) -> None:
    # Ghotuo is a real language with only an alpha-3 code: reps could never declare it.
    assert language_code(text) is None
