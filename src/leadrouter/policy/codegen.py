"""A policy's rules as generated Python source: a first-match scan as fast as a written if/elif.

Each clause writes itself as a Python expression (see `conditions`), over identifiers this module
makes up: `v3` is a field's value, `f3` its casefolded text, `k7` a literal, a set, a compiled
regex or a closure. The source holds nothing the user wrote, not even a field name: every name
and value it reads is bound in the namespace the code runs in. So a rule costs what
`if f0 in k1 and v2 is not None and v2 >= k3:` costs, whatever the policy says.

Big policies are split on the fields their rules pin down (`country in EMEA`, a territory,
`segment == "smb"`): the generated code looks the lead's value up in a table and tests only the
rules that value can meet, in policy order, so a lead does not test every rule of another region.
Besides the first match (`first_match`), this module writes per rule a function naming the rule's
first false clause from a given clause on (`why_functions`), which `policy/rule_trace.py` calls
for the rules before the match that the lead's dispatched values do not already decide.
A closure worth calling once per lead (a territory by state or postal code) is called at most
once across all of these: its outcome is kept in a dict `s` the caller passes to each.

This module writes, compiles and runs code; it never reads the lead and never does I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from leadrouter.model import RuleCheck

if TYPE_CHECKING:
    from leadrouter.policy.compiled import Clause, CompiledRule, Context

Emit = Callable[["Names"], str]
FirstMatch = Callable[..., int]  # (ctx, s=None) -> index of the first rule that holds
Why = Callable[["Context", "dict[int, bool] | None"], RuleCheck]
Misses = Callable[[int, int], "Miss"]  # (rule, clause) -> the one Miss of that clause

CALLS = "s.setdefault("  # in generated code that calls closures, and only there

# A run of more rules than this is split on the field most of them pin down, if one does
# (at least a quarter of them), up to this many nested splits.
DISPATCH_AT = 16
_DEPTH = 3
_UNSET = object()  # a closure's outcome not yet known for this lead


class Names:
    """The identifiers of one generated function, and the values they are bound to (constants
    are shared by the functions of one module: see `fresh`)."""

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {"_U": _UNSET}
        self._consts: dict[int, str] = {}
        self._values: dict[str, str] = {}
        self._folded: dict[str, str] = {}

    def fresh(self) -> Names:
        """Names for another function of the same module: the same constants, its own locals."""
        names = Names()
        names.namespace, names._consts = self.namespace, self._consts
        return names

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
        """The local holding the casefolded text of `field`, None when the lead lacks it (once
        `fold` has been evaluated for this lead on the path to where it is read)."""
        name = self._folded.get(field)
        if name is None:
            self.value(field)
            name = self._folded[field] = f"f{len(self._folded)}"
        return name

    def fold(self, field: str) -> str:
        """An expression giving the casefolded text of `field` (None when the lead lacks it) that
        leaves it in `folded(field)`: for a field in `lazy`, casefolded where first evaluated."""
        name = self.folded(field)
        if field not in self.lazy:
            return name
        value = self._values[field]
        return f"({name} if {name} is not False else ({name} := {_folding(value)}))"

    # Fields casefolded on first use in a lead rather than up front: those few rules read.
    lazy: frozenset[str] = frozenset()

    def call(self, test: Callable[[Context], bool]) -> str:
        """An expression calling `test` at most once per lead, however many rules (and generated
        functions given the same dict `s`) use it."""
        # Keyed by the closure's identity: every generated function of the policy agrees on it
        # (the policy keeps its closures alive, so no other object takes their ids).
        key = id(test)
        self.calls = True
        const = self.const(test)
        return f"(o if (o := s.get({key}, _U)) is not _U else {CALLS}{key}, {const}(ctx)))"

    calls = False  # whether this function's code calls a closure (so it needs `s`)

    def prologue(self) -> list[str]:
        """Statements reading the fields the code uses, once per lead, at the top of a function."""
        lines = ["get = ctx.get", *self.reads()]
        if self.calls:
            lines.append("if s is None: s = {}")
        return lines

    _read = (0, 0)  # values and casefolded texts `reads` has written so far

    def reads(self) -> list[str]:
        """Statements reading the fields the code came to use since the last call."""
        values, folded = list(self._values.items()), list(self._folded.items())
        lines = [f"{name} = get({self.const(field)})" for field, name in values[self._read[0] :]]
        for field, name in folded[self._read[1] :]:
            # False: not casefolded yet (the text of a field is None or a str).
            lines.append(
                f"{name} = False"
                if field in self.lazy
                else f"{name} = {_folding(self._values[field])}"
            )
        self._read = (len(values), len(folded))
        return lines


def _folding(value: str) -> str:
    return f"None if {value} is None else {value}.casefold()"


def lazy_folds(rules: Sequence[CompiledRule]) -> frozenset[str]:
    """The text fields worth casefolding only when a lead's scan first reads them: those that
    fewer than a quarter of the rules read in their first two clauses (a rule's later clauses are
    seldom reached). Casefolding up front costs about what five checks of whether it was done do."""
    early: dict[str, int] = {}
    every: set[str] = set()
    for rule in rules:
        for j, clause in enumerate(rule.condition.clauses):
            probe = Names()
            emit(clause, probe)
            every.update(probe._folded)
            if j < 2:
                for field in probe._folded:
                    early[field] = early.get(field, 0) + 1
    return frozenset(f for f in every if early.get(f, 0) * 4 < len(rules))


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


def groups_of(
    pinned: Sequence[dict[str, frozenset[str]]], indices: tuple[int, ...], field: str
) -> tuple[tuple[int, ...], dict[str, tuple[int, ...]], int]:
    """A split of rules `indices` on `field`: the rules that do not pin it, per value the rules
    that value can meet (in order), and how many rule copies the split writes."""
    values: set[str] = set()
    for i in indices:
        values |= pinned[i].get(field, frozenset())
    free = tuple(i for i in indices if field not in pinned[i])
    groups = {
        value: tuple(i for i in indices if field not in pinned[i] or value in pinned[i][field])
        for value in sorted(values)
    }
    return free, groups, sum(map(len, {free, *groups.values()})) - len(indices)


class _Planner:
    """Writes a policy's first-match scan: dispatch tables where they pay, then per block of
    rules the tests in order."""

    def __init__(self, rules: Sequence[CompiledRule], names: Names) -> None:
        self.rules = rules
        self.names = names
        self.pinned = [_pinned(rule) for rule in rules]
        # Code written, in rule tests: a split copies the rules no value rules out into every
        # block, so splits stop when the copies would pass this bound.
        self.written = len(rules)
        self.bound = max(CODE_PER_RULE * len(rules), MIN_CODE)

    def block(
        self, indices: tuple[int, ...], indent: str, depth: int, used: frozenset[str]
    ) -> list[str]:
        """Code returning the first rule among `indices` that holds (len(rules) for none)."""
        split = None
        if len(indices) > DISPATCH_AT and depth < _DEPTH:
            split = self.split(indices, used)
        if split is not None:
            return self.dispatch(*split, indent, depth, used)
        lines = []
        for i in indices:
            test = condition(self.rules[i], self.names)
            if test is None:
                lines.append(f"{indent}return {i}")
                return lines  # the rules after it are never tried
            lines += [f"{indent}if {test}:", f"{indent}    return {i}"]
        lines.append(f"{indent}return {len(self.rules)}")
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
        field = self.field(counts, indices)
        if counts[field] * 4 < len(indices):
            return None
        free, groups, copies = groups_of(self.pinned, indices, field)
        if self.written + copies > self.bound:
            return None
        self.written += copies
        return field, free, groups

    def field(self, counts: dict[str, int], indices: tuple[int, ...]) -> str:
        """The field to split `indices` on, of those `counts` says how many rules pin."""
        return max(counts, key=counts.__getitem__)

    def dispatch(
        self,
        field: str,
        free: tuple[int, ...],
        groups: dict[str, tuple[int, ...]],
        indent: str,
        depth: int,
        used: frozenset[str],
    ) -> list[str]:
        fields = used | {field}
        return dispatch_code(
            self.names,
            (field, free, groups),
            indent,
            depth,
            lambda group, at: self.block(group, at, depth + 1, fields),
        )


def dispatch_code(
    names: Names,
    split: tuple[str, tuple[int, ...], dict[str, tuple[int, ...]]],
    indent: str,
    depth: int,
    block: Callable[[tuple[int, ...], str], list[str]],
) -> list[str]:
    """Code looking the lead's value of the split's field up in a table, then choosing by a tree
    of `if`s the code `block(rules, indent)` for the rules that value can meet."""
    field, free, groups = split
    # Values meeting the same rules share one block; block 0 is for values no rule pins.
    blocks: dict[tuple[int, ...], int] = {free: 0}
    table = {value: blocks.setdefault(group, len(blocks)) for value, group in groups.items()}
    order = sorted(blocks, key=blocks.__getitem__)
    chosen = f"b{depth}"
    lines = [f"{indent}{chosen} = {names.const(table)}.get({names.fold(field)}, 0)"]

    def tree(low: int, high: int, at: str) -> list[str]:
        if high - low == 1:
            return block(order[low], at)
        middle = (low + high) // 2
        return [
            f"{at}if {chosen} < {middle}:",
            *tree(low, middle, at + "    "),
            f"{at}else:",
            *tree(middle, high, at + "    "),
        ]

    return lines + tree(0, len(order), indent)


class Miss:
    """A rule's trace entry when one of its clauses is false, remembered per values it read.

    `entries.get(key) or miss(ctx, key)` gives the entry for the values `key` the clause read. A
    clause reading one field keys its entries by that field's value (None: missing), and
    `make(value)` makes the entry of a value `entries` lacks: generated code calls it directly.
    """

    __slots__ = ("clause", "entries", "make", "rule", "single")

    def __init__(self, rule: str, clause: Clause) -> None:
        self.rule = rule
        self.clause = clause
        self.single = clause.fields[0] if len(clause.fields) == 1 else None
        self.entries: dict[Any, RuleCheck] = {}
        if self.single is not None:
            self.make = _Entries(rule, clause.source, self.single, self.entries).make

    def __call__(self, ctx: Context, key: Any) -> RuleCheck:
        if self.single is not None:
            return self.make(key)
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


def misses_of(rules: Sequence[CompiledRule]) -> Misses:
    """The one Miss of rule i's clause j, made when first asked for, shared by every piece of
    code that writes or looks up that clause's trace entries."""
    made: dict[tuple[int, int], Miss] = {}

    def miss(i: int, j: int) -> Miss:
        found = made.get((i, j))
        if found is None:
            rule = rules[i]
            found = made[i, j] = Miss(rule.id, rule.condition.clauses[j])
        return found

    return miss


