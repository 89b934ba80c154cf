"""Conditions: type-checking a parsed `when:` and compiling it into closures over the lead context.

Each top-level conjunct becomes a `Clause` whose test is a small closure chain specialized per
operator and operand type, with every literal prepared at compile time (casefolded, countries
and states turned into ISO codes, lists into frozensets, regexes compiled), so evaluating a lead
only looks values up and compares them. A comparison with a field the lead lacks is false,
whatever the operator. Beside each closure it writes the same test as a Python expression for
`policy/codegen.py`, over identifiers that codegen names and binds (values, literals, sets):
never a piece of the user's text (the factories live in `policy/condition_tests.py`). The
closures stay the reference the generated code is tested against. This module must never eval or
exec anything, and never raises for a bad condition: it reports the problem, at its position in
the text, to the Document.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from leadrouter.model import TIME_FIELDS, FieldType
from leadrouter.normalize import CATEGORICAL_FIELDS
from leadrouter.normalize.text import category
from leadrouter.policy import places
from leadrouter.policy.compiled import Clause, Condition
from leadrouter.policy.condition_tests import (
    COMPARE,
    TEXT_CODE,
    TEXT_TESTS,
    VALUE_CODE,
    VALUE_TESTS,
    Built,
    both,
    called,
    chain,
    either,
    list_contains,
    list_holds,
    member,
    pair_test,
    text_emit,
    value_emit,
)
from leadrouter.policy.expression import (
    ORDERING,
    And,
    Compare,
    Expr,
    ExpressionSyntaxError,
    ListLiteral,
    Literal,
    Name,
    Not,
    Or,
    Presence,
    parse,
)
from leadrouter.policy.source import Document, Node, describe, did_you_mean
from leadrouter.policy.territories import Territory, Test

# Computed from the score itself: a scoring condition may not read them.
SCORE_FIELDS = frozenset({"score", "fit_score", "behavior_score", "mql"})

_TYPE_OF = {str: FieldType.STRING, float: FieldType.NUMBER, bool: FieldType.BOOL}
_WORDS = {
    FieldType.STRING: "text",
    FieldType.NUMBER: "a number",
    FieldType.BOOL: "true/false",
    FieldType.DATETIME: "a date and time",
    FieldType.DURATION: "a duration",
}
# Kinds that `<`, `<=`, `>`, `>=` compare.
_ORDERED = frozenset({FieldType.NUMBER, FieldType.DATETIME, FieldType.DURATION})
_TIMES = frozenset({FieldType.DATETIME, FieldType.DURATION})

# Operators whose text literal must equal a value, so countries and states become ISO codes.
_EXACT = frozenset({"==", "!=", "in", "not in"})


@dataclass(frozen=True, slots=True)
class SetDef:
    """A named list from `sets:`, with the node of each member for error positions."""

    name: str
    members: tuple[tuple[str | float, Node], ...]


@dataclass(frozen=True, slots=True)
class Scope:
    """Every name a condition may use."""

    fields: Mapping[str, FieldType]
    sets: Mapping[str, SetDef]
    territories: Mapping[str, Territory]


class ConditionCompiler:
    """Compiles the `when:` texts of one policy, reporting problems to its Document."""

    def __init__(self, doc: Document, scope: Scope) -> None:
        self.doc = doc
        self.scope = scope
        # A set's members prepared for one field kind (casefolded, or as country codes), once.
        self._prepared: dict[tuple[str, str, FieldType], frozenset[Any] | None] = {}
        # Clauses by source text: one scope gives the same text one meaning, and rules sharing a
        # Clause let the engine evaluate it once per lead (see policy/codegen.py).
        self._clauses: dict[str, Clause] = {}
        # Whether some condition reads `now`, `created_at` or `age`: the engine adds them then.
        self.reads_time = False

    def compile(self, node: Node, *, scoring: bool = False) -> Condition | None:
        """The condition written at `node`, or None when it has problems."""
        text = node.value
        if isinstance(text, str) and text.strip() == "always":
            return Condition("always")
        if text is None:
            self.doc.error(node, "empty condition: leave 'when' out, or write 'always'")
            return None
        if not isinstance(text, str):
            self.doc.error(node, f"expected a condition, got {describe(text)}")
            return None
        try:
            tree = parse(text)
        except ExpressionSyntaxError as e:
            self.doc.error_inside(node, e.offset, e.message)
            return None
        check = _Check(self, node, scoring)
        conjuncts = tree.operands if isinstance(tree, And) else (tree,)
        clauses = []
        for conjunct in conjuncts:
            reads: list[str] = []
            built = check.build(conjunct, reads)
            if built is not None:
                source = text[conjunct.start : conjunct.end]
                clause = self._clauses.get(source)
                if clause is None:
                    clause = self._clauses[source] = Clause(
                        source, tuple(dict.fromkeys(reads)), *built
                    )
                clauses.append(clause)
        if len(clauses) < len(conjuncts):
            return None
        return Condition(text.strip(), tuple(clauses))

    def set_members(self, definition: SetDef, field: str, kind: FieldType) -> frozenset[Any] | None:
        """A set's members as `field` compares them; None if some do not fit (reported)."""
        key = (definition.name, field if field in places.CANONICAL else "", kind)
        if key not in self._prepared:
            prepared = [
                self.prepare(
                    value, field, kind, True, lambda message, n=node: self.doc.error(n, message)
                )
                for value, node in definition.members
            ]
            ok = all(item is not None for item in prepared)
            self._prepared[key] = frozenset(prepared) if ok else None
        return self._prepared[key]

    def prepare(
        self, value: Any, field: str, kind: FieldType, exact: bool, report: Callable[[str], None]
    ) -> Any:
        """A literal as the test compares it with `field`: casefolded text, an ISO code, a number.

        With `exact` (==, !=, in, not in), a country or state becomes its ISO code.
        """
        expected = FieldType.STRING if kind is FieldType.LIST else kind
        if _TYPE_OF.get(type(value)) is not expected:
            hint = " (put it in quotes)" if expected is FieldType.STRING else ""
            report(f"'{field}' holds {_WORDS[expected]}, not {describe(value)}{hint}")
            return None
        if not isinstance(value, str):
            return value
        if field in CATEGORICAL_FIELDS:  # written as normalization writes the lead's value
            return category(value)
        canonical = places.CANONICAL.get(field) if exact else None
        if canonical is None:
            return value.casefold()
        code, problem = canonical(value)
        if code is None:
            report(problem)
            return None
        return code.casefold()


