"""Phone numbers to E.164 ("+14155550100"), with the lead's country as the default region.

phonenumbers.parse costs 20-60 µs, more than the whole per-lead budget, so results are cached by
the digits of the number and the region ("(415) 555-0100" and "415.555.0100" share an entry), and
plain North American numbers, the commonest in B2B leads, skip the library: ten digits whose
area code and exchange start with 2-9 are exactly what phonenumbers accepts as possible there.
Extensions are dropped (E.164 has none); the raw text keeps them. This module must never invent
a country for a number written without one.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

# Punctuation people put in phone numbers; removing it makes the cache key canonical.
_PUNCTUATION = str.maketrans("", "", " -.()/\u00a0\t")
# Regions of the North American Numbering Plan that leads mostly come from.
_NANP_REGIONS = frozenset({"US", "CA"})
_NANP = re.compile(r"(?:\+?1)?([2-9]\d\d[2-9]\d{6})")


def e164(text: str, country: str | None) -> str | None:
    """The number in E.164, or None when it is not a possible phone number."""
    digits = text.translate(_PUNCTUATION)
    if digits.startswith("00"):
        # The international prefix of most of the world, written instead of "+".
        digits = "+" + digits[2:]
    if country in _NANP_REGIONS or digits.startswith("+1"):
        nanp = _NANP.fullmatch(digits)
        if nanp:
            return "+1" + nanp.group(1)
    return _parse(digits, country)


@lru_cache(maxsize=8192)
def _parse(digits: str, country: str | None) -> str | None:
    try:
        number = phonenumbers.parse(digits, country)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
