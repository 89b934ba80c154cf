"""Headcounts and revenues written as ranges, with units and currencies, to NumberRange.

Forms understood: plain numbers ("1,200", "2,5"), units ("5k", "2.5m", "1.2 billion", "3 Mio"),
closed ranges ("1,000-5,000", "50 to 200", "10-50M EUR", "$1M–$5M": a unit written only on the
upper bound applies to both), open ranges ("1000+", "more than 500") and upper limits ("<50",
"under 50", which start at 0). Revenue is converted to USD with the approximate rates below: they
place a lead in a revenue band, they are not for accounting. This module must never guess at a
shape it does not know: anything else is Unreadable, with the reason in words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from leadrouter.model import NumberRange

# USD per unit of currency, rounded, as of late 2025. Update together with the date.
USD_RATES: dict[str, float] = {
    "USD": 1.0,
    "EUR": 1.16,
    "GBP": 1.32,
    "CHF": 1.25,
    "CAD": 0.72,
    "AUD": 0.65,
    "NZD": 0.57,
    "JPY": 0.0066,
    "CNY": 0.14,
    "HKD": 0.128,
    "SGD": 0.77,
    "INR": 0.0113,
    "KRW": 0.00069,
    "SEK": 0.105,
    "NOK": 0.098,
    "DKK": 0.155,
    "PLN": 0.27,
    "BRL": 0.185,
    "MXN": 0.054,
    "ZAR": 0.057,
    "ILS": 0.30,
    "AED": 0.272,
}

# Symbols and words for currencies, longest first so that "US$" is not read as "$".
_CURRENCY_WORDS: dict[str, str] = {
    "us$": "USD",
    "c$": "CAD",
    "ca$": "CAD",
    "a$": "AUD",
    "au$": "AUD",
    "nz$": "NZD",
    "r$": "BRL",
    "s$": "SGD",
    "hk$": "HKD",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "₩": "KRW",
    "₪": "ILS",
    "zł": "PLN",
    "euro": "EUR",
    "euros": "EUR",
    "dollars": "USD",
    "yen": "JPY",
    "rmb": "CNY",
    "rs": "INR",
    **{code.casefold(): code for code in USD_RATES},
}
_CURRENCY = re.compile(
    "|".join(
        re.escape(word) if not word.isalpha() else rf"\b{word}\b"
        for word in sorted(_CURRENCY_WORDS, key=len, reverse=True)
    )
)

_MULTIPLIERS: dict[str, float] = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mm": 1e6,
    "mn": 1e6,
    "mio": 1e6,
    "mln": 1e6,
    "million": 1e6,
    "millions": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "bil": 1e9,
    "billion": 1e9,
    "billions": 1e9,
}
_NUMBER = re.compile(
    r"(\d[\d,.]*)\s*(" + "|".join(sorted(_MULTIPLIERS, key=len, reverse=True)) + r")?\.?(?![a-z])"
)
# "1 000 000": a space (or narrow no-break space) as a thousands separator.
_SPACED_THOUSANDS = re.compile(r"(?<=\d)[ \u202f](?=\d{3}(?!\d))")
_THOUSANDS_COMMAS = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")
_THOUSANDS_DOTS = re.compile(r"\d{1,3}(\.\d{3})+")

# The commonest shapes by far ("$70.6M", "€163m", "~485", "approx. 33", "51 employees"), read
# without the currency and number scans below, which cost 20 µs a value; a test holds the two to
# the same results.
_PLAIN_AMOUNT = re.compile(
    r"(?:~|approx\.? ?|about )?([$€£¥]?)(\d[\d,.]*)(k|m|mm|mn|b|bn)?(?: employees)?"
)

# Words around the numbers that change nothing.
_FILLER = frozenset(
    {
        "employees", "employee", "emp", "emps", "people", "staff", "fte", "ftes", "approx",
        "approximately", "about", "around", "ca", "~", "circa", "revenue", "annual", "per",
        "year", "yr", "/yr", "pa", "p.a", "a", "of", "total",
    }
)  # fmt: skip
# What is left once numbers, currencies and filler are removed decides the shape of the range.
_ONE_NUMBER = frozenset({"", "="})
_OPEN_ENDED = frozenset(
    {"+", "plus", ">", ">=", "≥", "over", "morethan", "above", "atleast", "ormore", "min"}
)
_UP_TO = frozenset({"<", "<=", "≤", "under", "lessthan", "fewerthan", "below", "upto", "max", "lt"})
_BETWEEN = frozenset({"-", "–", "—", "−", "to", "~", "betweenand", "fromto", "..", "and"})


@dataclass(frozen=True, slots=True)
class Unreadable:
    """Why a text is not a range, in words for the warning."""

    reason: str


def parse_number(text: str) -> float | None:
    """A number with optional thousands separators: "12,500", "1.234,5", "2,5"."""
    text = text.rstrip(".,")
    if "," in text and "." in text:
        if text.rfind(",") < text.rfind("."):
            text = text.replace(",", "")
        else:  # "1.234,5": dots group thousands, the comma is the decimal mark
            text = text.replace(".", "").replace(",", ".")
    elif "," in text:
        if _THOUSANDS_COMMAS.fullmatch(text):
            text = text.replace(",", "")
        elif text.count(",") == 1:
            text = text.replace(",", ".")
        else:
            return None
    elif text.count(".") > 1:
        if not _THOUSANDS_DOTS.fullmatch(text):
            return None
        text = text.replace(".", "")
    try:
        return float(text)
    except ValueError:
        return None


def parse_range(text: str, money: bool) -> NumberRange | Unreadable:
    """The range `text` describes; `unit` is its currency code when `money` (USD by default).

    `money` is positional so that the cache key stays a plain tuple on the per-lead path.
    """
    if text.isdigit() and text.isascii():  # "1200": the commonest amount, read as below reads it
        value = float(text)
        return NumberRange(value, value, "USD" if money else None)
    return _parse_range(text, money)


@lru_cache(maxsize=4096)
def _parse_range(text: str, money: bool) -> NumberRange | Unreadable:
    lowered = text.casefold()
    plain = _PLAIN_AMOUNT.fullmatch(lowered)
    if plain is not None and (money or not plain.group(1)):
        symbol, number, multiplier = plain.groups()
        value = parse_number(number)
        if value is not None:  # else the reason in words, below
            value *= _MULTIPLIERS[multiplier] if multiplier else 1.0
            currency = _CURRENCY_WORDS[symbol] if symbol else "USD"
            return NumberRange(value, value, currency if money else None)
    return _read_range(_SPACED_THOUSANDS.sub("", lowered), money)


def _read_range(lowered: str, money: bool) -> NumberRange | Unreadable:
    currencies = {_CURRENCY_WORDS[m] for m in _CURRENCY.findall(lowered)}
    if currencies and not money:
        return Unreadable("a headcount cannot have a currency")
    if len(currencies) > 1:
        return Unreadable(f"it mixes currencies ({', '.join(sorted(currencies))})")
    rest = _CURRENCY.sub(" ", lowered)
    numbers: list[float] = []
    multipliers: list[float | None] = []
    for match in _NUMBER.finditer(rest):
        value = parse_number(match.group(1))
        if value is None:
            return Unreadable(f"'{match.group(1)}' is not a number")
        numbers.append(value)
        unit = match.group(2)
        multipliers.append(_MULTIPLIERS[unit] if unit else None)
    words = [w for w in (w.rstrip(".") for w in _NUMBER.sub(" ", rest).split()) if w not in _FILLER]
    shape = "".join(words)
    if not numbers:
        return Unreadable("there is no number in it")
    if money and len(shape) == 3 and shape.isalpha():
        return Unreadable(f"'{shape.upper()}' is not a currency we convert")
    currency = currencies.pop() if currencies else "USD"
    unit = currency if money else None
    if len(numbers) == 2 and shape in _BETWEEN:
        if multipliers[0] is None and multipliers[1] is not None and numbers[0] <= numbers[1]:
            multipliers[0] = multipliers[1]  # "10-50M": the unit is written once, at the end
        low, high = (n * (m or 1.0) for n, m in zip(numbers, multipliers, strict=True))
        return NumberRange(min(low, high), max(low, high), unit)
    if len(numbers) != 1:
        return Unreadable("it is not a number or a range we know how to read")
    value = numbers[0] * (multipliers[0] or 1.0)
    if shape in _ONE_NUMBER:
        return NumberRange(value, value, unit)
    if shape in _OPEN_ENDED:
        return NumberRange(value, None, unit)
    if shape in _UP_TO:
        return NumberRange(0.0, value, unit)
    return Unreadable("it is not a number or a range we know how to read")


def in_usd(amount: NumberRange) -> NumberRange:
    """The range converted to USD at USD_RATES (its unit must be a key of USD_RATES).

    Rounded to whole dollars: the rates are approximate, cents would be false precision.
    """
    rate = USD_RATES[amount.unit or "USD"]
    if rate == 1.0:
        return amount
    high = None if amount.high is None else float(round(amount.high * rate))
    return NumberRange(float(round(amount.low * rate)), high, "USD")
