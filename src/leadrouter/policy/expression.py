"""The condition language's syntax: a hand-written tokenizer and recursive-descent parser.

Turns the text of a `when:` into a small tree of frozen nodes, each carrying its character span
so that errors and the trace can point into the text. Precedence, loosest first: `or`, `and`,
`not`, comparison. This module knows nothing of fields or types (see `conditions`), and it must
never evaluate anything: no eval, exec or compile of Python source, ever.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import NoReturn

# Keywords are matched case-insensitively: people coming from SQL write AND and OR.
KEYWORDS = frozenset(
    {
        "and",
        "or",
        "not",
        "in",
        "contains",
        "starts",
        "ends",
        "with",
        "matches",
        "is",
        "missing",
        "present",
        "true",
        "false",
    }
)
ORDERING = frozenset({"<", "<=", ">", ">="})
_SYMBOLS = ("==", "!=", "<=", ">=", "<", ">", "(", ")", "[", "]", ",")
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d+)?|\.\d+)([kKmMbB]?)")
_SCALE = {"": 1.0, "k": 1e3, "m": 1e6, "b": 1e9}
# Units of time after a number ("7 days", "30 minutes"), in seconds.
DURATION_UNITS = {
    **dict.fromkeys(("second", "seconds", "sec", "secs"), 1.0),
    **dict.fromkeys(("minute", "minutes", "min", "mins"), 60.0),
    **dict.fromkeys(("hour", "hours", "hr", "hrs"), 3600.0),
    **dict.fromkeys(("day", "days"), 86400.0),
    **dict.fromkeys(("week", "weeks"), 604800.0),
}
# Deeper nesting than this is a mistake, and would otherwise exhaust Python's recursion limit.
_MAX_DEPTH = 64


class ExpressionSyntaxError(ValueError):
    """A condition that cannot be parsed; always turned into a PolicyError by the compiler."""

    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "word", "number", "string", a symbol such as "==" or "(", or "end"
    text: str  # as written
    start: int
    end: int
    number: float = 0.0  # the value of a "number"
    string: str = ""  # the unquoted value of a "string"

    @property
    def keyword(self) -> str | None:
        folded = self.text.casefold()
        return folded if self.kind == "word" and folded in KEYWORDS else None


# ---------------------------------------------------------------- syntax tree


@dataclass(frozen=True, slots=True)
class Name:
    name: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Literal:
    value: str | float | bool
    start: int
    end: int
    duration: bool = False  # a number with a unit of time ("7 days"): `value` is in seconds


@dataclass(frozen=True, slots=True)
class ListLiteral:
    items: tuple[Literal, ...]
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Compare:
    op: str  # "==", "<", "in", "not in", "contains", "starts with", "matches", ...
    left: Name
    right: Name | Literal | ListLiteral
    op_start: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Presence:
    name: Name
    present: bool
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Not:
    operand: Expr
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class And:
    operands: tuple[Expr, ...]
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Or:
    operands: tuple[Expr, ...]
    start: int
    end: int


Expr = Name | Compare | Presence | Not | And | Or


# ---------------------------------------------------------------- tokenizer


def tokenize(text: str) -> list[Token]:
    """The tokens of a condition, ending with an "end" token."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "\"'":
            tokens.append(_string(text, i))
            i = tokens[-1].end
        elif (found := _NUMBER.match(text, i)) is not None:
            tokens.append(_number(text, found))
            i = tokens[-1].end
        elif c.isalpha() or c == "_":
            j = i + 1
            # Words may hold dots and hyphens (account.matched, US-CA); there is no arithmetic.
            while j < n and (text[j].isalnum() or text[j] in "_.-"):
                j += 1
            while text[j - 1] in ".-":
                j -= 1
            tokens.append(Token("word", text[i:j], i, j))
            i = j
        else:
            symbol = next((s for s in _SYMBOLS if text.startswith(s, i)), None)
            if symbol is None:
                hint = {"=": "; compare with ==", "!": "; write != or not"}.get(c, "")
                raise ExpressionSyntaxError(i, f"unexpected character '{c}'{hint}")
            tokens.append(Token(symbol, symbol, i, i + len(symbol)))
            i += len(symbol)
    tokens.append(Token("end", "", n, n))
    return tokens


def _string(text: str, start: int) -> Token:
    quote = text[start]
    chars: list[str] = []
    i = start + 1
    while i < len(text):
        c = text[i]
        if c == quote:
            return Token("string", text[start : i + 1], start, i + 1, string="".join(chars))
        # Only the quote and the backslash itself are escaped, so regexes keep their \d and \.
        if c == "\\" and i + 1 < len(text) and text[i + 1] in (quote, "\\"):
            i += 1
            c = text[i]
        chars.append(c)
        i += 1
    raise ExpressionSyntaxError(start, f"text opened with {quote} is never closed")


def _number(text: str, found: re.Match[str]) -> Token:
    start, end = found.span()
    if end < len(text) and (text[end].isalnum() or text[end] in "_."):
        raise ExpressionSyntaxError(
            start,
            f"'{_word_at(text, start)}' is not a number (numbers look like 1000, 2.5, 5k, 1M)",
        )
    value = float(found.group(0)[: len(found.group(0)) - len(found.group(1))])
    return Token(
        "number", found.group(0), start, end, number=value * _SCALE[found.group(1).lower()]
    )


