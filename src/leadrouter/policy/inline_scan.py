"""A small policy's scan and trace in one generated function: the trace written inline.

For a policy of up to `INLINE_UP_TO` rules, one function dispatches on the field the rules pin,
then tries the rules in order, in one pass: each that does not hold names its first false clause
inline, its entry looked up per values read (`codegen.Miss`), and the first that holds ends the
scan. No call per rule and no rule tested twice (once to find the match, again for the trace),
which is what a policy of tens of rules with territories by state costs least with. Bigger
policies would need too much code written this way: they use `rule_trace.RuleTrace`, plans per
dispatched values.
The two give the same entries (tests hold both equal to `CompiledRule.check`).

This module writes, compiles and runs code; it never reads the lead and never does I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from leadrouter.model import RuleCheck
from leadrouter.policy import codegen
from leadrouter.policy.codegen import (
    DISPATCH_AT,
    MIN_CODE,
    Miss,
    Names,
    _key_of,
    _module,
    _run,
    dispatch_code,
    emit,
    lookup,
    misses_of,
)

if TYPE_CHECKING:
    from leadrouter.policy.compiled import CompiledRule, Context

# Policies of up to this many rules are scanned and traced by one generated function.
INLINE_UP_TO = 300
TRACES_PER_RULE = 2
# Trace entries a walk holds in locals before it appends the rest to a list (each return names
# them all, so more would write code growing with the square of the rules).
HELD_IN_LOCALS = 48


class _Planner(codegen._Planner):
    """Writes a policy's scan and trace in one pass: a dispatch table on the field most rules pin
    where the code it writes stays small, then per block the rules in order, each adding the
    trace entry of its first false clause, until one holds."""

    def __init__(
        self, rules: Sequence[CompiledRule], names: Names, hits: Sequence[RuleCheck]
    ) -> None:
        super().__init__(rules, names)
        self.hits = hits
        # Shared by every block that writes a clause's trace entry.
        self.miss = misses_of(rules)

    def body(self) -> list[str]:
        """The code of `scan`: a dispatch whose blocks each walk the rules knowing which ones
        the lead's value rules out, unless that would write too much code (then one walk)."""
        indices = tuple(range(len(self.rules)))
        split = self.split(indices, frozenset()) if len(indices) > DISPATCH_AT else None
        traces = max(TRACES_PER_RULE * len(self.rules), MIN_CODE)
        if split is None or self.traces(*split, indices) > traces:
            return self.walk("", {})
        field = split[0]

        def block(group: tuple[int, ...], indent: str) -> list[str]:
            kept = set(group)
            return self.walk(indent, {i: field for i in indices if i not in kept})

        return dispatch_code(self.names, split, "", 0, block)

    def field(self, counts: dict[str, int], indices: tuple[int, ...]) -> str:
        # The field most rules test first: the rules it rules out are stopped by that very
        # clause, so their trace entries come in runs (see `walk`).
        firsts: dict[str, int] = {}
        for i in indices:
            clauses = self.rules[i].condition.clauses
            allows = clauses[0].allows if clauses else None
            if allows is not None:
                firsts[allows[0]] = firsts.get(allows[0], 0) + 1
        return max(counts, key=lambda f: (firsts.get(f, 0), counts[f]))

    def walk(self, indent: str, excluded: dict[int, str]) -> list[str]:
        """The rules in order, each adding the trace entry of its first false clause, until one
        holds: `return rule, trace`, its entry last (None when none does). `excluded`
        names, for each rule the dispatch ruled out, the field that did."""
        names = self.names
        lines: list[str] = []
        trace = _Trace()
        run: list[int] = []

        def flush() -> None:
            # Rules the dispatch ruled out by their first clause: their entries depend only on
            # the values that clause read, so a run of them is one lookup.
            if not run:
                return
            lines.extend(indent + line for line in trace.adding(len(run)))
            if len(run) == 1:
                lines.append(indent + trace.add(self.entry(self.miss(run[0], 0)), 1))
            else:
                joined = _Run(tuple(self.miss(i, 0) for i in run))
                key = _key_of(joined.fields, names)
                entries, build = names.const(joined.entries), names.const(joined)
                lookup_ = f"{entries}.get({key}) or {build}(ctx, {key})"
                lines.append(indent + trace.add(lookup_, len(run)))
            trace.added(len(run))
            run.clear()

        for i, rule in enumerate(self.rules):
            if self.misses_first(i, excluded.get(i)):
                run.append(i)
                continue
            flush()
            clauses = rule.condition.clauses
            found = f"return {names.const(rule)}, {trace.joined(names.const(self.hits[i]))}"
            if not clauses:
                lines.append(indent + found)
                return lines  # the rules after it are never tried
            lines.extend(indent + line for line in trace.adding(1))
            for j, clause in enumerate(clauses):
                lines += [
                    f"{indent}{'if' if j == 0 else 'elif'} not {emit(clause, names)}:",
                    f"{indent}    {trace.add(self.entry(self.miss(i, j)), 1)}",
                ]
            lines += [f"{indent}else:", f"{indent}    {found}"]
            trace.added(1)
        flush()
        lines.append(f"{indent}return None, {trace.joined()}")
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

    def entry(self, miss: Miss) -> str:
        """An expression giving the trace entry of `miss` for the lead."""
        return lookup(miss, _key_of(miss.clause.fields, self.names), self.names)