class _Entries:
    """Makes the entries of a Miss over one field, per value (None: missing), for the values its
    dict `kept` lacks (the path of every value that never repeats). An entry is kept from its
    value's second appearance on: most values of a field such as a head count never repeat, and
    keeping their entries costs an insert and, until cleared, the garbage collector's walks over
    them. A plain dict and a method, not a dict with `__missing__`: a subscript of a dict's
    subclass goes through a method lookup that a plain dict's `get` does not."""

    __slots__ = ("clause", "field", "kept", "once", "rule")

    def __init__(self, rule: str, clause: str, field: str, kept: dict[Any, RuleCheck]) -> None:
        self.rule, self.clause, self.field, self.kept = rule, clause, field, kept
        self.once: set[Any] = set()  # values met once, whose entries were not kept

    def make(self, value: Any) -> RuleCheck:
        """The entry of `value`, which `kept` lacks."""
        if value is None:
            entry = RuleCheck(self.rule, False, self.clause, (self.field,), ())
        else:
            entry = RuleCheck(self.rule, False, self.clause, (), ((self.field, value),))
        once = self.once
        if value in once:
            kept = self.kept
            if len(kept) >= ENTRIES_PER_CLAUSE:
                kept.clear()  # a clause over values that never repeat keeps the latest
            kept[value] = entry
        else:
            if len(once) >= ENTRIES_PER_CLAUSE:
                once.clear()
            once.add(value)
        return entry


