"""Condition tests: the closure and the generated-code twin for each operator and value type.

`policy/conditions.py` type-checks a `when:` and picks one of these per comparison; each factory
here returns a closure that does the least work its (operator, value type) pair needs, with the
literal prepared at compile time, and the same test as a Python expression template for
`policy/codegen.py`. A test of a field the lead lacks is false, whatever the operator. Nothing
here evals or execs, reads the clock or does I/O.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from leadrouter.model import FieldType
from leadrouter.policy.compiled import Context
from leadrouter.policy.territories import Test

if TYPE_CHECKING:
    from leadrouter.policy.codegen import Emit

_ORDER = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
COMPARE = {"==": operator.eq, "!=": operator.ne, **_ORDER}


# One closure factory per (operator, value type): the closure does the least work the pair needs.
# Text values are casefolded at evaluation; literals were casefolded at compile time.
TEXT_TESTS: dict[str, Callable[[str, str], Test]] = {
    "==": lambda f, x: lambda ctx: (v := ctx.get(f)) is not None and v.casefold() == x,
    "!=": lambda f, x: lambda ctx: (v := ctx.get(f)) is not None and v.casefold() != x,
    "contains": lambda f, x: lambda ctx: (v := ctx.get(f)) is not None and x in v.casefold(),
    "starts with": lambda f, x: (
        lambda ctx: (v := ctx.get(f)) is not None and v.casefold().startswith(x)
    ),
    "ends with": lambda f, x: (
        lambda ctx: (v := ctx.get(f)) is not None and v.casefold().endswith(x)
    ),
}
# Numbers and true/false compare as they are.
VALUE_TESTS: dict[str, Callable[[str, Any], Test]] = {
    "==": lambda f, x: lambda ctx: (v := ctx.get(f)) is not None and v == x,
    "!=": lambda f, x: lambda ctx: (v := ctx.get(f)) is not None and v != x,
    "<": lambda f, x: lambda ctx: (v := ctx.get(f)) is not None and v < x,
    "<=": lambda f, x: lambda ctx: (v := ctx.get(f)) is not None and v <= x,
    ">": lambda f, x: lambda ctx: (v := ctx.get(f)) is not None and v > x,
    ">=": lambda f, x: lambda ctx: (v := ctx.get(f)) is not None and v >= x,
}
# The same tests as Python expressions for generated code: {f} is the field's casefolded text
# (None when missing), {v} its value (None when missing), {x} the prepared literal.
TEXT_CODE = {
    "==": "({f} == {x})",
    "!=": "({f} is not None and {f} != {x})",
    "contains": "({f} is not None and {x} in {f})",
    "starts with": "({f} is not None and {f}.startswith({x}))",
    "ends with": "({f} is not None and {f}.endswith({x}))",
}
VALUE_CODE = {op: f"({{v}} is not None and {{v}} {op} {{x}})" for op in VALUE_TESTS}


class Built(NamedTuple):
    """A compiled test, the same test as generated code, and what it demands of one field."""

    test: Test
    emit: Emit
    # (field, casefolded values): the test can hold only when the field's casefolded text is one
    # of them, so generated code may skip the rule for other values (see codegen's dispatch).
    allows: tuple[str, frozenset[str]] | None = None


def called(test: Test) -> Emit:
    """Generated code that calls the closure itself: for the tests not worth writing out."""
    return lambda names: names.call(test)


def text_emit(template: str, field: str, literal: Any) -> Emit:
    # The first `{f}` is evaluated first: it casefolds the text if not done yet.
    first = template.replace("{f}", "{g}", 1)
    return lambda names: first.format(
        g=names.fold(field), f=names.folded(field), x=names.const(literal)
    )


def value_emit(template: str, field: str, literal: Any) -> Emit:
    return lambda names: template.format(v=names.value(field), x=names.const(literal))


def member(field: str, negate: bool, kind: FieldType, members: frozenset[Any]) -> Built:
    test = _member_test(field, negate, kind, members)
    if kind is FieldType.NUMBER:
        template = (
            "({v} is not None and {v} not in {x})" if negate else "({v} is not None and {v} in {x})"
        )
        return Built(test, value_emit(template, field, members))
    if kind is FieldType.STRING:
        if negate:
            return Built(test, text_emit("({f} is not None and {f} not in {x})", field, members))
        return Built(test, text_emit("({f} in {x})", field, members), (field, members))
    return Built(test, called(test))


def _member_test(field: str, negate: bool, kind: FieldType, members: frozenset[Any]) -> Test:
    if kind is FieldType.NUMBER:
        if negate:
            return lambda ctx: (v := ctx.get(field)) is not None and v not in members
        return lambda ctx: (v := ctx.get(field)) is not None and v in members
    if kind is FieldType.STRING:
        if negate:
            return lambda ctx: (v := ctx.get(field)) is not None and v.casefold() not in members
        return lambda ctx: (v := ctx.get(field)) is not None and v.casefold() in members

    # A list field is "in" a list when any of its items is.
    def overlaps(ctx: Context) -> bool:
        items = ctx.get(field)
        if items is None:
            return False
        for item in items:
            if item.casefold() in members:
                return not negate
        return negate

    return overlaps


def list_contains(field: str, lit: str) -> Test:
    def contains(ctx: Context) -> bool:
        items = ctx.get(field)
        if items is None:
            return False
        for item in items:  # noqa: SIM110 - a loop allocates less than any() here
            if item.casefold() == lit:
                return True
        return False

    return contains


def list_holds(items_field: str, text_field: str) -> Test:
    """A list field holds another field's text (case-insensitive); false when either is missing."""

    def holds(ctx: Context) -> bool:
        items = ctx.get(items_field)
        text = ctx.get(text_field)
        if items is None or text is None:
            return False
        folded = text.casefold()
        for item in items:  # noqa: SIM110 - a loop allocates less than any() here
            if item.casefold() == folded:
                return True
        return False

    return holds


def pair_test(left: str, right: str, op: str, kind: FieldType) -> Test:
    """Two fields compared with each other; false when either is missing."""
    compare = COMPARE[op]
    if kind is FieldType.STRING:
        return lambda ctx: (
            (a := ctx.get(left)) is not None
            and (b := ctx.get(right)) is not None
            and compare(a.casefold(), b.casefold())
        )
    return lambda ctx: (
        (a := ctx.get(left)) is not None and (b := ctx.get(right)) is not None and compare(a, b)
    )


def all_of(tests: Iterable[Test]) -> Test:
    """One test that holds when every one of `tests` does (the always-true test for none)."""
    found = tuple(tests)
    return chain(both, found) if found else (lambda ctx: True)


def chain(join: Callable[[Test, Test], Test], tests: tuple[Test, ...]) -> Test:
    # Nested from the right, so evaluation short-circuits left to right as written.
    combined = tests[-1]
    for test in reversed(tests[:-1]):
        combined = join(test, combined)
    return combined


def both(first: Test, second: Test) -> Test:
    return lambda ctx: first(ctx) and second(ctx)


def either(first: Test, second: Test) -> Test:
    return lambda ctx: first(ctx) or second(ctx)