class _Trace:
    """The trace entries a walk has added so far, as its generated code holds them: the first
    HELD_IN_LOCALS in locals `t0`, `t1`, ... (a tuple of locals is built in one step, where a
    list costs a call per entry and a copy at the end), the rest in a list `out`."""

    def __init__(self) -> None:
        self.held = 0  # entries in locals
        self.listed = False  # whether later entries go to `out`

    def adding(self, count: int) -> list[str]:
        """Statements to run before adding `count` entries: making `out` when they would pass
        the bound of locals (before any branch that adds them, so that each finds it made)."""
        if self.listed or self.held + count <= HELD_IN_LOCALS:
            return []
        self.listed = True
        return ["out = []", "app = out.append"]

    def add(self, entries: str, count: int) -> str:
        """A statement adding the entry `entries` gives (count 1) or its tuple of `count`."""
        if self.listed:
            return f"app({entries})" if count == 1 else f"out += {entries}"
        return f"{', '.join(f't{self.held + k}' for k in range(count))} = {entries}"

    def added(self, count: int) -> None:
        """Counts the `count` entries the statements of `add` since `adding` have added."""
        if not self.listed:
            self.held += count

    def joined(self, last: str | None = None) -> str:
        """An expression giving the entries added so far as a tuple, then `last` if given."""
        items = [f"t{k}" for k in range(self.held)]
        if self.listed:
            items.append("*out")
        if last is not None:
            items.append(last)
        return "(" + "".join(item + ", " for item in items) + ")"


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


class InlineScan:
    """`scan(ctx) -> (rule, trace)`: the first rule that holds (None for none) and the trace entry
    of every rule up to and including it. The function also counts down `skip`, the leads left
    before it calls `wake` (once, at 0): a count in its own globals costs a few nanoseconds,
    where a Python function around it to count would cost a call per lead."""

    def __init__(self, rules: Sequence[CompiledRule], hits: Sequence[RuleCheck]) -> None:
        self.rules = rules
        names = Names()
        names.lazy = codegen.lazy_folds(rules)
        body = ["global _skip", "_skip -= 1", "if not _skip:", "    _wake()"]
        body += _Planner(rules, names, hits).body()
        self.source = _module(names, "scan", body)
        self.scan: Callable[[Context], tuple[CompiledRule | None, tuple[RuleCheck, ...]]] = _run(
            self.source, names.namespace, "scan"
        )
        self._globals = self.scan.__globals__
        self.counting(0, _nothing)  # below 0 from the first lead on: never wakes

    def counting(self, leads: int, wake: Callable[[], None]) -> None:
        """Calls `wake` during the `leads`-th scan from now (never for 0)."""
        self._globals["_skip"], self._globals["_wake"] = leads, wake


def _nothing() -> None:
    pass
