"""Postal codes in each country's canonical written form, always as strings.

Territories compare postal codes by prefix ("97*") and by range ("98000-98999"), so a code must
be written one way: "sw1a1aa" -> "SW1A 1AA", "k1a0b1" -> "K1A 0B1", "1234ab" -> "1234 AB". US
codes keep only the 5-digit ZIP: the ZIP+4 suffix never decides a territory and would break
range comparisons ("94105-1234" -> "94105"); it stays in the raw lead. Codes whose leading zeros a
spreadsheet ate ("2134" in the US) are padded back, and reported as corrected. Countries without
a rule here get the text trimmed and upper-cased. This module must never drop a code that has no
rule: only a code that breaks its country's known pattern is rejected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from leadrouter.model.frozen import quick_init


@dataclass(frozen=True, slots=True)
class _Format:
    pattern: re.Pattern[str]  # matched against the code upper-cased, spaces and hyphens removed
    cut: int | None = None  # where the separator goes (negative: from the end); None: none
    separator: str = " "
    pad: int = 0  # all-digit codes a little shorter than this lost leading zeros
    keep: int | None = None  # keep only this many leading characters


_FIVE_DIGITS = _Format(re.compile(r"\d{5}"), pad=5)
_FOUR_DIGITS = _Format(re.compile(r"\d{4}"))
_SIX_DIGITS = _Format(re.compile(r"\d{6}"))

_FORMATS: dict[str, _Format] = {
    "US": _Format(re.compile(r"\d{5}(\d{4})?"), pad=5, keep=5),
    "GB": _Format(re.compile(r"[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}"), cut=-3),
    "CA": _Format(re.compile(r"[A-Z]\d[A-Z]\d[A-Z]\d"), cut=3),
    "NL": _Format(re.compile(r"\d{4}[A-Z]{2}"), cut=4),
    "IE": _Format(re.compile(r"[A-Z]\d[\dW][A-Z\d]{4}"), cut=3),
    "SE": _Format(re.compile(r"\d{5}"), cut=3),
    "PL": _Format(re.compile(r"\d{5}"), cut=2, separator="-"),
    "JP": _Format(re.compile(r"\d{7}"), cut=3, separator="-"),
    "BR": _Format(re.compile(r"\d{8}"), cut=5, separator="-"),
    "PT": _Format(re.compile(r"\d{7}"), cut=4, separator="-"),
    **dict.fromkeys(("DE", "FR", "IT", "ES", "FI", "MX", "MY", "TH", "KR"), _FIVE_DIGITS),
    **dict.fromkeys(("AT", "CH", "BE", "DK", "NO", "AU", "NZ", "HU", "ZA", "LU"), _FOUR_DIGITS),
    **dict.fromkeys(("IN", "CN", "SG", "RU"), _SIX_DIGITS),
}

_REMOVED = str.maketrans("", "", " -")


@quick_init
@dataclass(frozen=True, slots=True)
class PostalCode:
    code: str
    corrected: bool  # leading zeros were restored


@lru_cache(maxsize=8192)
def postal_code(text: str, country: str | None) -> PostalCode | None:
    """The code in its country's canonical form; None when it breaks the country's pattern."""
    compact = text.upper().translate(_REMOVED)
    rule = _FORMATS.get(country) if country else None
    if rule is None:
        return PostalCode(" ".join(text.upper().split()), corrected=False) if compact else None
    corrected = False
    if rule.pad and compact.isdigit() and rule.pad - 2 <= len(compact) < rule.pad:
        compact = compact.zfill(rule.pad)
        corrected = True
    if not rule.pattern.fullmatch(compact):
        return None
    if rule.keep is not None:
        compact = compact[: rule.keep]
    if rule.cut is not None:
        compact = compact[: rule.cut] + rule.separator + compact[rule.cut :]
    return PostalCode(compact, corrected)