def _word_at(text: str, start: int) -> str:
    end = start
    while end < len(text) and not text[end].isspace() and text[end] not in "()[],":
        end += 1
    return text[start:end]


# ---------------------------------------------------------------- parser


def parse(text: str) -> Expr:
    """The syntax tree of a condition; raises ExpressionSyntaxError at the first problem."""
    return _Parser(tokenize(text)).parse()


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.depth = 0

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def expect(self, kind: str, what: str) -> Token:
        if self.peek().kind != kind:
            self.fail(f"expected {what}")
        return self.take()

    def fail(self, message: str) -> NoReturn:
        token = self.peek()
        found = "the end of the condition" if token.kind == "end" else f"'{token.text}'"
        raise ExpressionSyntaxError(token.start, f"{message}, found {found}")

    def parse(self) -> Expr:
        if self.peek().kind == "end":
            raise ExpressionSyntaxError(0, "empty condition")
        expr = self.disjunction()
        if self.peek().kind != "end":
            self.fail("expected 'and', 'or' or the end of the condition")
        return expr

    def disjunction(self) -> Expr:
        return self.joined("or", self.conjunction, Or)

    def conjunction(self) -> Expr:
        return self.joined("and", self.negation, And)

    def joined(self, keyword: str, operand: Callable[[], Expr], node: type[And] | type[Or]) -> Expr:
        """Operands (each read by `operand`) separated by `keyword`: one alone is itself, two or
        more one `node` spanning them all."""
        operands = [operand()]
        while self.peek().keyword == keyword:
            self.take()
            operands.append(operand())
        if len(operands) == 1:
            return operands[0]
        return node(tuple(operands), operands[0].start, operands[-1].end)

    def negation(self) -> Expr:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise ExpressionSyntaxError(self.peek().start, "condition nested too deeply")
        try:
            token = self.peek()
            if token.keyword == "not":
                self.take()
                operand = self.negation()
                return Not(operand, token.start, operand.end)
            if token.kind == "(":
                self.take()
                inner = self.disjunction()
                close = self.expect(")", "')'")
                # The span takes in the parentheses, so a clause's source reads as written.
                return replace(inner, start=token.start, end=close.end)
            return self.comparison()
        finally:
            self.depth -= 1

    def comparison(self) -> Expr:
        token = self.peek()
        if token.kind != "word" or token.keyword is not None:
            self.fail("expected a field name, a territory, 'not' or '('")
        self.take()
        left = Name(token.text, token.start, token.end)
        op_token = self.peek()
        op = self.operator()
        if op is None:
            return left
        if op in ("is missing", "is present"):
            return Presence(left, op == "is present", left.start, self.tokens[self.i - 1].end)
        right = self.operand()
        return Compare(op, left, right, op_token.start, left.start, right.end)

    def operator(self) -> str | None:
        token = self.peek()
        if token.kind in ("==", "!=", "<", "<=", ">", ">="):
            return self.take().kind
        word = token.keyword
        if word in ("in", "contains", "matches"):
            self.take()
            return word
        if word == "not" and self.peek(1).keyword == "in":
            self.i += 2
            return "not in"
        if word in ("starts", "ends"):
            self.take()
            if self.peek().keyword != "with":
                self.fail(f"expected 'with' after '{word}'")
            self.take()
            return f"{word} with"
        if word == "is":
            self.take()
            after = self.peek().keyword
            if after not in ("missing", "present"):
                self.fail("expected 'missing' or 'present' after 'is'")
            self.take()
            return f"is {after}"
        return None

    def operand(self) -> Name | Literal | ListLiteral:
        token = self.peek()
        if token.kind == "[":
            return self.list_literal()
        if token.keyword in ("true", "false"):
            self.take()
            return Literal(token.keyword == "true", token.start, token.end)
        if token.kind == "word" and token.keyword is None:
            self.take()
            return Name(token.text, token.start, token.end)
        literal = self.scalar()
        if literal is None:
            self.fail("expected a value, a list or a name")
        return literal

    def scalar(self) -> Literal | None:
        token = self.peek()
        if token.kind == "number":
            self.take()
            unit = self.peek()
            seconds = DURATION_UNITS.get(unit.text.casefold()) if unit.kind == "word" else None
            if seconds is not None:
                self.take()
                return Literal(token.number * seconds, token.start, unit.end, duration=True)
            return Literal(token.number, token.start, token.end)
        if token.kind == "string":
            self.take()
            return Literal(token.string, token.start, token.end)
        return None

    def list_literal(self) -> ListLiteral:
        opening = self.take()
        items: list[Literal] = []
        while self.peek().kind != "]":
            token = self.peek()
            if token.kind == "word":
                # Bare words in lists are text: [fintech, banking], [DE, AT, CH].
                self.take()
                items.append(Literal(token.text, token.start, token.end))
            else:
                literal = self.scalar()
                if literal is None:
                    self.fail("expected a value in the list")
                items.append(literal)
            if self.peek().kind == ",":
                self.take()
            elif self.peek().kind != "]":
                self.fail("expected ',' or ']'")
        closing = self.take()
        if not items:
            raise ExpressionSyntaxError(opening.start, "empty list")
        return ListLiteral(tuple(items), opening.start, closing.end)
