"""Cleaning of free text as it arrives in lead forms and spreadsheets.

Every other normalizer starts here: unicode cleanup (NFKC, zero-width and control characters
removed, whitespace collapsed), the placeholder values people type instead of leaving a field
empty, the case fix for names typed in ALL CAPS or all lower case, the folding used to compare
names and keys, and the one rule for categorical values. Pure string functions; this module must
never know about lead fields or warnings.

Categorical rule (`industry`, `source`, `form`, `lead_type`, list items of `product_interest`):
casefolded, trimmed, and every run of whitespace, hyphens and underscores becomes one underscore,
so "Demo Request", "demo-request" and "DEMO_REQUEST" are all "demo_request".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

# Characters that are invisible but break equality: zero-width spaces and joiners, the BOM that
# Excel puts in the first CSV cell, soft hyphens, and the C0/C1 control characters.
_INVISIBLE = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD]
    + [c for c in range(0x20) if chr(c) not in "\t\n\r"]
    + list(range(0x7F, 0xA0))
)

# What people type when they have nothing to say; compared after casefolding and trimming.
PLACEHOLDERS = frozenset(
    {"n/a", "na", "n.a.", "none", "null", "nil", "unknown", "test", "asdf", "xxx", "tbd"}
)

# Longer text that starts with a letter or digit is never a placeholder (`is_placeholder`).
LONGEST_PLACEHOLDER = max(map(len, PLACEHOLDERS))
_ALPHANUMERIC = re.compile(r"[^\W_]")
_CATEGORY_SEPARATORS = re.compile(r"[\s_\-]+")
_FOLD_DROP = re.compile(r"[.'’`]")
_FOLD_SPACE = re.compile(r"[^\w]+|_")
_LIST_SEPARATORS = re.compile(r"[,;|\n]")


def clean(text: str) -> str:
    """Unicode-normalize, drop invisible characters and collapse whitespace."""
    if not text.isascii() or not text.isprintable():
        text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    elif " " not in text:
        return text  # printable ASCII has no other whitespace: nothing to collapse
    return " ".join(text.split())


def is_placeholder(text: str) -> bool:
    """True for cleaned text that stands for "no value": "n/a", "unknown", "-", "?", ..."""
    if len(text) <= LONGEST_PLACEHOLDER and text.casefold() in PLACEHOLDERS:
        return True
    if text[:1].isalnum():  # a letter or digit first, as in most values: no search needed
        return False
    return _ALPHANUMERIC.search(text) is None


def fix_name_case(text: str) -> str:
    """Title-case a name typed entirely in upper or lower case; leave mixed case alone."""
    if text.isupper() or text.islower():
        return text.title()
    return text


@lru_cache(maxsize=4096)
def category(text: str) -> str:
    """The categorical form of a value: "Demo Request" -> "demo_request"."""
    return _CATEGORY_SEPARATORS.sub("_", text.casefold()).strip("_")


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Comparison key for names: accents, case, dots, punctuation and a leading "the" removed.

    "The Netherlands" -> "netherlands", "U.S.A." -> "usa", "Côte d'Ivoire" -> "cote divoire".
    Other scripts are transliterated (anyascii): "Газпром" -> "gazprom", as people write it in
    Latin letters.
    """
    if text.isascii():  # nothing to decompose: skips the per-character pass (most names)
        bare = text.casefold()
    else:
        decomposed = unicodedata.normalize("NFKD", text.casefold())
        bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        if not bare.isascii():
            bare = anyascii(bare).casefold()
    words = _FOLD_SPACE.sub(" ", _FOLD_DROP.sub("", bare)).split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def split_list(text: str) -> tuple[str, ...]:
    """Items of a comma-, semicolon- or pipe-separated list, cleaned, empty ones dropped."""
    items = (clean(part) for part in _LIST_SEPARATORS.split(text))
    return tuple(item for item in items if item and not is_placeholder(item))
