"""Language names, codes and locale tags to ISO 639-1 ("German", "Deutsch", "de-DE" -> "de").

Reps declare their languages as ISO 639-1 codes, so a lead's language must be one too. Built once,
at first use, from pycountry.languages (the 184 languages that have a two-letter code: their names,
alpha-3 and bibliographic codes) plus the languages' names for themselves. A locale tag is read
by its language part ("pt_BR" -> "pt"). This module must never return a code that is not ISO
639-1.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import pycountry

from leadrouter.normalize.text import fold

# Names of languages in themselves and everyday English names pycountry spells differently.
_ALIASES: dict[str, str] = {
    "Deutsch": "de",
    "Français": "fr",
    "Francais": "fr",
    "Español": "es",
    "Castellano": "es",
    "Português": "pt",
    "Italiano": "it",
    "Nederlands": "nl",
    "Dutch": "nl",
    "Flemish": "nl",
    "Vlaams": "nl",
    "Polski": "pl",
    "Svenska": "sv",
    "Norsk": "no",
    "Bokmål": "nb",
    "Dansk": "da",
    "Suomi": "fi",
    "Čeština": "cs",
    "Magyar": "hu",
    "Română": "ro",
    "Ελληνικά": "el",
    "Greek": "el",
    "Türkçe": "tr",
    "Русский": "ru",
    "Українська": "uk",
    "日本語": "ja",
    "中文": "zh",
    "Mandarin": "zh",
    "Cantonese": "zh",
    "한국어": "ko",
    "Farsi": "fa",
    "עברית": "he",
    "العربية": "ar",
    "हिन्दी": "hi",
    "Malay": "ms",
    "Bahasa": "id",
    "Bahasa Indonesia": "id",
    "Filipino": "tl",
    "Swahili": "sw",
    "Tiếng Việt": "vi",
}

# "de-DE", "pt_BR", "zh-Hant-TW": the language subtag comes first.
_LOCALE = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]{2,8})+$")


def _build() -> dict[str, str]:
    table: dict[str, str] = {}
    for language in pycountry.languages:
        code = getattr(language, "alpha_2", None)
        if code is None:
            continue
        for attr in ("alpha_3", "bibliographic", "name", "common_name", "inverted_name"):
            value = getattr(language, attr, None)
            if value:
                table.setdefault(fold(value), code)
        # "Modern Greek (1453-)", "Malay (macrolanguage)": also without the qualifier.
        table.setdefault(fold(language.name.split(" (")[0]), code)
        table[code] = code
    for alias, code in _ALIASES.items():
        table[fold(alias)] = code
    return table


# Built at the first lead that names a language, not at import: a CLI command that reads no
# lead (`policy check`, `--help`) does not pay for pycountry's 7,000 languages.
_by_key = cache(_build)


@lru_cache(maxsize=1024)
def language_code(text: str) -> str | None:
    """ISO 639-1 code of a language name, code or locale tag; None when unknown."""
    # "English (US)": the qualifier in brackets names a region, not the language.
    lowered = text.split("(", 1)[0].strip().casefold()
    locale = _LOCALE.match(lowered)
    if locale:
        lowered = locale.group(1)
    return _by_key().get(fold(lowered))
