"""A small policy's scan and trace in one generated function: the trace written inline.

For a policy of up to `INLINE_UP_TO` rules, one function dispatches on the fields the rules pin,
finds the first rule that holds and, for every rule before it, names the first false clause
inline, each entry looked up per values read (`codegen.Miss`): no call per rule, which is what a
policy of tens of rules with territories by state costs least with. Bigger policies would need
too much code written this way: they use `rule_trace.RuleTrace`, plans per dispatched values.
The two give the same entries (tests hold both equal to `CompiledRule.check`).

This module writes, compiles and runs code; it never reads the lead and never does I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from leadrouter.model import RuleCheck
from leadrouter.policy import codegen
from leadrouter.policy.codegen import (
    _DEPTH,
    CODE_PER_RULE,
    DISPATCH_AT,
    MIN_CODE,
    Miss,
    Names,
    _key_of,
    _module,
    _pinned,
    condition,
    emit,
    groups_of,
)

if TYPE_CHECKING:
    from leadrouter.policy.compiled import CompiledRule, Context

# Policies of up to this many rules are scanned and traced by one generated function.
INLINE_UP_TO = 300
TRACES_PER_RULE = 2


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
        free, groups, copies = groups_of(self.pinned, indices, field)
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
        if len(self.entries) >= codegen.ENTRIES_PER_CLAUSE:
            self.entries.clear()
        self.entries[key] = found
        return found


# Rule tests and rule traces the generated code may hold, per rule of the policy (and at least
# MIN_CODE each): bounds the code's size, and the time to compile it, on big policies.


class InlineScan:
    """`scan(ctx) -> (m, entries)`: the index of the first rule that holds (len(rules) for
    none) and the trace entry of every rule before it."""

    def __init__(self, rules: Sequence[CompiledRule], hits: Sequence[RuleCheck]) -> None:
        self.rules = rules
        names = Names()
        planner = _Planner(rules, names, hits)
        body = planner.block(tuple(range(len(rules))), "", 0, frozenset(), {})
        self.source = _module(names, "scan", body)
        self.scan: Callable[[Context], tuple[int, list[RuleCheck]]] = _run(
            self.source, names, "scan"
        )


def _run(source: str, names: Names, function: str) -> Any:
    namespace = dict(names.namespace)
    exec(compile(source, f"<policy rules: {function}>", "exec"), namespace)
    return namespace[function]