class _Check:
    """Type-checks and compiles the nodes of one condition."""

    def __init__(self, owner: ConditionCompiler, node: Node, scoring: bool) -> None:
        self.owner = owner
        self.scope = owner.scope
        self.node = node
        self.scoring = scoring

    def error(self, offset: int, message: str) -> None:
        self.owner.doc.error_inside(self.node, offset, message)

    def build(self, expr: Expr, reads: list[str]) -> Built | None:
        if isinstance(expr, And | Or):
            built = [self.build(operand, reads) for operand in expr.operands]
            parts = tuple(part for part in built if part is not None)
            if len(parts) < len(built):
                return None
            conjunction = isinstance(expr, And)
            test = chain(both if conjunction else either, tuple(part.test for part in parts))
            joiner = " and " if conjunction else " or "
            emits = tuple(part.emit for part in parts)
            return Built(test, lambda names: f"({joiner.join(emit(names) for emit in emits)})")
        if isinstance(expr, Not):
            inner = self.build(expr.operand, reads)
            if inner is None:
                return None
            inner_test, inner_emit = inner.test, inner.emit
            return Built(lambda ctx: not inner_test(ctx), lambda n: f"(not {inner_emit(n)})")
        if isinstance(expr, Name):
            return self.bare(expr, reads)
        if isinstance(expr, Presence):
            kind = self.field(expr.name, reads)
            if kind is None:
                return None
            field = expr.name.name
            if expr.present:
                return Built(
                    lambda ctx: ctx.get(field) is not None,
                    lambda names: f"({names.value(field)} is not None)",
                )
            return Built(
                lambda ctx: ctx.get(field) is None, lambda names: f"({names.value(field)} is None)"
            )
        return self.compare(expr, reads)

    def field(self, name: Name, reads: list[str]) -> FieldType | None:
        """The type of a field used in a comparison, or None (reported) if it is not one."""
        word = name.name
        kind = self.scope.fields.get(word)
        if kind is not None:
            if self.scoring and word in SCORE_FIELDS:
                self.error(
                    name.start, f"scoring cannot use '{word}': it is computed from the score"
                )
                return None
            reads.append(word)
            if word in TIME_FIELDS:
                self.owner.reads_time = True
            return kind
        if word in self.scope.territories:
            self.error(name.start, f"'{word}' is a territory: use it alone as a condition")
        elif word in self.scope.sets:
            self.error(
                name.start, f"'{word}' is a set: use it after 'in', as in 'country in {word}'"
            )
        else:
            self.error(name.start, f"unknown field '{word}'{did_you_mean(word, self.scope.fields)}")
        return None

    def bare(self, name: Name, reads: list[str]) -> Built | None:
        """A name alone: a territory, or a true/false field."""
        word = name.name
        territory = self.scope.territories.get(word)
        if territory is not None:
            reads.extend(territory.fields)
            countries = territory.countries
            emit = (
                text_emit("({f} in {x})", "country", countries)
                if territory.countries_only
                else called(territory.test)
            )
            return Built(territory.test, emit, ("country", countries) if countries else None)
        if word in self.scope.sets:
            self.error(name.start, f"'{word}' is a set, not a condition: write '<field> in {word}'")
            return None
        if word not in self.scope.fields:
            known = [*self.scope.fields, *self.scope.territories]
            self.error(name.start, f"unknown name '{word}'{did_you_mean(word, known)}")
            return None
        kind = self.field(name, reads)
        if kind is None:
            return None
        if kind is not FieldType.BOOL:
            self.error(
                name.start,
                f"'{word}' is {_kind(kind)}, not a condition: compare it"
                f" or write '{word} is present'",
            )
            return None
        return Built(
            lambda ctx: ctx.get(word) is True, lambda names: f"({names.value(word)} is True)"
        )

    def compare(self, expr: Compare, reads: list[str]) -> Built | None:
        kind = self.field(expr.left, reads)
        right = expr.right
        if isinstance(right, Name) and expr.op not in ("in", "not in"):
            return self.compare_fields(expr, kind, right, reads)
        if kind is None:
            return None
        field, op = expr.left.name, expr.op
        if op in ("in", "not in"):
            return self.membership(expr, kind, reads)
        if isinstance(right, ListLiteral):
            self.error(right.start, f"a list only goes after 'in' or 'not in', not after '{op}'")
            return None
        if kind in _TIMES:
            return self.time_compare(expr, kind)
        if isinstance(right, Literal) and right.duration:
            self.error(right.start, f"this is a duration, and '{field}' holds {_kind(kind)}")
            return None
        if op in ORDERING and kind not in _ORDERED:
            self.error(expr.op_start, f"'{op}' compares numbers, and '{field}' holds {_kind(kind)}")
            return None
        if op in ("contains", "starts with", "ends with", "matches"):
            allowed = (
                (FieldType.STRING, FieldType.LIST) if op == "contains" else (FieldType.STRING,)
            )
            if kind not in allowed:
                self.error(expr.op_start, f"'{op}' needs text, and '{field}' holds {_kind(kind)}")
                return None
        elif kind is FieldType.LIST:
            self.error(expr.op_start, f"'{field}' is a list: use 'contains' or 'in'")
            return None
        if op == "matches":
            return self.regex(expr, right)
        assert isinstance(right, Literal)
        literal = self.owner.prepare(
            right.value, field, kind, op in _EXACT, lambda message: self.error(right.start, message)
        )
        if literal is None:
            return None
        if kind is FieldType.LIST:
            contains = list_contains(field, literal)
            return Built(contains, called(contains))
        if kind is FieldType.STRING:
            allows = (field, frozenset({literal})) if op == "==" else None
            emit = text_emit(TEXT_CODE[op], field, literal)
            return Built(TEXT_TESTS[op](field, literal), emit, allows)
        return Built(VALUE_TESTS[op](field, literal), value_emit(VALUE_CODE[op], field, literal))

    def compare_fields(
        self, expr: Compare, kind: FieldType | None, right: Name, reads: list[str]
    ) -> Built | None:
        if right.name not in self.scope.fields:
            known = did_you_mean(right.name, self.scope.fields)
            self.error(
                right.start, f"unknown field '{right.name}'{known}; if it is text, put it in quotes"
            )
            return None
        other = self.field(right, reads)
        if kind is None or other is None:
            return None
        if expr.op == "contains" and kind is FieldType.LIST and other is FieldType.STRING:
            # `rep.languages contains language`: a list field holding another field's text.
            held = list_holds(expr.left.name, right.name)
            return Built(held, called(held))
        if expr.op not in COMPARE:
            self.error(
                right.start, f"'{expr.op}' needs a value in quotes, not the name '{right.name}'"
            )
            return None
        if kind is not other or kind is FieldType.LIST:
            self.error(
                expr.op_start,
                f"cannot compare '{expr.left.name}' ({_kind(kind)})"
                f" with '{right.name}' ({_kind(other)})",
            )
            return None
        if expr.op in ORDERING and kind not in _ORDERED:
            self.error(
                expr.op_start,
                f"'{expr.op}' compares numbers, and '{expr.left.name}' holds {_kind(kind)}",
            )
            return None
        pair = pair_test(expr.left.name, right.name, expr.op, kind)
        return Built(pair, called(pair))

    def membership(self, expr: Compare, kind: FieldType, reads: list[str]) -> Built | None:
        field, right = expr.left.name, expr.right
        if kind is FieldType.BOOL or kind in _TIMES:
            self.error(expr.op_start, f"'{expr.op}' does not apply to {_kind(kind)} ('{field}')")
            return None
        if isinstance(right, Name) and self.scope.fields.get(right.name) is FieldType.LIST:
            # `language in rep.languages`: the same test as `rep.languages contains language`.
            if kind is not FieldType.STRING:
                self.error(expr.op_start, f"'{field}' must hold text to be looked up in a list")
                return None
            reads.append(right.name)
            items, held = right.name, list_holds(right.name, field)
            if expr.op == "not in":
                lacks: Test = lambda ctx: (  # noqa: E731
                    ctx.get(items) is not None and ctx.get(field) is not None and not held(ctx)
                )
                return Built(lacks, called(lacks))
            return Built(held, called(held))
        if isinstance(right, Name):
            definition = self.scope.sets.get(right.name)
            if definition is None:
                known = did_you_mean(right.name, self.scope.sets)
                what = "a field, not a set" if right.name in self.scope.fields else "an unknown set"
                self.error(right.start, f"'{right.name}' is {what}{known}")
                return None
            members = self.owner.set_members(definition, field, kind)
        elif isinstance(right, ListLiteral):
            prepared = [
                self.owner.prepare(
                    item.value, field, kind, True, lambda m, at=item.start: self.error(at, m)
                )
                for item in right.items
            ]
            members = None if any(p is None for p in prepared) else frozenset(prepared)
        else:
            self.error(right.start, f"expected a list [...] or a set name after '{expr.op}'")
            return None
        if members is None:
            return None
        return member(field, expr.op == "not in", kind, members)

    def time_compare(self, expr: Compare, kind: FieldType) -> Built | None:
        """A time field compared with a time: `age < 7 days`, `created_at >= "2026-01-01"`."""
        field, op, right = expr.left.name, expr.op, expr.right
        if op not in COMPARE:
            self.error(expr.op_start, f"'{op}' does not apply to {_kind(kind)} ('{field}')")
            return None
        assert isinstance(right, Literal)  # names and lists are handled before
        if kind is FieldType.DURATION:
            if not right.duration:
                self.error(
                    right.start,
                    f"'{field}' is a duration: give the value a unit, as in '{field} < 7 days'"
                    " (seconds, minutes, hours, days, weeks)",
                )
                return None
            value = float(right.value)
        else:
            value = _epoch(right.value) if isinstance(right.value, str) else None
            if value is None:
                self.error(
                    right.start,
                    f"'{field}' is a date and time: compare it with a date in quotes such as"
                    ' "2026-01-31" or "2026-01-31T09:00:00Z" (UTC unless a zone is given)',
                )
                return None
        return Built(VALUE_TESTS[op](field, value), value_emit(VALUE_CODE[op], field, value))

    def regex(self, expr: Compare, right: Literal) -> Built | None:
        if not isinstance(right.value, str):
            self.error(right.start, "'matches' needs a regular expression in quotes")
            return None
        try:
            # Like every text comparison, a pattern ignores case.
            search = re.compile(right.value, re.IGNORECASE).search
        except re.error as e:
            # +1 skips the opening quote; escapes in the literal can shift this slightly.
            self.error(right.start + 1 + (e.pos or 0), f"invalid regular expression: {e.msg}")
            return None
        field = expr.left.name
        return Built(
            lambda ctx: (v := ctx.get(field)) is not None and search(v) is not None,
            value_emit("({v} is not None and {x}({v}) is not None)", field, search),
        )


def _epoch(text: str) -> float | None:
    """An ISO date or date-time as seconds since the epoch (UTC when no zone is written)."""
    try:
        at = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp()


def _kind(kind: FieldType) -> str:
    return _WORDS.get(kind, "a list")
