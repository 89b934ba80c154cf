"""YAML text read into plain Python values that remember where each entry was written.

The one place the project parses YAML (policy, team and CRM files, roster changes, the
dashboard's list of rules). libyaml's C parser (through PyYAML's `CParser`) composes the nodes,
some thirty times faster than a parser in Python, which `leadrouter policy check` pays for on
every run; the values are built here with the YAML 1.2 core schema, so `no`, `on` and `yes` stay
text and `0o17` is octal. A mapping is a `YamlMap` (a dict) and a list a `YamlList`, each with the
1-based line and column of its entries, for messages that name file:line:column.

It must never construct arbitrary objects from tags (an unknown tag is an error), and every
problem leaves as a PolicyError naming the file, line and column.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import yaml
from yaml.cyaml import CParser
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from leadrouter.errors import PolicyError, SourceError

_TAG = "tag:yaml.org,2002:"


class YamlMap(dict[Any, Any]):
    """A YAML mapping; `where[key]` is (key line, key column, value line, value column).

    Keys merged in with `<<: *anchor` have no position of their own.
    """

    __slots__ = ("where",)

    def __init__(self) -> None:
        super().__init__()
        self.where: dict[Any, tuple[int, int, int, int]] = {}


class YamlList(list[Any]):
    """A YAML list; `where[i]` is the line and column of item i."""

    __slots__ = ("where",)

    def __init__(self) -> None:
        super().__init__()
        self.where: list[tuple[int, int]] = []


# The YAML 1.2 core schema for plain scalars, with the patterns ruamel.yaml used before:
# (type, pattern, the characters a value of that type can start with).
_PLAIN_SCALARS: tuple[tuple[str, str, str | list[str]], ...] = (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    (
        "float",
        r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
        "-+0123456789.",
    ),
    (
        "int",
        r"^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)$",
        "-+0123456789",
    ),
    ("merge", r"^(?:<<)$", "<"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    (
        "timestamp",
        r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
        |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?
        (?:[Tt]|[\ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?
        (?:[\ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
        "0123456789",
    ),
)


class _CoreSchema(BaseResolver):
    """Types plain scalars by `_PLAIN_SCALARS` (PyYAML's own resolver follows YAML 1.1)."""


for kind, pattern, first in _PLAIN_SCALARS:
    _CoreSchema.add_implicit_resolver(_TAG + kind, re.compile(pattern, re.X), list(first))

_TIMESTAMP = re.compile(
    r"""^(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})
    (?:(?:[Tt]|[\ \t]+)(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})
    (?:\.(?P<fraction>[0-9]*))?
    (?:[\ \t]*(?P<tz>Z|(?P<tz_sign>[-+])(?P<tz_hour>[0-9]{1,2})(?::(?P<tz_minute>[0-9]{2}))?)
    )?)?$""",
    re.X,
)


class _Composer(CParser, _CoreSchema):  # type: ignore[misc]
    def __init__(self, text: str) -> None:
        CParser.__init__(self, text)
        _CoreSchema.__init__(self)


class _Problem(Exception):
    """A value the parser accepted but that cannot be built; where it is and why."""

    def __init__(self, node: Node, message: str) -> None:
        super().__init__(message)
        self.line, self.column = node.start_mark.line + 1, node.start_mark.column + 1
        self.message = message


def read_yaml(text: str, source: str) -> Any:
    """The single document in `text` (None when empty); a PolicyError names where it is invalid."""
    try:
        node = _Composer(text).get_single_node()
        return None if node is None else _Builder().value(node)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = _in_words(e.problem or e.context or "cannot be read", text, mark)
        raise PolicyError([SourceError(source, line, column, f"invalid YAML: {problem}")]) from e
    except yaml.YAMLError as e:
        raise PolicyError([SourceError(source, 0, 0, f"invalid YAML: {e}")]) from e
    except _Problem as e:
        raise PolicyError(
            [SourceError(source, e.line, e.column, f"invalid YAML: {e.message}")]
        ) from e
    except RecursionError as e:  # libyaml nests 1,000 levels deep; building them takes more
        raise PolicyError([SourceError(source, 0, 0, "invalid YAML: nested too deeply")]) from e


def _in_words(problem: str, text: str, mark: Any) -> str:
    problem = problem.replace(" in this context", " here")  # as the messages have always said
    if problem == "found character that cannot start any token" and mark is not None:
        # libyaml does not say which character; a tab is by far the most common one.
        found = text[mark.index : mark.index + 1] if mark.index < len(text) else ""
        problem = f"found character {found!r} that cannot start any token"
        if found == "\t":
            problem += " (YAML indents with spaces, never tabs)"
    return problem


def _duplicate(key: Any, value: Any, first: Any, first_line: int) -> str:
    """The duplicate-key message: both values when they are short scalars, else where the key
    first stood (a repeated `rules:` must not print both rule lists whole)."""
    shown = [v for v in (value, first) if not isinstance(v, YamlList | YamlMap)]
    if len(shown) == 2 and all(len(str(v)) <= 60 for v in shown):
        return f'found duplicate key "{key}" with value "{value}" (original value: "{first}")'
    return f'found duplicate key "{key}" (first at line {first_line})'


class _Builder:
    """Values from composed nodes; an alias is the value built for its anchor."""

    def __init__(self) -> None:
        self._built: dict[int, Any] = {}

    def value(self, node: Node) -> Any:
        key = id(node)
        if key in self._built:
            if self._built[key] is _BUILDING:
                raise _Problem(node, "an alias refers to the value that holds it")
            return self._built[key]
        self._built[key] = _BUILDING
        if isinstance(node, ScalarNode):
            built = _scalar(node)
        elif isinstance(node, SequenceNode) and node.tag == _TAG + "seq":
            built = self._list(node)
        elif isinstance(node, MappingNode) and node.tag == _TAG + "map":
            built = self._map(node)
        else:
            raise _Problem(node, f"unknown tag '{node.tag}'")
        self._built[key] = built
        return built

    def _list(self, node: SequenceNode) -> YamlList:
        found = YamlList()
        for item in node.value:
            found.append(self.value(item))
            found.where.append(_at(item))
        return found

    def _map(self, node: MappingNode) -> YamlMap:
        found = YamlMap()
        merged: list[YamlMap] = []
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                merged.extend(self._merged(value_node))
                continue
            key = self.value(key_node)
            if isinstance(key, YamlList | YamlMap):
                raise _Problem(key_node, "a key must be a single value, not a list or a mapping")
            value = self.value(value_node)
            if key in found:
                raise _Problem(key_node, _duplicate(key, value, found[key], found.where[key][0]))
            found[key] = value
            found.where[key] = (*_at(key_node), *_at(value_node))
        for mapping in merged:  # the first mapping merged wins, and keys written here win
            for key, value in mapping.items():
                found.setdefault(key, value)
        return found

    def _merged(self, node: Node) -> list[YamlMap]:
        values = self.value(node)
        mappings = values if isinstance(values, YamlList) else [values]
        if not all(isinstance(m, YamlMap) for m in mappings):
            raise _Problem(node, "'<<' merges a mapping or a list of mappings")
        return mappings


_BUILDING = object()


def _at(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _scalar(node: ScalarNode) -> Any:
    text: str = node.value
    kind = node.tag.removeprefix(_TAG)
    try:
        if kind == "str":
            return text
        if kind == "null":
            return None
        if kind == "bool":
            return {"true": True, "false": False}[text.lower()]
        if kind == "int":
            return _int(text)
        if kind == "float":
            return _float(text)
        if kind == "timestamp":
            return _timestamp(text)
    except (KeyError, ValueError, IndexError):
        raise _Problem(node, f"'{text}' is not a valid {kind}") from None
    raise _Problem(node, f"unknown tag '{node.tag}'")


def _int(text: str) -> int:
    digits = text.replace("_", "")
    sign = -1 if digits[0] == "-" else 1
    digits = digits.lstrip("+-")
    for prefix, base in (("0b", 2), ("0x", 16), ("0o", 8)):
        if digits.startswith(prefix):
            return sign * int(digits[2:], base)
    return sign * int(digits)


def _float(text: str) -> float:
    digits = text.replace("_", "").lower()
    sign = -1.0 if digits[0] == "-" else 1.0
    digits = digits.lstrip("+-")
    if digits in (".inf", ".nan"):
        return sign * float(digits[1:])
    return sign * float(digits)


def _timestamp(text: str) -> date | datetime:
    parts = _TIMESTAMP.match(text)
    if parts is None:
        raise ValueError(text)
    day = date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    if parts["hour"] is None:
        return day
    micro = int((parts["fraction"] or "0")[:6].ljust(6, "0"))
    zone = None
    if parts["tz"] == "Z":
        zone = UTC
    elif parts["tz"]:
        offset = timedelta(hours=int(parts["tz_hour"]), minutes=int(parts["tz_minute"] or 0))
        zone = timezone(-offset if parts["tz_sign"] == "-" else offset)
    return datetime(
        day.year,
        day.month,
        day.day,
        int(parts["hour"]),
        int(parts["minute"]),
        int(parts["second"]),
        micro,
        zone,
    )
