"""Territories: named regions a lead is in, by country, state and postal code.

A policy's `territories:` entry compiles once into a test over the lead context that does only
set lookups, prefix checks and comparisons. A lead is in a territory when its country is one of
the territory's countries (if any are listed) and, when states or postal codes are listed, its
state is one of them or its postal code matches one of them. Country and state names become ISO
codes at compile time; this module never normalizes lead data, which `normalize` has done.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from leadrouter.policy import places
from leadrouter.policy.compiled import Context
from leadrouter.policy.source import Document, Node

Test = Callable[[Context], bool]


@dataclass(frozen=True, slots=True)
class Territory:
    name: str
    fields: tuple[str, ...]  # what the test reads, for "missing field" reports
    test: Test
    # The casefolded ISO codes a lead's country must be one of (empty: any country), and whether
    # that is the whole test: generated code (policy/codegen.py) inlines the one and dispatches
    # rules on the other.
    countries: frozenset[str] = frozenset()
    countries_only: bool = False


@dataclass(frozen=True, slots=True)
class PostalRange:
    """An inclusive range of postal codes, already casefolded, such as 98000-98999."""

    low: str
    high: str
    # Digit-only bounds compare as numbers with a digit-only code, so "981" is not in 98000-98999.
    low_number: int | None
    high_number: int | None

    def holds(self, code: str) -> bool:
        if self.low_number is not None and self.high_number is not None and _digits(code):
            return self.low_number <= int(code) <= self.high_number
        return self.low <= code <= self.high


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def compile_territory(doc: Document, name: str, node: Node) -> Territory | None:
    """The territory defined at `node`, or None when it has problems (reported to `doc`)."""
    keys = doc.mapping(node, optional=("countries", "states", "postal_codes"))
    if keys is None:
        return None
    if not keys:
        doc.error(node, "a territory needs countries, states or postal_codes")
        return None
    mark = doc.mark()
    countries = _codes(doc, keys.get("countries"), places.country)
    # "CA" alone means US-CA only when the territory names a single country.
    within = next(iter(countries)) if len(countries) == 1 else None
    states = _codes(doc, keys.get("states"), lambda text: places.state(text, within))
    exact, prefixes, ranges = _postal(doc, keys.get("postal_codes"))
    if doc.failed_since(mark):
        return None
    folded = frozenset(code.casefold() for code in countries)
    states = frozenset(code.casefold() for code in states)
    fields = tuple(
        field
        for field, used in (
            ("country", folded),
            ("state", states),
            ("postal_code", exact or prefixes or ranges),
        )
        if used
    )
    test = _test(folded, states, exact, prefixes, ranges)
    only = not (states or exact or prefixes or ranges)
    return Territory(name, fields, test, folded, only)


def _codes(doc: Document, node: Node | None, canonical: places.Canonical) -> frozenset[str]:
    found: set[str] = set()
    for text, item in doc.texts(node, "names or codes"):
        code, problem = canonical(text)
        if code is None:
            doc.error(item, problem)
        else:
            found.add(code)
    return frozenset(found)


def _postal(
    doc: Document, node: Node | None
) -> tuple[frozenset[str], tuple[str, ...], tuple[PostalRange, ...]]:
    exact: set[str] = set()
    prefixes: list[str] = []
    ranges: list[PostalRange] = []
    for item in doc.items(node, "postal codes"):
        if not isinstance(item.value, str):
            # A bare 02134 would be read as the number 2134, losing the zero.
            doc.error(item, 'write postal codes in quotes, e.g. "02134" or "97*"')
            continue
        pattern = item.value.strip().casefold()
        low, dash, high = pattern.partition("-")
        if pattern.endswith("*") and "*" not in pattern[:-1]:
            prefixes.append(pattern[:-1])
        elif "*" in pattern:
            doc.error(item, "'*' is only allowed at the end of a postal code prefix, as in \"97*\"")
        elif dash and low.strip() and high.strip():
            low, high = low.strip(), high.strip()
            numeric = _digits(low) and _digits(high)
            if (int(low) > int(high)) if numeric else (low > high):
                doc.error(item, f"postal code range '{item.value}' ends before it starts")
                continue
            ranges.append(
                PostalRange(
                    low, high, int(low) if numeric else None, int(high) if numeric else None
                )
            )
        elif pattern:
            exact.add(pattern)
        else:
            doc.error(item, "empty postal code")
    return frozenset(exact), tuple(prefixes), tuple(ranges)


def _test(
    countries: frozenset[str],
    states: frozenset[str],
    exact: frozenset[str],
    prefixes: tuple[str, ...],
    ranges: tuple[PostalRange, ...],
) -> Test:
    if not (states or exact or prefixes or ranges):
        # The common case, a list of countries, is a single lookup.
        return lambda ctx: (v := ctx.get("country")) is not None and v.casefold() in countries

    def test(ctx: Context) -> bool:
        if countries:
            country = ctx.get("country")
            if country is None or country.casefold() not in countries:
                return False
        state = ctx.get("state")
        if state is not None and state.casefold() in states:
            return True
        code = ctx.get("postal_code")
        if code is None:
            return False
        code = code.casefold()
        if code in exact or code.startswith(prefixes):
            return True
        for postal_range in ranges:  # noqa: SIM110 - a loop allocates less than any() here
            if postal_range.holds(code):
                return True
        return False

    return test
