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
    """Writes a policy's scan: dispatch tables where they pay, then per block of rules the
    first-match tests and, when `traced`, the trace of the rules before the match."""

    def __init__(
        self, rules: Sequence[CompiledRule], names: Names, hits: Sequence[RuleCheck] | None
    ) -> None:
        self.rules = rules
        self.names = names
        self.hits = hits  # None: write only the first match (`first`), no trace
        self.pinned = [_pinned(rule) for rule in rules]
        # Code written, in rule tests: a split copies the rules no value rules out into every
        # block, so splits stop when the copies would pass this bound.
        self.written = len(rules)
        self.bound = max(CODE_PER_RULE * len(rules), MIN_CODE)
        # One memo per rule's clause, shared by every block that writes its trace entry.
        self.misses: dict[tuple[int, int], Miss] = {}

    def block(
        self,
        indices: tuple[int, ...],
        indent: str,
        depth: int,
        used: frozenset[str],
        excluded: dict[int, str],
        inner: bool = False,
    ) -> list[str]:
        """Code for a lead that can meet only the rules `indices`; `excluded` names, for each
        other rule, the dispatched field that ruled it out.

        With a trace, the blocks of the first dispatch write each their own trace (knowing which
        rules their value rules out), unless that would write too much code; blocks `inner` to
        one that writes the trace only set `m`.
        """
        traced = self.hits is not None and not inner
        if traced and depth >= 1:
            return self.owner(indices, indent, depth, used, excluded)
        split = None
        if len(indices) > DISPATCH_AT and depth < _DEPTH:
            split = self.split(indices, used)
        traces = max(TRACES_PER_RULE * len(self.rules), MIN_CODE)
        if split is not None and traced and self.traces(*split, indices) > traces:
            # Each block's own trace would be too much code: one trace after the dispatch.
            return self.owner(indices, indent, depth, used, excluded)
        if split is not None:
            return self.dispatch(*split, indices, indent, depth, used, excluded, inner)
        if self.hits is None:
            return self.first_match(indices, indent, "return {}", f"return {len(self.rules)}")
        if inner:
            return self.first_match(indices, indent, "m = {}; break", "break")
        return self.owner(indices, indent, depth, used, excluded)

    def owner(
        self,
        indices: tuple[int, ...],
        indent: str,
        depth: int,
        used: frozenset[str],
        excluded: dict[int, str],
    ) -> list[str]:
        """The first match among `indices` (dispatching further), then the trace up to it."""
        lines = [f"{indent}m = {len(self.rules)}", f"{indent}while True:"]
        lines += self.block(indices, indent + "    ", depth, used, excluded, inner=True)
        return lines + self.trace(indices, indent, excluded)

    def first_match(
        self, indices: tuple[int, ...], indent: str, found: str, nothing: str
    ) -> list[str]:
        lines = []
        for i in indices:
            test = condition(self.rules[i], self.names)
            if test is None:
                lines.append(indent + found.format(i))
                return lines  # the rules after it are never tried
            lines += [f"{indent}if {test}:", f"{indent}    {found.format(i)}"]
        lines.append(indent + nothing)
        return lines

    def trace(self, indices: tuple[int, ...], indent: str, excluded: dict[int, str]) -> list[str]:
        """The trace entries of the rules before match `m`, then `return m, entries`."""
        names = self.names
        lines = [f"{indent}out = []", f"{indent}app = out.append"]
        members = set(indices)
        run: list[int] = []

        def flush() -> None:
            # Rules the dispatch ruled out by their first clause: their entries depend only on
            # the values that clause read, so a run of them is one lookup.
            if len(run) == 1:
                lines.append(indent + self.entry(run[0], 0))
            elif run:
                joined = _Run(tuple(self.miss(i, 0) for i in run))
                key = _key_of(joined.fields, names)
                entries, build = names.const(joined.entries), names.const(joined)
                lines.append(f"{indent}out += {entries}.get({key}) or {build}(ctx, {key})")
            run.clear()

        for i, rule in enumerate(self.rules):
            if i in members:
                flush()
                lines.append(f"{indent}if m == {i}: return m, out")
            elif self.misses_first(i, excluded.get(i)):
                run.append(i)
                continue
            else:
                flush()
            clauses = rule.condition.clauses
            assert self.hits is not None
            hit = f"app({names.const(self.hits[i])})"
            if not clauses:
                lines.append(indent + hit)
                continue
            for j, clause in enumerate(clauses):
                lines += [
                    f"{indent}{'if' if j == 0 else 'elif'} not {emit(clause, names)}:",
                    f"{indent}    {self.entry(i, j)}",
                ]
            lines += [f"{indent}else:", f"{indent}    {hit}"]
        flush()
        lines.append(f"{indent}return m, out")
        return lines

    def traces(
        self,
        field: str,
        free: tuple[int, ...],
        groups: dict[str, tuple[int, ...]],
        indices: tuple[int, ...],
    ) -> int:
        """Rule traces written if each block of this split writes its own trace."""
        total = 0
        for group in {free, *groups.values()}:
            kept = set(group)
            # A run of rules stopped by their first clause is one line, counted as one.
            total += len(group) + sum(
                1
                for i in range(len(self.rules))
                if i not in kept and not (i in indices and self.misses_first(i, field))
            )
        return total

    def misses_first(self, i: int, field: str | None) -> bool:
        """Whether rule i, ruled out by the value of `field`, is stopped by its first clause."""
        if field is None:
            return False
        pins = [
            clause.allows is not None and clause.allows[0] == field
            for clause in self.rules[i].condition.clauses
        ]
        return bool(pins) and pins[0] and sum(pins) == 1

    def miss(self, i: int, j: int) -> Miss:
        miss = self.misses.get((i, j))
        if miss is None:
            rule = self.rules[i]
            miss = self.misses[i, j] = Miss(rule.id, rule.condition.clauses[j])
        return miss

    def entry(self, i: int, j: int) -> str:
        """A statement adding the trace entry of rule i stopped by its clause j."""
        miss = self.miss(i, j)
        key = _key_of(miss.clause.fields, self.names)
        entries, build = self.names.const(miss.entries), self.names.const(miss)
        return f"app({entries}.get({key}) or {build}(ctx, {key}))"

    def split(
        self, indices: tuple[int, ...], used: frozenset[str]
    ) -> tuple[str, tuple[int, ...], dict[str, tuple[int, ...]]] | None:
        """The field most rules of `indices` pin, the rules that do not pin it, and per value the
        rules that value can meet (in order); None when no field pins a quarter of them."""
        counts: dict[str, int] = {}
        firsts: dict[str, int] = {}
        for i in indices:
            for field in self.pinned[i]:
                if field not in used:
                    counts[field] = counts.get(field, 0) + 1
            clauses = self.rules[i].condition.clauses
            allows = clauses[0].allows if clauses else None
            if allows is not None:
                firsts[allows[0]] = firsts.get(allows[0], 0) + 1
        if not counts:
            return None
        # The field most rules test first: the rules it rules out are stopped by that very
        # clause, so their trace entries come in runs (see `trace`).
        field = max(counts, key=lambda f: (firsts.get(f, 0), counts[f]))
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
        copies = sum(map(len, {free, *groups.values()})) - len(indices)
        if self.written + copies > self.bound:
            return None
        return field, free, groups

    def dispatch(
        self,
        field: str,
        free: tuple[int, ...],
        groups: dict[str, tuple[int, ...]],
        indices: tuple[int, ...],
        indent: str,
        depth: int,
        used: frozenset[str],
        excluded: dict[int, str],
        inner: bool,
    ) -> list[str]:
        # Values meeting the same rules share one block; block 0 is for values no rule pins.
        blocks: dict[tuple[int, ...], int] = {free: 0}
        self.written += sum(map(len, {free, *groups.values()})) - len(indices)
        table = {value: blocks.setdefault(group, len(blocks)) for value, group in groups.items()}
        order = sorted(blocks, key=blocks.__getitem__)
        chosen = f"b{depth}"
        lines = [f"{indent}{chosen} = {self.names.const(table)}.get({self.names.folded(field)}, 0)"]
        fields = used | {field}

        def tree(low: int, high: int, at: str) -> list[str]:
            if high - low == 1:
                group = order[low]
                kept = set(group)
                out = {**excluded, **{i: field for i in indices if i not in kept}}
                return self.block(group, at, depth + 1, fields, out, inner)
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

    __slots__ = ("clause", "entries", "rule", "single")

    def __init__(self, rule: str, clause: Clause) -> None:
        self.rule = rule
        self.clause = clause
        self.single = clause.fields[0] if len(clause.fields) == 1 else None
        self.entries: dict[Any, RuleCheck] = {}

    def __call__(self, ctx: Context, key: Any) -> RuleCheck:
        single = self.single
        if single is not None:  # the key is the value itself (None: missing)
            missing, values = ((single,), ()) if key is None else ((), ((single, key),))
        else:
            fields = self.clause.fields
            missing = tuple(f for f in fields if f not in ctx)
            values = tuple((f, ctx[f]) for f in fields if f in ctx)
        entry = RuleCheck(self.rule, False, self.clause.source, missing, values)
        if len(self.entries) >= ENTRIES_PER_CLAUSE:
            self.entries.clear()  # a clause over values that never repeat keeps the latest
        self.entries[key] = entry
        return entry

    def key(self, ctx: Context) -> Any:
        if self.single is not None:
            return ctx.get(self.single)
        return tuple([ctx.get(f) for f in self.clause.fields])