def lookup(miss: Miss, key: str, names: Names) -> str:
    """An expression giving the entry of `miss` for the values `key` (an expression) reads."""
    if miss.single is not None:
        return f"({names.const(miss.entries)}.get({key}) or {names.const(miss.make)}({key}))"
    return f"({names.const(miss.entries)}.get({key}) or {names.const(miss)}(ctx, {key}))"


# Rule tests the generated code may hold, per rule of the policy (and at least MIN_CODE): bounds
# the code's size, and the time to compile it, on big policies.
CODE_PER_RULE = 4
MIN_CODE = 1_000
# Trace entries remembered per rule's clause (or run of rules), per distinct values read, a few
# hundred bytes each; cleared when full, so a clause over values that never repeat keeps the
# latest. At most this many per clause of the policy.
ENTRIES_PER_CLAUSE = 64


def first_match(rules: Sequence[CompiledRule]) -> tuple[FirstMatch, str]:
    """`first(ctx, s=None) -> m`, the index of the first rule that holds (len(rules) for none),
    and its source."""
    names = Names()
    names.lazy = lazy_folds(rules)
    body = _Planner(rules, names).block(tuple(range(len(rules))), "", 0, frozenset())
    source = _module(names, "first", body)
    return _run(source, names.namespace, "first"), source


