"""Trying a policy's rules in order for one lead: the rule checks of the trace, and the matches.

The rules run as generated code (`policy/codegen.py`): one function finds the first rule that
holds, testing only the rules the lead's pinned values can meet; then `policy/rule_trace.py` names
the first false clause of every rule before it. The trace entries are the same `RuleCheck`s, in
the same order, that `CompiledRule.check` gives rule by rule (tests hold the two equal). When the
caller goes on past a match (a rule that matched but could not place the lead), the rules after
it are checked one by one: that is rare, and `CompiledRule.check` is the reference.

The only state is bounded memos (in rule_trace and codegen). Nothing here does I/O or reads the
clock.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from leadrouter.model import RuleCheck
from leadrouter.policy.codegen import CALLS, FirstMatch, first_match
from leadrouter.policy.rule_trace import RuleTrace

if TYPE_CHECKING:
    from leadrouter.policy.compiled import CompiledRule, Context


class Generated:
    """The compiled functions of one policy's rules: `first(ctx, s=None) -> m`, the index of the
    first rule that holds (len(rules) for none), and `tracer`, the trace up to it."""

    def __init__(self, rules: Sequence[CompiledRule], hits: Sequence[RuleCheck]) -> None:
        self.first: FirstMatch
        self.first, self.source = first_match(rules)
        self.tracer = RuleTrace(rules, hits)
        self._first_calls = CALLS in self.source

    @property
    def closures(self) -> bool:
        """Whether the code calls closures, whose outcomes its functions share through a dict
        (the tracer's functions change when it re-keys its plans)."""
        return self._first_calls or self.tracer.closures

    def scan(self, ctx: Context) -> tuple[int, tuple[RuleCheck, ...]]:
        """The first rule that holds and the trace up to and including it."""
        s: dict[int, bool] = {}  # closures' outcomes for this lead, shared by both steps
        found = self.first(ctx, s)
        return found, self.tracer.trace(ctx, found, s)


class RuleScan:
    """The rules of one policy, scanned in order by code generated on first use."""

    __slots__ = ("_code", "_hits", "_rules")

    def __init__(self, rules: tuple[CompiledRule, ...]) -> None:
        self._rules = rules
        self._hits = tuple(RuleCheck(rule.id, True) for rule in rules)
        self._code: Generated | None = None

    @property
    def code(self) -> Generated:
        """The generated functions (made once; a race makes them twice, harmlessly)."""
        code = self._code
        if code is None:
            code = self._code = Generated(self._rules, self._hits)
        return code

    def matches(self, ctx: Context) -> Iterator[tuple[CompiledRule | None, tuple[RuleCheck, ...]]]:
        """Each rule that holds for `ctx`, in policy order, with the trace entry of every rule
        tried up to and including it; then (None, every entry) when no rule is left."""
        code = self._code or self.code
        s = {} if code.closures else None  # closures' outcomes for this lead, shared by both
        found = code.first(ctx, s)
        trace = code.tracer.trace(ctx, found, s)
        rules = self._rules
        if found == len(rules):
            yield None, trace
            return
        yield rules[found], trace
        checks = list(trace)
        for rule in rules[found + 1 :]:
            check = rule.check(ctx)
            checks.append(check)
            if check.matched:
                yield rule, tuple(checks)
        yield None, tuple(checks)
