"""Reading a policy or team YAML file with the position of every value, and collecting problems.

The compilers in this package walk the YAML through a `Document`: it checks shapes (mappings,
lists, scalars of a type), records each problem with the file, 1-based line and column and the
dotted field path a user needs to fix it, and carries on, so that one run lists every problem.
It must never stop at the first problem, and nothing it reports may escape as anything but a
PolicyError.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

from leadrouter.errors import PolicyError, SourceError
from leadrouter.policy.yaml_values import YamlList, YamlMap, read_yaml

# Below this similarity (0-100) a suggestion is more likely noise than help.
_SUGGESTION_CUTOFF = 65
_ID = re.compile(r"[A-Za-z0-9_.-]+")  # what the policy's own ids (rules, triggers) are made of


@dataclass(frozen=True, slots=True)
class Node:
    """A value from the YAML, where it was written and its dotted path in the document."""

    value: Any
    path: str
    line: int  # 1-based position of the value
    column: int
    key_line: int  # 1-based position of the key that holds it (the value itself for list items)
    key_column: int

    def child(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def key(self, name: str) -> Node:
        """The key that holds this value, as a node of its own, for what the key itself names."""
        return Node(name, self.path, self.key_line, self.key_column, self.key_line, self.key_column)


def read_source(path: Path) -> str:
    """A policy or team file's text; a file that cannot be read is a PolicyError like any other."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        reason = e.strerror if isinstance(e, OSError) else "not UTF-8 text"
        raise PolicyError([SourceError(str(path), 0, 0, f"cannot read the file: {reason}")]) from e


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest choice, or '' when none is close."""
    from rapidfuzz import fuzz, process  # only a policy with a mistake needs it

    best = process.extractOne(
        word,
        list(choices),
        scorer=fuzz.ratio,
        processor=str.casefold,
        score_cutoff=_SUGGESTION_CUTOFF,
    )
    return f" (did you mean '{best[0]}'?)" if best else ""


def describe(value: Any) -> str:
    """A value's kind in a user's words, for 'expected X, got Y' messages."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        # Literals are floats by the time they are checked; show 5000 as written, not 5000.0.
        return f"the number {int(value) if float(value).is_integer() else value}"
    if isinstance(value, str):
        return f"the text '{value}'"
    if isinstance(value, date):
        return f"'{value.isoformat()}'"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"'{value}'"