def why_functions(
    rules: Sequence[CompiledRule], starts: Sequence[int], misses: Misses, hits: Sequence[RuleCheck]
) -> tuple[list[Why | None], bool]:
    """Per rule, `why(ctx, s) -> RuleCheck`: its trace entry when its clauses before
    `starts[i]` are known to hold (None for a rule with no clause left to test); and whether
    any of them calls a closure."""
    shared = Names()
    sources, named = [], []
    for i, rule in enumerate(rules):
        clauses = rule.condition.clauses
        if starts[i] >= len(clauses):
            continue
        names = shared.fresh()
        # Fields are read where first needed: most rules are decided by their first clause.
        body = ["get = ctx.get"]
        for j in range(starts[i], len(clauses)):
            miss = misses(i, j)
            test = emit(clauses[j], names)
            key = _key_of(miss.clause.fields, names)
            body += [*names.reads(), f"if not {test}:", f"    return {lookup(miss, key, names)}"]
        body.append(f"return {names.const(hits[i])}")
        if names.calls:
            body.insert(0, "if s is None: s = {}")
        sources.append("\n".join([f"def why{i}(ctx, s=None):", *("    " + b for b in body)]) + "\n")
        named.append(i)
    namespace = dict(shared.namespace)
    source = "".join(sources)
    exec(compile(source, "<policy rules: why>", "exec"), namespace)
    found: list[Why | None] = [None] * len(rules)
    for i in named:
        found[i] = namespace[f"why{i}"]
    return found, CALLS in source


def _key_of(fields: tuple[str, ...], names: Names) -> str:
    """The memo key of trace entries: the values of `fields` (None for a missing one)."""
    if len(fields) == 1:
        return names.value(fields[0])
    return f"({''.join(names.value(f) + ', ' for f in fields)})"


def _module(names: Names, function: str, body: list[str]) -> str:
    # The prologue last: it reads every field the body came to use.
    lines = [f"def {function}(ctx, s=None):"]
    lines += ["    " + line for line in names.prologue()]
    lines += ["    " + line for line in body]
    return "\n".join(lines) + "\n"


def _run(source: str, bound: dict[str, Any], function: str) -> Any:
    namespace = dict(bound)
    exec(compile(source, f"<policy rules: {function}>", "exec"), namespace)
    return namespace[function]
