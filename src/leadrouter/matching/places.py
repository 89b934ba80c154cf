"""Places that company names carry: countries, regions and large cities, and the country of each.

"Acme UK", "Wipro USA", "Capgemini Portugal", "Imtech (Sao Paulo)": a place in a name is either
a subsidiary's mark or where the person works. Folded as names are (`normalize.text.fold`).
Pure data built once at import; this module must never know about accounts or leads.
"""

from __future__ import annotations

import pycountry

from leadrouter.matching.cities import CITIES
from leadrouter.normalize.text import fold


def _places() -> dict[str, str]:
    # One-word country names from pycountry ("india", "japan", "netherlands"), folded like names,
    # with the country each names ("" for a region).
    countries = {
        name: country.alpha_2
        for country in pycountry.countries
        for value in (country.name, getattr(country, "common_name", ""))
        if (name := fold(value)) and " " not in name
    }
    _PHRASES.update(
        (tuple(name.split()), country.alpha_2)
        for country in pycountry.countries
        for value in (country.name, getattr(country, "common_name", ""))
        if (name := fold(value)) and " " in name and "," not in value
    )
    # Short forms, native names and regions that subsidiaries carry ("Acme UK", "Acme EMEA").
    regions = {
        "uk", "usa", "us", "america", "americas", "europe", "asia", "africa", "pacific", "emea",
        "apac", "latam", "nordic", "nordics", "benelux", "dach", "cayman", "korea", "hongkong",
        "zealand", "emirates", "deutschland", "nederland", "espana", "italia", "brasil",
        "schweiz", "suisse", "osterreich", "polska", "sverige", "norge", "danmark", "suomi",
        "nippon", "bharat",
    }  # fmt: skip
    native = {
        "uk": "GB", "usa": "US", "us": "US", "america": "US", "korea": "KR", "hongkong": "HK",
        "zealand": "NZ", "emirates": "AE", "deutschland": "DE", "nederland": "NL", "espana": "ES",
        "italia": "IT", "brasil": "BR", "schweiz": "CH", "suisse": "CH", "osterreich": "AT",
        "polska": "PL", "sverige": "SE", "norge": "NO", "danmark": "DK", "suomi": "FI",
        "nippon": "JP", "bharat": "IN", "cayman": "KY",
    }  # fmt: skip
    return {**dict.fromkeys(regions, ""), **native, **countries}


_PHRASES: dict[tuple[str, ...], str] = {
    ("north", "america"): "", ("south", "america"): "", ("latin", "america"): "",
    ("asia", "pacific"): "", ("middle", "east"): "", ("hong", "kong"): "HK",
    ("new", "zealand"): "NZ", ("united", "kingdom"): "GB", ("united", "states"): "US",
    ("great", "britain"): "GB", ("south", "korea"): "KR", ("new", "york"): "US",
}  # fmt: skip
COUNTRIES_AND_REGIONS = _places()
# Every place word: a country, region or large city ("Capgemini Portugal", "Wipro Chicago") ->
# the country it names, "" for a region; `PLACE_PHRASES` for those of several words.
PLACE_COUNTRIES: dict[str, str] = {
    **{city: code for city, code in CITIES.items() if " " not in city},
    **COUNTRIES_AND_REGIONS,
}
for _city, _code in CITIES.items():
    if " " in _city:
        _PHRASES.setdefault(tuple(_city.split()), _code)
PLACE_PHRASES: dict[tuple[str, ...], str] = dict(_PHRASES)
