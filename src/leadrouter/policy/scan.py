"""Trying a policy's rules in order for one lead: the rule checks of the trace, and the matches.

Many rules share clauses (`country in EMEA`, `employees >= 1000`, `not mql` recur down a
policy), so a clause written the same way in several rules is evaluated once per lead, and its
outcome tells at once which of the later rules it stops. The scan follows a tree built as leads
arrive: each node knows which clause to evaluate next given the outcomes met on the way there,
and which rules those outcomes already decided, so a lead costs one step per distinct clause it
needs instead of one call per rule. The trace entries are the same `RuleCheck`s, in the same
order, that `CompiledRule.check` gives rule by rule (tests hold the two equal).

A lead's trace is the entries of the nodes on its path, joined; leads that take the same path and
show the same values get the very same tuple, remembered at the node where the path yields a rule.
So a trace is joined once, not per lead, and whoever encodes traces can remember each one whole.

The only state is memo tables, bounded: the tree, the outcome of each clause per values read, the
trace entry of each rule's false clause per values read, and the traces. Past their bounds, scans
still give the same answer, just without remembering it. Nothing here does I/O or reads the clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from typing import TYPE_CHECKING, Any

from leadrouter.model import RuleCheck

if TYPE_CHECKING:
    from leadrouter.policy.compiled import Clause, CompiledRule, Context

# Distinct value combinations remembered per clause; past this, new combinations are evaluated
# but not kept, so a clause over a unique field (email) costs memory once, not per lead.
OUTCOMES_PER_CLAUSE = 1024
CHECKS_PER_CLAUSE = 256  # trace entries remembered per rule's false clause, likewise
# Nodes of the scan tree; each distinct path of clause outcomes seen adds at most one per clause.
NODES = 4096
# Tuples of the trace entries of a node's misses, remembered per values they show: per node (a
# node whose misses show a unique field would fill the table alone) and in all.
EMITTED_PER_NODE = 1024
EMITTED = 65_536
# Whole traces remembered per node that yields a rule, per the remembered entries they join, and
# in all: a few hundred bytes each.
TRACES_PER_NODE = 1024
TRACES = 16_384

_ABSENT = object()  # a field the context lacks, as a memo key: values are never this
_EVAL, _MATCH, _END = 0, 1, 2


class _Distinct:
    """One clause as the scan evaluates it, shared by every rule that contains it."""

    __slots__ = ("absent", "clause", "fields", "memo", "single", "test")

    def __init__(self, clause: Clause) -> None:
        self.clause = clause
        self.fields = clause.fields
        self.absent = (_ABSENT,) * len(clause.fields)  # ctx.get's default for each field
        self.single = clause.fields[0] if len(clause.fields) == 1 else None
        self.test = clause.test
        self.memo: dict[Any, bool] = {}


class _Miss:
    """A rule stopped by one of its clauses: its trace entry per values that clause read."""

    __slots__ = ("clause", "distinct", "entries", "rule")

    def __init__(self, rule: str, clause: Clause, distinct: int) -> None:
        self.rule = rule
        self.clause = clause
        self.distinct = distinct
        self.entries: dict[Any, RuleCheck] = {}

    def check(self, key: Any, ctx: Context) -> RuleCheck:
        entry = self.entries.get(key)
        if entry is None:
            fields = self.clause.fields
            entry = RuleCheck(
                self.rule,
                False,
                self.clause.source,
                tuple(f for f in fields if f not in ctx),
                tuple((f, ctx[f]) for f in fields if f in ctx),
            )
            if len(self.entries) < CHECKS_PER_CLAUSE:
                self.entries[key] = entry
        return entry


class _Node:
    """A point of the scan: the rules decided on arriving here, then what to do next.

    `kind` is _EVAL (evaluate distinct clause `step`, go to `if_true`/`if_false`), _MATCH (rule
    `step` holds; `if_true` continues after it) or _END. A node remembers only its parent and the
    outcome that led to it; the outcomes known so far are read back up the tree when a child is
    built, which happens once per path.
    """

    __slots__ = (
        "at",
        "emitted",
        "if_false",
        "if_true",
        "kind",
        "misses",
        "outcome",
        "parent",
        "reads",
        "step",
        "traces",
    )

    def __init__(
        self,
        parent: _Node | None,
        outcome: tuple[int, bool] | None,
        misses: tuple[_Miss, ...],
        kind: int,
        step: int,
        at: tuple[int, int],
    ) -> None:
        self.parent = parent
        self.outcome = outcome  # (distinct clause, held) learned on the way here
        self.misses = misses
        # The distinct clauses whose values the misses' trace entries show, and those entries per
        # values read: a node's misses cost one lookup, not one per rule.
        reads = tuple(dict.fromkeys(miss.distinct for miss in misses))
        self.reads: int | tuple[int, ...] = reads[0] if len(reads) == 1 else reads
        self.emitted: dict[Any, tuple[RuleCheck, ...]] = {}
        # At a _MATCH node: the trace up to its rule, per identities of the parts it joins.
        self.traces: dict[tuple[int, ...], tuple[RuleCheck, ...]] = {}
        self.kind = kind
        self.step = step
        self.at = at  # (rule, clause position) the scan resumes from
        self.if_true: _Node | None = None
        self.if_false: _Node | None = None


class RuleScan:
    """The rules of one policy, scanned in order with each distinct clause evaluated once."""

    __slots__ = ("_clauses", "_emitted", "_hits", "_nodes", "_plan", "_root", "_rules", "_traces")

    def __init__(self, rules: tuple[CompiledRule, ...]) -> None:
        self._rules = rules
        self._clauses: list[_Distinct] = []
        index: dict[int, int] = {}
        plan = []
        for rule in rules:
            steps = []
            for clause in rule.condition.clauses:
                # Policies compile a clause written twice into one Clause (see ConditionCompiler);
                # clauses built separately are kept apart, as they may differ in what they test.
                distinct = index.get(id(clause))
                if distinct is None:
                    distinct = index[id(clause)] = len(self._clauses)
                    self._clauses.append(_Distinct(clause))
                steps.append((distinct, _Miss(rule.id, clause, distinct)))
            plan.append(tuple(steps))
        self._plan = tuple(plan)
        self._hits = tuple(RuleCheck(rule.id, True) for rule in rules)
        self._nodes = 1
        self._emitted = 0
        self._traces = 0
        self._root = self._build(None, None, (0, 0))

    def matches(self, ctx: Context) -> Iterator[tuple[CompiledRule | None, tuple[RuleCheck, ...]]]:
        """Each rule that holds for `ctx`, in policy order, with the trace entry of every rule
        tried up to and including it; then (None, every entry) when no rule is left."""
        clauses = self._clauses
        keys: list[Any] = [None] * len(clauses)
        # The trace so far, in parts: the entries of each node passed, joined when a rule holds.
        parts: list[tuple[RuleCheck, ...]] = []
        kept = True  # every part is remembered here, so their identities name them
        node = self._root
        while True:
            if node.misses:
                reads = node.reads
                # map over C functions: a comprehension is a Python call of its own
                key = keys[reads] if type(reads) is int else tuple(map(keys.__getitem__, reads))
                emitted = node.emitted.get(key)
                if emitted is None:
                    emitted = tuple([miss.check(keys[miss.distinct], ctx) for miss in node.misses])
                    if len(node.emitted) < EMITTED_PER_NODE and self._emitted < EMITTED:
                        self._emitted += 1
                        node.emitted[key] = emitted
                    else:
                        kept = False
                parts.append(emitted)
            kind = node.kind
            if kind == _EVAL:
                distinct = clauses[node.step]
                single = distinct.single
                if single is not None:
                    key = ctx.get(single, _ABSENT)
                else:
                    key = tuple(map(ctx.get, distinct.fields, distinct.absent))
                keys[node.step] = key
                # Fields hold one type each, so equal keys mean equal values.
                held = distinct.memo.get(key)
                if held is None:
                    held = bool(distinct.test(ctx))
                    if len(distinct.memo) < OUTCOMES_PER_CLAUSE:
                        distinct.memo[key] = held
                following = node.if_true if held else node.if_false
                if following is None:
                    following = self._child(node, (node.step, held), node.at)
                node = following
            elif kind == _MATCH:
                trace, kept = self._trace(node, parts, kept)
                yield self._rules[node.step], trace
                parts = [trace]
                following = node.if_true
                if following is None:
                    following = self._child(node, None, (node.step + 1, 0))
                node = following
            else:
                yield None, tuple(chain.from_iterable(parts))
                return

    def _trace(
        self, node: _Node, parts: list[tuple[RuleCheck, ...]], kept: bool
    ) -> tuple[tuple[RuleCheck, ...], bool]:
        """The trace up to the rule of _MATCH `node`, and whether it is remembered."""
        if kept:
            key = tuple(map(id, parts))
            trace = node.traces.get(key)
            if trace is not None:
                return trace, True
        trace = (*chain.from_iterable(parts), self._hits[node.step])
        # Keyed by identity only when every part is remembered: a part made afresh could die
        # and its id name another tuple later.
        if kept and len(node.traces) < TRACES_PER_NODE and self._traces < TRACES:
            self._traces += 1
            node.traces[key] = trace
            return trace, True
        return trace, False

    def _child(self, node: _Node, outcome: tuple[int, bool] | None, at: tuple[int, int]) -> _Node:
        child = self._build(node, outcome, at)
        if self._nodes < NODES:
            self._nodes += 1
            if outcome is None or outcome[1]:
                node.if_true = child
            else:
                node.if_false = child
        return child

    def _build(
        self, parent: _Node | None, outcome: tuple[int, bool] | None, at: tuple[int, int]
    ) -> _Node:
        """The node reached from `parent` by `outcome`, scanning on from rule and clause `at`."""
        known: dict[int, bool] = {}
        if outcome is not None:
            known[outcome[0]] = outcome[1]
        up = parent
        while up is not None:
            if up.outcome is not None:
                known.setdefault(up.outcome[0], up.outcome[1])
            up = up.parent
        misses: list[_Miss] = []
        rule, position = at
        while rule < len(self._plan):
            steps = self._plan[rule]
            while position < len(steps):
                distinct, miss = steps[position]
                held = known.get(distinct)
                if held is None:
                    return _Node(parent, outcome, tuple(misses), _EVAL, distinct, (rule, position))
                if not held:
                    misses.append(miss)
                    break
                position += 1
            else:
                return _Node(parent, outcome, tuple(misses), _MATCH, rule, (rule, position))
            rule += 1
            position = 0
        return _Node(parent, outcome, tuple(misses), _END, -1, at)
