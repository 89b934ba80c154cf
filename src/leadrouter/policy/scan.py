"""Trying a policy's rules in order for one lead: the rule checks of the trace, and the matches.

The rules run as generated code (`policy/codegen.py`): one function finds the first rule that
holds, testing only the rules the lead's pinned values can meet, then names the first false clause
of every rule before it. The trace entries are the same `RuleCheck`s, in the same order, that
`CompiledRule.check` gives rule by rule (tests hold the two equal). When the caller goes on past a
match (a rule that matched but could not place the lead), the rules after it are checked one by
one: that is rare, and `CompiledRule.check` is the reference.

Leads whose entries are the very same objects get the very same trace tuple, so whoever encodes
traces can remember each one whole. The only state is bounded memos: trace entries per values
read (in codegen) and traces. Nothing here does I/O or reads the clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from leadrouter.model import RuleCheck
from leadrouter.policy.codegen import Generated

if TYPE_CHECKING:
    from leadrouter.policy.compiled import CompiledRule, Context

# Whole traces remembered, a few hundred bytes each; cleared whole when full.
TRACES = 16_384


class RuleScan:
    """The rules of one policy, scanned in order by code generated on first use."""

    __slots__ = ("_code", "_hits", "_rules", "_traces")

    def __init__(self, rules: tuple[CompiledRule, ...]) -> None:
        self._rules = rules
        self._hits = tuple(RuleCheck(rule.id, True) for rule in rules)
        self._code: Generated | None = None
        # Traces by the identities of their entries: safe keys, as each trace keeps its entries
        # alive for as long as it is remembered.
        self._traces: dict[tuple[int, ...], tuple[RuleCheck, ...]] = {}

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
        found, entries = code.scan(ctx)
        rules = self._rules
        if found == len(rules):
            yield None, self._remembered(entries)
            return
        entries.append(self._hits[found])
        trace = self._remembered(entries)
        yield rules[found], trace
        checks = list(trace)
        for rule in rules[found + 1 :]:
            check = rule.check(ctx)
            checks.append(check)
            if check.matched:
                yield rule, tuple(checks)
        yield None, tuple(checks)

    def _remembered(self, entries: list[RuleCheck]) -> tuple[RuleCheck, ...]:
        key = tuple(map(id, entries))
        trace = self._traces.get(key)
        if trace is None:
            trace = tuple(entries)
            if len(self._traces) >= TRACES:
                self._traces.clear()
            self._traces[key] = trace
        return trace
