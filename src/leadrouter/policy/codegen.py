"""A policy's rules as generated Python source: a first-match scan as fast as a written if/elif.

Each clause writes itself as a Python expression (see `conditions`), over identifiers this module
makes up: `v3` is a field's value, `f3` its casefolded text, `k7` a literal, a set, a compiled
regex or a closure, `c2` the outcome of a closure worth calling once per lead. The source holds
nothing the user wrote, not even a field name: every name and value it reads is bound in the
namespace the code runs in. So a rule costs what `if f0 in k1 and v2 is not None and v2 >= k3:`
costs, whatever the policy says.

Big policies are split on the fields their rules pin down (`country in EMEA`, a territory,
`segment == "smb"`): the generated code looks the lead's value up in a table and scans only the
rules that value can meet, in policy order, so a lead does not test every rule of another
region. The trace part then walks the rules before the match, in order, naming each one's first
false clause, exactly as `CompiledRule.check` does (tests hold the two equal).

This module writes, compiles and runs code; it never reads the lead and never does I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from leadrouter.model import RuleCheck

if TYPE_CHECKING:
    from leadrouter.policy.compiled import Clause, CompiledRule, Context

Emit = Callable[["Names"], str]

# A run of more rules than this is split on the field most of them pin down, if one does
# (at least a quarter of them), up to this many nested splits.
DISPATCH_AT = 16
_DEPTH = 3
_UNSET = object()  # a closure's outcome not yet known for this lead


class Names:
    """The identifiers of one generated module, and the values they are bound to."""

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {"_U": _UNSET}
        self._consts: dict[int, str] = {}
        self._values: dict[str, str] = {}
        self._folded: dict[str, str] = {}
        self._calls: dict[int, str] = {}

    def const(self, value: Any) -> str:
        """The identifier bound to `value` (the namespace keeps it alive, so ids stay unique)."""
        name = self._consts.get(id(value))
        if name is None:
            name = self._consts[id(value)] = f"k{len(self._consts)}"
            self.namespace[name] = value
        return name

    def value(self, field: str) -> str:
        """The local holding the lead's value of `field`, None when it lacks one."""
        name = self._values.get(field)
        if name is None:
            name = self._values[field] = f"v{len(self._values)}"
        return name

    def folded(self, field: str) -> str:
        """The local holding the casefolded text of `field`, None when the lead lacks it."""
        name = self._folded.get(field)
        if name is None:
            self.value(field)
            name = self._folded[field] = f"f{len(self._folded)}"
        return name

    def call(self, test: Callable[[Context], bool]) -> str:
        """An expression calling `test` at most once per lead, however many rules use it."""
        name = self._calls.get(id(test))
        if name is None:
            name = self._calls[id(test)] = f"c{len(self._calls)}"
        return f"({name} if {name} is not _U else ({name} := {self.const(test)}(ctx)))"

    def prologue(self) -> list[str]:
        """Statements reading the fields the code uses, once per lead, at the top of a function."""
        lines = ["get = ctx.get"]
        lines += [f"{name} = get({self.const(field)})" for field, name in self._values.items()]
        for field, name in self._folded.items():
            value = self._values[field]
            lines.append(f"{name} = None if {value} is None else {value}.casefold()")
        lines += [f"{name} = _U" for name in self._calls.values()]
        return lines


def emit(clause: Clause, names: Names) -> str:
    """`clause` as a parenthesized Python expression."""
    if clause.emit is None:  # a clause built by hand: the generated code calls its test
        return names.call(clause.test)
    return clause.emit(names)


def condition(rule: CompiledRule, names: Names) -> str | None:
    """The rule's condition as an expression; None when it always holds."""
    clauses = rule.condition.clauses
    return " and ".join(emit(clause, names) for clause in clauses) if clauses else None


def _pinned(rule: CompiledRule) -> dict[str, frozenset[str]]:
    """Per field, the casefolded values the rule can hold for (fields it does not pin: absent)."""
    found: dict[str, frozenset[str]] = {}
    for clause in rule.condition.clauses:
        if clause.allows is not None:
            field, values = clause.allows
            found[field] = found[field] & values if field in found else values
    return found


