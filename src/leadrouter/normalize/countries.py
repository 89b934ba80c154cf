"""Country names, codes and nicknames to ISO 3166-1 alpha-2.

Built once at import into a single dict keyed by folded text (see `text.fold`): every pycountry
name, official name, common name, alpha-2 and alpha-3 code, plus an alias table for what people
actually type ("USA", "UK", "Holland", "Deutschland", "UAE"). On a miss, a fuzzy match with a high
cutoff corrects typos ("Untied States"), and says so, so the caller can warn. This module must
never guess between two plausible countries: an ambiguous typo is a miss.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pycountry

from leadrouter.normalize.text import fold

# Names people use that pycountry does not carry: English short forms, native names, old names
# and abbreviations. Keys are folded on load, so case, accents and dots do not matter here.
_ALIASES: dict[str, str] = {
    "America": "US",
    "U.S.": "US",
    "U.S.A.": "US",
    "United States": "US",
    "United States of America": "US",
    "UK": "GB",
    "U.K.": "GB",
    "Great Britain": "GB",
    "Britain": "GB",
    "England": "GB",
    "Scotland": "GB",
    "Wales": "GB",
    "Northern Ireland": "GB",
    "Deutschland": "DE",
    "Germany": "DE",
    "Holland": "NL",
    "Nederland": "NL",
    "Czech Republic": "CZ",
    "Česko": "CZ",
    "South Korea": "KR",
    "Korea": "KR",
    "Republic of Korea": "KR",
    "North Korea": "KP",
    "Turkey": "TR",
    "Türkiye": "TR",
    "Brasil": "BR",
    "España": "ES",
    "Schweiz": "CH",
    "Suisse": "CH",
    "Svizzera": "CH",
    "Österreich": "AT",
    "Polska": "PL",
    "Nippon": "JP",
    "Nihon": "JP",
    "UAE": "AE",
    "U.A.E.": "AE",
    "Emirates": "AE",
    "KSA": "SA",
    "PRC": "CN",
    "Mainland China": "CN",
    "Russia": "RU",
    "Rossiya": "RU",
    "Россия": "RU",
    "Vietnam": "VN",
    "Taiwan": "TW",
    "Iran": "IR",
    "Syria": "SY",
    "Laos": "LA",
    "Moldova": "MD",
    "Tanzania": "TZ",
    "Venezuela": "VE",
    "Bolivia": "BO",
    "Macedonia": "MK",
    "Ivory Coast": "CI",
    "Cape Verde": "CV",
    "Swaziland": "SZ",
    "Burma": "MM",
    "Vatican": "VA",
    "Vatican City": "VA",
    "Palestine": "PS",
    "Macau": "MO",
    "Brunei": "BN",
    "Micronesia": "FM",
    "Sverige": "SE",
    "Norge": "NO",
    "Danmark": "DK",
    "Suomi": "FI",
    "Italia": "IT",
    "Belgique": "BE",
    "België": "BE",
    "Belgien": "BE",
    "Hellas": "GR",
    "Ελλάδα": "GR",
    "Magyarország": "HU",
    "România": "RO",
    "Éire": "IE",
    "Republic of Ireland": "IE",
    "México": "MX",
    "Perú": "PE",
    "Hrvatska": "HR",
    "Slovensko": "SK",
    "Slovenija": "SI",
    "Lietuva": "LT",
    "Latvija": "LV",
    "Eesti": "EE",
    "Bosnia": "BA",
    "Bosnia-Herzegovina": "BA",
    "Zhongguo": "CN",
    "中国": "CN",
    "日本": "JP",
    "한국": "KR",
    "Bharat": "IN",
    "Aotearoa": "NZ",
    "Frankreich": "FR",
    "Spanien": "ES",
    "Italien": "IT",
    "Niederlande": "NL",
    "Schweden": "SE",
    "Dänemark": "DK",
}

# Fuzzy matching is for typos of real names: queries shorter than this are too easy to confuse
# ("Iran"/"Oman"), and codes are never fuzzy targets. The score is optimal-string-alignment
# similarity, where swapped letters ("Frnace") count as one edit: one edit in five letters passes.
_FUZZY_MIN_LENGTH = 5
_FUZZY_CUTOFF = 0.79  # similarity in 0..1: one edit in five letters, two in ten
# A typo must be clearly closer to one country than to any other.
_FUZZY_MARGIN = 0.04


@dataclass(frozen=True, slots=True)
class CountryMatch:
    code: str  # ISO 3166-1 alpha-2
    corrected: bool  # found by fuzzy matching, not by an exact name, code or alias


def _build() -> dict[str, str]:
    table: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        for attr in ("alpha_3", "name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                table.setdefault(fold(value), code)
        # The alpha-2 code wins over any name that folds to the same two letters.
        table[fold(code)] = code
    for alias, code in _ALIASES.items():
        table[fold(alias)] = code
    return table


_BY_KEY: dict[str, str] = _build()
_FUZZY_CHOICES: tuple[str, ...] = tuple(k for k in _BY_KEY if len(k) >= _FUZZY_MIN_LENGTH - 1)
_NAMES: dict[str, str] = {c.alpha_2: getattr(c, "common_name", c.name) for c in pycountry.countries}


@lru_cache(maxsize=4096)
def match_country(text: str) -> CountryMatch | None:
    """The country `text` names, and whether a typo had to be corrected to find it."""
    key = fold(text)
    code = _BY_KEY.get(key)
    if code is not None:
        return CountryMatch(code, corrected=False)
    if len(key) < _FUZZY_MIN_LENGTH:
        return None
    # Imported here: only a name that is no country's spelling needs it, and `policy check`
    # or a clean lead stream should not pay rapidfuzz's import.
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    candidates = process.extract(
        key,
        _FUZZY_CHOICES,
        scorer=OSA.normalized_similarity,
        processor=None,
        limit=5,
        score_cutoff=_FUZZY_CUTOFF,
    )
    if not candidates:
        return None
    best_key, best_score, _ = candidates[0]
    best = _BY_KEY[best_key]
    for other_key, score, _ in candidates[1:]:
        if _BY_KEY[other_key] != best and best_score - score < _FUZZY_MARGIN:
            return None
    return CountryMatch(best, corrected=True)


def country_code(text: str) -> str | None:
    """ISO 3166-1 alpha-2 code for a country name, alias or code; None when unknown."""
    found = match_country(text)
    return found.code if found else None


def country_name(code: str) -> str:
    """The everyday English name of an alpha-2 code, for messages."""
    return _NAMES.get(code, code)