def plain(value: Any) -> Any:
    """The YAML value as plain Python values: read-only dicts, tuples, str, int, float, bool."""
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): plain(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(plain(v) for v in value)
    if isinstance(value, date):
        # Leads arrive as JSON or CSV text, so a YAML date in a test lead is given as text too.
        return value.isoformat()
    return value


class Document:
    """One YAML file being compiled: its parsed tree and the problems found so far."""

    def __init__(self, text: str, source: str) -> None:
        self.source = source
        self.errors: list[SourceError] = []
        self._lines = text.splitlines()
        self.root = self._load(text)

    def _load(self, text: str) -> Node | None:
        try:
            data = read_yaml(text, self.source)
        except PolicyError as e:
            self.errors.extend(e.errors)
            return None
        return Node(data, "", 1, 1, 1, 1)

    # ------------------------------------------------------------ reporting

    def error(self, node: Node, message: str, *, at_key: bool = False) -> None:
        line, column = (node.key_line, node.key_column) if at_key else (node.line, node.column)
        self.errors.append(SourceError(self.source, line, column, message, node.path))

    def error_inside(self, node: Node, offset: int, message: str) -> None:
        """A problem at character `offset` of a text value (an expression, a route)."""
        line, column = self.position(node, offset)
        self.errors.append(SourceError(self.source, line, column, message, node.path))

    def position(self, node: Node, offset: int) -> tuple[int, int]:
        """Line and column of a character inside a text value, as precisely as the YAML allows.

        Exact for plain and quoted scalars written on one line (without escapes); for block and
        multi-line scalars, the scalar's own position.
        """
        text = node.value
        if isinstance(text, str) and 0 < node.line <= len(self._lines):
            written = self._lines[node.line - 1]
            start = node.column - 1
            if written.startswith(text, start):
                return node.line, node.column + offset
            if written[start : start + 1] in ("'", '"') and written.startswith(text, start + 1):
                return node.line, node.column + 1 + offset
        return node.line, node.column

    def mark(self) -> int:
        """A checkpoint: `failed_since(mark)` tells whether anything was reported after it."""
        return len(self.errors)

    def failed_since(self, mark: int) -> bool:
        return len(self.errors) > mark

    def valid_id(self, node: Node, value: str, what: str) -> bool:
        """Whether `value` is an id the policy may give (a rule's, a reroute trigger's); when not,
        a problem saying what `what` ids are made of."""
        if _ID.fullmatch(value):
            return True
        self.error(node, f"{what} ids use only letters, digits, '_', '.' and '-'")
        return False

    def first_use(self, node: Node, value: str, seen: dict[str, int], what: str) -> bool:
        """Whether `value` (an id) is used here first, noting its line in `seen`; a second use
        is reported with the line of the first."""
        if value in seen:
            self.error(node, f"duplicate {what} '{value}' (first at line {seen[value]})")
            return False
        seen[value] = node.line
        return True

    def raise_if_any(self) -> None:
        if self.errors:
            raise PolicyError(sorted(self.errors, key=lambda e: (e.line, e.column)))

    # ------------------------------------------------------------ shapes
    # `entries`, `items` and `texts` read optional sections: an absent one (None) is empty, and
    # one of the wrong shape is reported and read as empty; `mark` tells the two apart.

    def entries(self, node: Node | None, what: str) -> list[tuple[str, Node]]:
        """The (key, value) pairs of a mapping whose keys the user names (fields, sets, days)."""
        return (self._pairs(node, what) or []) if node is not None else []

    def _pairs(self, node: Node, what: str) -> list[tuple[str, Node]] | None:
        value = node.value
        if not isinstance(value, YamlMap):
            self.error(node, f"expected a mapping of {what}, got {describe(value)}")
            return None
        found: list[tuple[str, Node]] = []
        for key in value:
            child = self._child(node, value, key)
            if not isinstance(key, str):
                self.error(child, f"expected a name, got {describe(key)}", at_key=True)
                continue
            found.append((key, child))
        return found

    def _child(self, node: Node, mapping: YamlMap, key: Any) -> Node:
        # Keys pulled in by a YAML merge (<<: *anchor) have no position of their own.
        kl, kc, vl, vc = mapping.where.get(key, (node.line, node.column) * 2)
        child_value = mapping[key]
        if child_value is None:
            # An empty value's recorded position is wherever the next token starts.
            vl, vc = kl, kc
        return Node(child_value, node.child(str(key)), vl, vc, kl, kc)

    def mapping(
        self, node: Node, *, required: Collection[str] = (), optional: Collection[str] = ()
    ) -> dict[str, Node] | None:
        """The keys of a mapping with a fixed set of keys; unknown and missing keys reported."""
        allowed = (*required, *optional)
        pairs = self._pairs(node, ", ".join(allowed))
        if pairs is None:
            return None
        found: dict[str, Node] = {}
        for key, child in pairs:
            if key in allowed:
                found[key] = child
            else:
                self.error(child, f"unknown key '{key}'{did_you_mean(key, allowed)}", at_key=True)
        for key in required:
            if key not in found:
                where = Node(None, node.child(key), node.line, node.column, node.line, node.column)
                self.error(where, f"missing required key '{key}'")
        return found

    def items(self, node: Node | None, what: str) -> list[Node]:
        if node is None:
            return []
        value = node.value
        if not isinstance(value, YamlList):
            self.error(node, f"expected a list of {what}, got {describe(value)}")
            return []
        return [
            Node(item, f"{node.path}[{i}]", line, column, line, column)
            for i, (item, (line, column)) in enumerate(zip(value, value.where, strict=True))
        ]

    # ------------------------------------------------------------ scalars

    def text(self, node: Node, what: str = "text") -> str | None:
        if isinstance(node.value, str):
            return str(node.value)
        hint = " (put it in quotes)" if isinstance(node.value, int | float) else ""
        self.error(node, f"expected {what}, got {describe(node.value)}{hint}")
        return None

    def texts(self, node: Node | None, what: str) -> list[tuple[str, Node]]:
        """A list of texts, each with its node, skipping (and reporting) items that are not."""
        return [
            (text, item) for item in self.items(node, what) if (text := self.text(item)) is not None
        ]

    def number(self, node: Node) -> float | None:
        value = node.value
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return float(value)
        self.error(node, f"expected a number, got {describe(value)}")
        return None

    def count(self, node: Node, *, minimum: int) -> int | None:
        value = node.value
        if isinstance(value, int) and not isinstance(value, bool) and value >= minimum:
            return int(value)
        self.error(node, f"expected a whole number of at least {minimum}, got {describe(value)}")
        return None

    def flag(self, node: Node) -> bool | None:
        if isinstance(node.value, bool):
            return bool(node.value)
        self.error(node, f"expected true or false, got {describe(node.value)}")
        return None

    def choice(self, node: Node, choices: Collection[str]) -> str | None:
        text = self.text(node)
        if text is None:
            return None
        if text in choices:
            return text
        self.error(
            node,
            f"unknown value '{text}'{did_you_mean(text, choices)}; expected one of "
            + ", ".join(choices),
        )
        return None

    def reference(
        self, node: Node, ident: str, known: Collection[str], what: str, *, offset: int = 0
    ) -> bool:
        """Whether `ident` names one of `known`; if not, reports it with a suggestion."""
        if ident in known:
            return True
        self.error_inside(node, offset, f"unknown {what} '{ident}'{did_you_mean(ident, known)}")
        return False