class _Planner:
    """Writes the first-match part: rule tests in order, split by dispatch tables where it pays."""

    def __init__(
        self,
        rules: Sequence[CompiledRule],
        names: Names,
        found: Callable[[int], str],
        nothing: str,
    ) -> None:
        self.rules = rules
        self.names = names
        self.found = found  # the statement run when rule i holds (return i; m = i; break)
        self.nothing = nothing  # the statement run when no rule of a block holds
        self.pinned = [_pinned(rule) for rule in rules]

    def block(
        self, indices: tuple[int, ...], indent: str, depth: int, used: frozenset[str]
    ) -> list[str]:
        if len(indices) > DISPATCH_AT and depth < _DEPTH:
            split = self.split(indices, used)
            if split is not None:
                return self.dispatch(*split, indent=indent, depth=depth, used=used)
        lines = []
        for i in indices:
            test = condition(self.rules[i], self.names)
            if test is None:
                lines.append(indent + self.found(i))
                return lines  # the rules after it are never tried
            lines += [f"{indent}if {test}:", f"{indent}    {self.found(i)}"]
        lines.append(indent + self.nothing)
        return lines

    def split(
        self, indices: tuple[int, ...], used: frozenset[str]
    ) -> tuple[str, tuple[int, ...], dict[str, tuple[int, ...]]] | None:
        """The field most rules of `indices` pin, the rules that do not pin it, and per value the
        rules that value can meet (in order); None when no field pins a quarter of them."""
        counts: dict[str, int] = {}
        for i in indices:
            for field in self.pinned[i]:
                if field not in used:
                    counts[field] = counts.get(field, 0) + 1
        if not counts:
            return None
        field = max(counts, key=counts.__getitem__)
        if counts[field] * 4 < len(indices):
            return None
        values: set[str] = set()
        for i in indices:
            values |= self.pinned[i].get(field, frozenset())
        free = tuple(i for i in indices if field not in self.pinned[i])
        groups = {
            value: tuple(
                i for i in indices if field not in self.pinned[i] or value in self.pinned[i][field]
            )
            for value in sorted(values)
        }
        return field, free, groups

    def dispatch(
        self,
        field: str,
        free: tuple[int, ...],
        groups: dict[str, tuple[int, ...]],
        *,
        indent: str,
        depth: int,
        used: frozenset[str],
    ) -> list[str]:
        # Values meeting the same rules share one block; block 0 is for values no rule pins.
        blocks: dict[tuple[int, ...], int] = {free: 0}
        table = {value: blocks.setdefault(group, len(blocks)) for value, group in groups.items()}
        order = sorted(blocks, key=blocks.__getitem__)
        chosen = f"b{depth}"
        lines = [f"{indent}{chosen} = {self.names.const(table)}.get({self.names.folded(field)}, 0)"]
        inner = used | {field}

        def tree(low: int, high: int, at: str) -> list[str]:
            if high - low == 1:
                return self.block(order[low], at, depth + 1, inner)
            middle = (low + high) // 2
            return [
                f"{at}if {chosen} < {middle}:",
                *tree(low, middle, at + "    "),
                f"{at}else:",
                *tree(middle, high, at + "    "),
            ]

        return lines + tree(0, len(order), indent)


class Miss:
    """A rule's trace entry when one of its clauses is false, remembered per values it read."""

    __slots__ = ("budget", "clause", "entries", "rule")

    def __init__(self, rule: str, clause: Clause, budget: list[int]) -> None:
        self.rule = rule
        self.clause = clause
        self.entries: dict[Any, RuleCheck] = {}
        self.budget = budget  # entries the whole policy may still remember, shared

    def __call__(self, ctx: Context, key: Any) -> RuleCheck:
        fields = self.clause.fields
        entry = RuleCheck(
            self.rule,
            False,
            self.clause.source,
            tuple(f for f in fields if f not in ctx),
            tuple((f, ctx[f]) for f in fields if f in ctx),
        )
        if len(self.entries) < ENTRIES_PER_CLAUSE and self.budget[0] > 0:
            self.budget[0] -= 1
            self.entries[key] = entry
        return entry


# Trace entries remembered per rule's clause, per distinct values it read, and in all (a few
# hundred bytes each): a clause over a unique value costs memory once, not per lead.
ENTRIES_PER_CLAUSE = 256
ENTRIES = 65_536


class Generated:
    """The compiled functions of one policy's rules.

    `scan(ctx) -> (m, entries)`: the index of the first rule that holds (len(rules) for none)
    and the trace entry of every rule before it. `first(ctx) -> m` alone, for measuring.
    """

    def __init__(self, rules: Sequence[CompiledRule], hits: Sequence[RuleCheck]) -> None:
        self.rules = rules
        self.hits = hits
        names = Names()
        body = self._scan_body(names)
        self.source = _module(names, "scan", body)
        self.scan: Callable[[Context], tuple[int, list[RuleCheck]]] = _run(
            self.source, names, "scan"
        )
        self._first: Callable[[Context], int] | None = None

    @property
    def first(self) -> Callable[[Context], int]:
        if self._first is None:
            names = Names()
            planner = _Planner(
                self.rules, names, lambda i: f"return {i}", f"return {len(self.rules)}"
            )
            body = planner.block(tuple(range(len(self.rules))), "", 0, frozenset())
            self._first = _run(_module(names, "first", body), names, "first")
        return self._first

    def _scan_body(self, names: Names) -> list[str]:
        rules = self.rules
        planner = _Planner(rules, names, lambda i: f"m = {i}; break", "break")
        lines = [f"m = {len(rules)}", "while True:"]
        lines += planner.block(tuple(range(len(rules))), "    ", 0, frozenset())
        lines += ["out = []", "app = out.append"]
        budget = [ENTRIES]
        for i, rule in enumerate(rules):
            lines.append(f"if m == {i}: return m, out")
            clauses = rule.condition.clauses
            for j, clause in enumerate(clauses):
                miss = Miss(rule.id, clause, budget)
                key = _key(clause, names)
                lines += [
                    f"{'if' if j == 0 else 'elif'} not {emit(clause, names)}:",
                    f"    app({names.const(miss.entries)}.get({key}) or"
                    f" {names.const(miss)}(ctx, {key}))",
                ]
            hit = f"app({names.const(self.hits[i])})"
            lines += ["else:", f"    {hit}"] if clauses else [hit]
        lines.append("return m, out")
        return lines


def _key(clause: Clause, names: Names) -> str:
    """The memo key of a clause's trace entry: the values it read (None for a missing one)."""
    fields = clause.fields
    if len(fields) == 1:
        return names.value(fields[0])
    return f"({''.join(names.value(f) + ', ' for f in fields)})"


def _module(names: Names, function: str, body: list[str]) -> str:
    # The prologue last: it reads every field the body came to use.
    lines = [f"def {function}(ctx):"]
    lines += ["    " + line for line in names.prologue()]
    lines += ["    " + line for line in body]
    return "\n".join(lines) + "\n"


def _run(source: str, names: Names, function: str) -> Any:
    namespace = dict(names.namespace)
    exec(compile(source, f"<policy rules: {function}>", "exec"), namespace)
    return namespace[function]
