"""Country and state names written in a policy, turned into the ISO codes leads carry.

Normalization writes a lead's `country` as ISO 3166-1 alpha-2 and its `state` as ISO 3166-2, so
a policy's "Netherlands" or "California" must become "NL" or "US-CA" once, at compile time, for
rules to compare codes with codes. Each function returns the code, or None and a message the
compiler reports at the right place. A typo is never silently corrected here: a policy is
reviewed text, so "Germny" is an error that suggests DE, not a guess.
"""

from __future__ import annotations

from collections.abc import Callable

from leadrouter.normalize.countries import country_name, match_country
from leadrouter.normalize.regions import subdivision_code

# A field's canonical form for literals compared with it: (written text) -> (code, problem).
Canonical = Callable[[str], tuple[str | None, str]]


def country(text: str) -> tuple[str | None, str]:
    """The alpha-2 code of a country name, alias or code, or None and why not."""
    found = match_country(text)
    if found is None:
        return None, f"unknown country '{text}'"
    if found.corrected:
        return None, (
            f"unknown country '{text}' (did you mean '{found.code}', {country_name(found.code)}?)"
        )
    return found.code, ""


def state(text: str, within: str | None = None) -> tuple[str | None, str]:
    """The ISO 3166-2 code of a state or province (within an alpha-2 country if given)."""
    code = subdivision_code(text, within)
    if code is not None:
        return code, ""
    if within is not None:
        return None, f"unknown state '{text}' in {within}"
    return None, f"unknown state '{text}'; write an ISO 3166-2 code such as US-CA"


# Fields whose literals are normalized before comparison, and how.
CANONICAL: dict[str, Canonical] = {"country": country, "account.country": country, "state": state}
