"""States, provinces and other subdivisions to ISO 3166-2 codes ("California" -> "US-CA").

Built once, at first use, from pycountry.subdivisions, per country: the code's own suffix
("CA"), the full code ("US-CA"), every name, and an alias table for English names of
local-language entries ("Bavaria" for "Bayern") and postal abbreviations ("Calif."). Top-level
subdivisions win over lower levels when two fold to the same key. Without a country only a full
code or a name that exists in exactly one country is accepted: this module must never pick a
country for "CA".
"""

from __future__ import annotations

import json
from collections import defaultdict
from functools import cache, lru_cache
from typing import NamedTuple

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


class _Subdivision(NamedTuple):
    code: str  # "US-CA"
    name: str


@cache
def _subdivisions() -> dict[str, list[_Subdivision]]:
    """pycountry's subdivisions by country, top levels first (so "setdefault" lets them win),
    read from the file pycountry reads: making its 5,000 objects and their indexes would cost a
    `policy check` that names three states a tenth of a second."""
    database = pycountry.subdivisions
    with open(database.filename, encoding="utf-8") as handle:
        entries = json.load(handle)[database.root_key]
    by_country: dict[str, list[_Subdivision]] = defaultdict(list)
    for entry in sorted(entries, key=lambda entry: "parent" in entry):
        code = entry["code"]
        by_country[code.split("-")[0]].append(_Subdivision(code, entry["name"]))
    return dict(by_country)


@cache
def _country_table(country: str) -> dict[str, str]:
    """Folded codes, names and aliases to codes, for one country: built for the countries that
    are asked about (a policy's territories name a few), not for all 5,000 subdivisions."""
    subs = _subdivisions().get(country, [])
    table: dict[str, str] = {}
    for sub in subs:
        table.setdefault(fold(sub.code), sub.code)
        table.setdefault(fold(sub.code.split("-", 1)[1]), sub.code)
    for sub in subs:
        for name in _names(sub.name):
            table.setdefault(fold(name), sub.code)
    for code, aliases in _ALIASES.items():
        if code[:2] == country:
            table.update((fold(alias), code) for alias in aliases)
    return table


@cache
def _unique_names() -> dict[str, str]:
    """Folded names and aliases found in exactly one country's subdivisions, to their codes."""
    everywhere: dict[str, set[str]] = defaultdict(set)
    for subs in _subdivisions().values():
        for sub in subs:
            for name in _names(sub.name):
                everywhere[fold(name)].add(sub.code)
    for code, aliases in _ALIASES.items():
        for alias in aliases:
            everywhere[fold(alias)].add(code)
    return {key: next(iter(codes)) for key, codes in everywhere.items() if len(codes) == 1}


@cache
def _all_codes() -> frozenset[str]:
    """Every subdivision code; built at the first state read, not at import (a CLI command that
    reads no lead does not pay for pycountry's 5,000 subdivisions)."""
    return frozenset(sub.code for subs in _subdivisions().values() for sub in subs)


@lru_cache(maxsize=4096)
def subdivision_code(text: str, country: str | None) -> str | None:
    """ISO 3166-2 code of a state or province, within `country` (alpha-2) when given."""
    upper = text.strip().upper()
    if upper in _all_codes():
        return upper if country is None or upper.startswith(country + "-") else None
    key = fold(text)
    if country is None:
        return _unique_names().get(key)
    return _country_table(country).get(key)
