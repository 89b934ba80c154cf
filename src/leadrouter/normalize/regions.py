"""States, provinces and other subdivisions to ISO 3166-2 codes ("California" -> "US-CA").

Built once, at first use, from pycountry.subdivisions, per country: the code's own suffix
("CA"), the full code ("US-CA"), every name, and an alias table for English names of
local-language entries ("Bavaria" for "Bayern") and postal abbreviations ("Calif."). Top-level
subdivisions win over lower levels when two fold to the same key. Without a country only a full
code or a name that exists in exactly one country is accepted: this module must never pick a
country for "CA".
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache, lru_cache

import pycountry

from leadrouter.normalize.text import fold

# What people type that pycountry does not carry, by subdivision code.
_ALIASES: dict[str, tuple[str, ...]] = {
    # AP style and other traditional US abbreviations; two-letter codes come from pycountry.
    "US-AL": ("Ala.",),
    "US-AZ": ("Ariz.",),
    "US-AR": ("Ark.",),
    "US-CA": ("Calif.", "Cal."),
    "US-CO": ("Colo.",),
    "US-CT": ("Conn.",),
    "US-DE": ("Del.",),
    "US-DC": ("D.C.", "Washington DC", "Washington D.C."),
    "US-FL": ("Fla.",),
    "US-GA": ("Ga.",),
    "US-IL": ("Ill.",),
    "US-IN": ("Ind.",),
    "US-KS": ("Kan.", "Kans."),
    "US-KY": ("Ky.",),
    "US-LA": ("La.",),
    "US-MD": ("Md.",),
    "US-MA": ("Mass.",),
    "US-MI": ("Mich.",),
    "US-MN": ("Minn.",),
    "US-MS": ("Miss.",),
    "US-MO": ("Mo.",),
    "US-MT": ("Mont.",),
    "US-NE": ("Neb.", "Nebr."),
    "US-NV": ("Nev.",),
    "US-OK": ("Okla.",),
    "US-OR": ("Ore.", "Oreg."),
    "US-PA": ("Pa.", "Penn.", "Penna."),
    "US-TN": ("Tenn.",),
    "US-TX": ("Tex.",),
    "US-VT": ("Vt.",),
    "US-VA": ("Va.",),
    "US-WA": ("Wash.",),
    "US-WV": ("W.Va.", "W. Va."),
    "US-WI": ("Wis.", "Wisc."),
    "US-WY": ("Wyo.",),
    "CA-QC": ("Que.", "PQ", "Québec"),
    "CA-ON": ("Ont.",),
    "CA-NL": ("Nfld.", "Newfoundland", "NF"),
    "CA-NT": ("NWT",),
    "CA-PE": ("PEI",),
    "CA-SK": ("Sask.",),
    "CA-AB": ("Alta.",),
    "CA-MB": ("Man.",),
    "CA-YT": ("Yukon Territory", "YK"),
    "DE-BY": ("Bavaria",),
    "DE-NI": ("Lower Saxony",),
    "DE-NW": ("North Rhine-Westphalia", "NRW"),
    "DE-RP": ("Rhineland-Palatinate",),
    "DE-SN": ("Saxony",),
    "DE-ST": ("Saxony-Anhalt",),
    "DE-TH": ("Thuringia",),
    "DE-HE": ("Hesse",),
    "DE-MV": ("Mecklenburg-Western Pomerania", "Mecklenburg-West Pomerania"),
    "AT-9": ("Vienna",),
    "AT-3": ("Lower Austria",),
    "AT-4": ("Upper Austria",),
    "AT-7": ("Tyrol",),
    "AT-2": ("Carinthia",),
    "AT-6": ("Styria",),
    "CH-GE": ("Geneva",),
    "CH-BE": ("Berne",),
    "CH-LU": ("Lucerne",),
    "CH-GR": ("Grisons",),
    "CH-TI": ("Ticino",),
    "CH-VD": ("Vaud",),
    "AU-NSW": ("N.S.W.",),
    "AU-TAS": ("Tas.",),
    "AU-VIC": ("Vic.",),
    "AU-QLD": ("Qld.",),
}


def _names(name: str) -> tuple[str, ...]:
    # Some names carry an alternative in brackets: "Pembrokeshire [Sir Benfro GB-BNF]".
    if "[" not in name:
        return (name,)
    main, _, rest = name.partition("[")
    alternative = rest.rstrip("]").rsplit(" ", 1)[0]
    return (main.strip(), alternative.strip())


def _build() -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    by_country: dict[str, dict[str, str]] = defaultdict(dict)
    everywhere: dict[str, set[str]] = defaultdict(set)
    # Top-level subdivisions first, so that "setdefault" lets them win over lower levels.
    ordered = sorted(pycountry.subdivisions, key=lambda s: s.parent_code is not None)
    for sub in ordered:
        table = by_country[sub.country_code]
        table.setdefault(fold(sub.code), sub.code)
        table.setdefault(fold(sub.code.split("-", 1)[1]), sub.code)
    for sub in ordered:
        for name in _names(sub.name):
            by_country[sub.country_code].setdefault(fold(name), sub.code)
            everywhere[fold(name)].add(sub.code)
    for code, aliases in _ALIASES.items():
        for alias in aliases:
            by_country[code[:2]][fold(alias)] = code
            everywhere[fold(alias)].add(code)
    unique = {key: next(iter(codes)) for key, codes in everywhere.items() if len(codes) == 1}
    return dict(by_country), unique


@cache
def _tables() -> tuple[dict[str, dict[str, str]], dict[str, str], frozenset[str]]:
    """The tables, built at the first state read, not at import (a CLI command that reads no
    lead does not pay for pycountry's 5,000 subdivisions)."""
    by_country, unique = _build()
    return by_country, unique, frozenset(s.code for s in pycountry.subdivisions)


@lru_cache(maxsize=4096)
def subdivision_code(text: str, country: str | None) -> str | None:
    """ISO 3166-2 code of a state or province, within `country` (alpha-2) when given."""
    by_country, unique_names, all_codes = _tables()
    upper = text.strip().upper()
    if upper in all_codes:
        return upper if country is None or upper.startswith(country + "-") else None
    key = fold(text)
    if country is None:
        return unique_names.get(key)
    return by_country.get(country, {}).get(key)