class _Run:
    """The entries of consecutive rules stopped by their first clause, per values those read."""

    __slots__ = ("entries", "fields", "misses")

    def __init__(self, misses: tuple[Miss, ...]) -> None:
        self.misses = misses
        self.fields = tuple(dict.fromkeys(f for miss in misses for f in miss.clause.fields))
        self.entries: dict[Any, tuple[RuleCheck, ...]] = {}

    def __call__(self, ctx: Context, key: Any) -> tuple[RuleCheck, ...]:
        entries = []
        for miss in self.misses:
            read = miss.key(ctx)
            entries.append(miss.entries.get(read) or miss(ctx, read))
        found = tuple(entries)
        if len(self.entries) >= ENTRIES_PER_CLAUSE:
            self.entries.clear()
        self.entries[key] = found
        return found


# Rule tests and rule traces the generated code may hold, per rule of the policy (and at least
# MIN_CODE each): bounds the code's size, and the time to compile it, on big policies.
CODE_PER_RULE = 4
TRACES_PER_RULE = 2
MIN_CODE = 1_000
# Trace entries remembered per rule's clause (or run of rules), per distinct values read, a few
# hundred bytes each; cleared when full, so a clause over values that never repeat keeps the
# latest. At most this many per clause of the policy.
ENTRIES_PER_CLAUSE = 64


class Generated:
    """The compiled functions of one policy's rules.

    `scan(ctx) -> (m, entries)`: the index of the first rule that holds (len(rules) for none)
    and the trace entry of every rule before it. `first(ctx) -> m` alone, for measuring.
    """

    def __init__(self, rules: Sequence[CompiledRule], hits: Sequence[RuleCheck]) -> None:
        self.rules = rules
        names = Names()
        planner = _Planner(rules, names, hits)
        body = planner.block(tuple(range(len(rules))), "", 0, frozenset(), {})
        self.source = _module(names, "scan", body)
        self.scan: Callable[[Context], tuple[int, list[RuleCheck]]] = _run(
            self.source, names, "scan"
        )
        self._first: Callable[[Context], int] | None = None

    @property
    def first(self) -> Callable[[Context], int]:
        if self._first is None:
            names = Names()
            planner = _Planner(self.rules, names, None)
            body = planner.block(tuple(range(len(self.rules))), "", 0, frozenset(), {})
            self._first = _run(_module(names, "first", body), names, "first")
        return self._first


def _key_of(fields: tuple[str, ...], names: Names) -> str:
    """The memo key of trace entries: the values of `fields` (None for a missing one)."""
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
