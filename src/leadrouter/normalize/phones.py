"""Phone numbers to E.164 ("+14155550100"), with the lead's country as the default region.

phonenumbers.parse costs 20-60 µs, more than the whole per-lead budget, so results are cached by
the digits of the number and the region ("(415) 555-0100" and "415.555.0100" share an entry), and
plain North American numbers, the commonest in B2B leads, skip the library: ten digits whose
area code and exchange start with 2-9 are exactly what phonenumbers accepts as possible there,
with or without an extension written "ext" (1-20 digits) or "x" (1-9), which it drops.
So do numbers written with "+" and a country code the library knows, whose national part has no
national prefix it would strip: possible exactly when the library deems its length possible (then
already E.164), read from its own metadata, the library's answer without its 20-60 µs (tests
compare the two on random numbers). Numbers written without a country code, in a region whose
metadata the library has, are read the same way when nothing in them could be an international
prefix, the region's own country code or a national prefix: then the library keeps the digits as
the national number, and only their length decides. In a region whose national prefix is a plain
"0" (most of Europe), or "0" beside others the library strips as it finds them (GB, AU, CN), the
digits after the "0" are the national number whenever the library would strip it, which its
metadata tells (`_without_trunk_zero`). A number with neither a "+" nor a region
the library knows is none, as the library says after its 20-60 µs.
Extensions are dropped (E.164 has none); the raw text keeps them. This module must never invent
a country for a number written without one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache

import phonenumbers
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, SUPPORTED_REGIONS, PhoneMetadata

# Punctuation people put in phone numbers; removing it makes the cache key canonical.
_PUNCTUATION_CHARS = " -.()/\u00a0\t"
_PUNCTUATION = str.maketrans("", "", _PUNCTUATION_CHARS)
# The same, for ASCII text as bytes: bytes.translate deletes them at a third of the cost.
_ASCII_PUNCTUATION = _PUNCTUATION_CHARS.encode("ascii", "ignore")
# Regions of the North American Numbering Plan that leads mostly come from.
_NANP_REGIONS = frozenset({"US", "CA"})
# The library's own limits on extension lengths: longer ones it reads otherwise.
_NANP = re.compile(r"(?:\+?1)?([2-9]\d\d[2-9]\d{6})(?:ext\d{1,20}|x\d{1,9})?")


def e164(text: str, country: str | None) -> str | None:
    """The number in E.164, or None when it is not a possible phone number."""
    digits = _without_punctuation(text)
    if digits.startswith("00"):
        # The international prefix of most of the world, written instead of "+".
        digits = "+" + digits[2:]
    if country in _NANP_REGIONS or digits.startswith("+1"):
        nanp = _NANP.fullmatch(digits)
        if nanp:
            return "+1" + nanp.group(1)
    if digits.startswith("+"):
        known = _international(digits[1:])
        if known is not None:
            return digits if known else None
    elif country is not None:
        national = _national(digits, country)
        if national is not None:
            return national or None
    if country not in SUPPORTED_REGIONS and "+" not in digits and "\uff0b" not in digits:
        return None  # no region to read it in and no country code in it: the library gives up
    return _parse(digits, country)


def _without_punctuation(text: str) -> str:
    if text.isascii():
        return text.encode().translate(None, _ASCII_PUNCTUATION).decode()
    return text.translate(_PUNCTUATION)


def _international(number: str) -> bool | None:
    """Whether phonenumbers would read "+" `number` as possible (and write it back unchanged);
    None when only the library can tell."""
    if not (number.isdigit() and number.isascii()) or number.startswith("0"):
        return None
    for size in (1, 2, 3):
        code = int(number[:size])
        if code in COUNTRY_CODE_TO_REGION_CODE:
            national = number[size:]
            rule = _rule(code)
            if rule is None or not national or national.startswith("0"):
                return None  # a leading zero is kept apart by the library: let it decide
            strips, lengths = rule
            if strips is not None and strips(national) is not None:
                return None  # a national prefix the library may strip
            # Nothing to strip: the library's national number is `national`, possible exactly
            # when its length is (a number of the wrong length is None either way).
            return len(national) in lengths
    return None


def _national(number: str, region: str) -> str | None:
    """The E.164 form phonenumbers would give `number`, written without a country code, in
    `region` ("" when it would deem it impossible); None when only the library can tell."""
    plan = _region_plan(region)
    if plan is None or not (number.isdigit() and number.isascii()):
        return None
    code, international, strips, lengths = plan
    if number.startswith(code) or international(number) is not None:
        return None  # the library may read a country code in it
    if strips is not None and strips(number) is not None:
        national = _without_trunk_zero(number, region)
        if national is None:
            return None  # a national prefix the library may strip or keep: it decides
        number = national
    if number.startswith("0"):
        return None  # a leading zero is kept apart by the library: let it decide
    return f"+{code}{number}" if len(number) in lengths else ""


def _without_trunk_zero(number: str, region: str) -> str | None:
    """`number`, written with the national prefix "0" ("020 7946 0193" in GB), as the library's
    national number: without the "0" when it strips it, which it does unless the number is
    viable as written and not without it, or its length without it is too short, local only or
    invalid in `region`. None when the library would keep the "0", or strip another prefix ("8",
    "180020"), or transform the number (JP, BR): only the library can tell."""
    trunk = _trunk_plan(region)
    if trunk is None:
        return None
    prefix, viable, possible, local = trunk
    stripped = prefix(number)
    if stripped is None or stripped.end() != 1 or not number.startswith("0"):
        return None  # another of the region's prefixes (GB's "180020", RU's "8"): the library
    national = number[1:]
    if viable(number) and not viable(national):
        return None
    size = len(national)
    if size in local or size < possible[0] or (size <= possible[-1] and size not in possible):
        return None
    return None if national.startswith("0") else national  # leading zeros: kept as written


@cache  # one per region a lead names, a few hundred at most
def _trunk_plan(
    region: str,
) -> (
    tuple[
        Callable[[str], re.Match[str] | None],
        Callable[[str], object],
        tuple[int, ...],
        frozenset[int],
    ]
    | None
):
    """For a region whose national prefix the library strips as it finds it (no transform rule,
    a plain "0" alone or beside others, as GB's "0|180020" or AU's "(183[12])|0"): the prefix
    (a match at the start), whether a number is viable there (its general pattern), and its
    possible and local-only lengths, as the library tests them when it strips the prefix; None
    for any other region."""
    metadata = PhoneMetadata.metadata_for_region(region, None)
    if metadata is None or not metadata.national_prefix_for_parsing:
        return None
    general = metadata.general_desc
    possible = tuple(general.possible_length or ())
    if metadata.national_prefix_transform_rule or not general.national_number_pattern:
        return None
    if not possible or possible[0] == -1:
        return None
    prefix = re.compile(metadata.national_prefix_for_parsing).match
    viable = re.compile(general.national_number_pattern).fullmatch
    return prefix, viable, possible, frozenset(general.possible_length_local_only or ())


@cache  # one per region a lead names, a few hundred at most
def _region_plan(
    region: str,
) -> tuple[str, Callable[[str], object], Callable[[str], object] | None, frozenset[int]] | None:
    """How the library reads a number without country code in `region`: the region's country
    code, its international prefix and national prefix (matches at the start), and the lengths
    it deems possible there; None if it has no metadata for the region."""
    metadata = PhoneMetadata.metadata_for_region(region, None)
    if metadata is None or metadata.international_prefix is None:
        return None
    rule = _rule(metadata.country_code)
    if rule is None:
        return None
    prefix = metadata.national_prefix_for_parsing
    strips = re.compile(prefix).match if prefix else None
    international = re.compile(metadata.international_prefix).match
    return str(metadata.country_code), international, strips, rule[1]


@cache  # one per country code, a few hundred at most
def _rule(code: int) -> tuple[Callable[[str], object] | None, frozenset[int]] | None:
    """How the library reads a national number after country code `code`: the national prefix it
    strips (a match at the start), and the lengths it deems possible; None if it has no rule."""
    region = phonenumbers.region_code_for_country_code(code)
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(code, region)
    if metadata is None:
        return None
    general = metadata.general_desc
    lengths = tuple(general.possible_length or ())
    if not lengths or lengths[0] == -1:
        return None
    local = general.possible_length_local_only or ()
    prefix = metadata.national_prefix_for_parsing
    return (re.compile(prefix).match if prefix else None), frozenset(lengths) | frozenset(local)


@lru_cache(maxsize=8192)
def _parse(digits: str, country: str | None) -> str | None:
    try:
        number = phonenumbers.parse(digits, country)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
