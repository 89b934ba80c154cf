"""The condition parser: precedence, spans, and robustness on any text (hypothesis)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadrouter.errors import PolicyError
from leadrouter.policy import compile_policy
from leadrouter.policy.expression import (
    And,
    Compare,
    ExpressionSyntaxError,
    Name,
    Not,
    Or,
    parse,
)
from tests.policy.factories import CATCH_ALL, HEADER, team


def test_parse__or_is_looser_than_and_which_is_looser_than_not() -> None:
    tree = parse("not a or b and c")
    assert isinstance(tree, Or)
    assert isinstance(tree.operands[0], Not)
    assert isinstance(tree.operands[1], And)


def test_parse__two_word_operators_and_number_suffixes() -> None:
    tree = parse("email ends with '.edu' and country not in [DE, 'b c', 3] and revenue >= 1.5M")
    assert isinstance(tree, And)
    ops = [operand.op for operand in tree.operands if isinstance(operand, Compare)]
    assert ops == ["ends with", "not in", ">="]
    assert tree.operands[2].right.value == 1_500_000.0  # type: ignore[union-attr]


def test_parse__parentheses_are_part_of_the_span() -> None:
    text = "a and (b or c)"
    tree = parse(text)
    assert isinstance(tree, And)
    inner = tree.operands[1]
    assert text[inner.start : inner.end] == "(b or c)"


def test_parse__dotted_and_hyphenated_words_are_single_names() -> None:
    tree = parse("account.matched")
    assert tree == Name("account.matched", 0, 15)


@given(st.text(max_size=80))
@settings(max_examples=200, deadline=None)
def test_compile__raises_nothing_but_policy_error_on_any_condition_text(when: str) -> None:
    # JSON strings are valid YAML double-quoted scalars, so the text reaches the parser intact.
    text = HEADER + f"rules:\n  - {{id: r, route: pool na, when: {json.dumps(when)}}}\n" + CATCH_ALL
    try:
        compile_policy(text, "policy.yaml", team())
    except PolicyError as e:
        assert all(error.line >= 1 for error in e.errors)


ATOMS = ("f0", "f1", "f2")
FIELDS = "fields: {f0: bool, f1: bool, f2: bool}\n"


@dataclass(frozen=True)
class Tree:
    op: str  # "atom", "not", "and", "or"
    children: tuple[Tree, ...] = ()
    atom: str = ""

    def text(self) -> str:
        if self.op == "atom":
            return self.atom
        if self.op == "not":
            return f"not ({self.children[0].text()})"
        return "(" + f" {self.op} ".join(child.text() for child in self.children) + ")"

    def flat(self) -> str:
        """Written without the parentheses that precedence makes unnecessary."""
        if self.op == "atom":
            return self.atom
        if self.op == "not":
            inner = self.children[0]
            return f"not {inner.flat()}" if inner.op in ("atom", "not") else f"not ({inner.flat()})"
        parts = [
            f"({c.flat()})" if self.op == "and" and c.op == "or" else c.flat()
            for c in self.children
        ]
        return f" {self.op} ".join(parts)

    def value(self, ctx: dict[str, bool]) -> bool:
        if self.op == "atom":
            return ctx[self.atom]
        if self.op == "not":
            return not self.children[0].value(ctx)
        values = [child.value(ctx) for child in self.children]
        return all(values) if self.op == "and" else any(values)


trees = st.recursive(
    st.sampled_from(ATOMS).map(lambda a: Tree("atom", atom=a)),
    lambda inner: st.one_of(
        inner.map(lambda t: Tree("not", (t,))),
        st.tuples(st.sampled_from(("and", "or")), st.lists(inner, min_size=2, max_size=3)).map(
            lambda pair: Tree(pair[0], tuple(pair[1]))
        ),
    ),
    max_leaves=8,
)


@given(trees, st.fixed_dictionaries({atom: st.booleans() for atom in ATOMS}))
@settings(max_examples=100, deadline=None)
def test_compiled_condition__agrees_with_boolean_logic_under_the_precedence_rules(
    tree: Tree, ctx: dict[str, bool]
) -> None:
    for written in (tree.text(), tree.flat()):
        text = (
            HEADER
            + FIELDS
            + f"rules:\n  - {{id: r, route: pool na, when: {json.dumps(written)}}}\n"
        )
        policy = compile_policy(text + CATCH_ALL, "policy.yaml", team())
        assert (policy.rules[0].condition.first_false(ctx) == -1) is tree.value(ctx), written


def test_parse__nesting_at_the_limit_parses_and_past_it_is_a_syntax_error() -> None:
    # Each level goes through `or`, `and` and `not` parsing: the depth check, not Python's
    # recursion limit, must be what stops a deep condition.
    deepest = parse("(" * 63 + "a == 1" + ")" * 63)
    assert isinstance(deepest, Compare)
    with pytest.raises(ExpressionSyntaxError, match="nested too deeply"):
        parse("(" * 64 + "a == 1" + ")" * 64)
