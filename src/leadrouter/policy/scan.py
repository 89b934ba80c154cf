"""Trying a policy's rules in order for one lead: the rule checks of the trace, and the matches.

The rules run as generated code. A policy of up to `inline_scan.INLINE_UP_TO` rules is scanned
and traced by one generated function (`policy/inline_scan.py`); a bigger one by a first-match
function (`policy/codegen.py`) that tests only the rules the lead's pinned values can meet, then
`policy/rule_trace.py`, which names the first false clause of every rule before the match from
plans per dispatched values. Either way the trace entries are the same `RuleCheck`s, in the same
order, that `CompiledRule.check` gives rule by rule (tests hold them equal). The engine calls
`RuleScan.first` for every lead: a plain call giving the first match and its trace, which for a
small policy on leads whose traces do not recur is the generated function itself (a generator
and the Python layers that were on top cost about a fifth of a 50-rule scan). When the caller goes
on past a match (a rule that matched but could not place the lead), `RuleScan.after` checks the
rules after it one by one: that is rare, and `CompiledRule.check` is the reference.

Leads whose entries are the very same objects get the very same trace tuple while traces recur
(see `policy/recurrence.py`), so whoever encodes traces can remember each one whole. The only
state is bounded memos. Nothing here does I/O or reads the clock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from leadrouter.model import RuleCheck
from leadrouter.policy import inline_scan
from leadrouter.policy.codegen import CALLS, FirstMatch, first_match
from leadrouter.policy.recurrence import Recurrence
from leadrouter.policy.rule_trace import RuleTrace

if TYPE_CHECKING:
    from leadrouter.policy.compiled import CompiledRule, Context

# The first rule that holds for a context (None for none) and the trace up to and including it.
Scan = Callable[["Context"], tuple["CompiledRule | None", tuple[RuleCheck, ...]]]

# Whole traces of small policies remembered, a few hundred bytes each; cleared whole when full.
TRACES = 16_384


class Generated:
    """The compiled functions of one policy's rules: `scan(ctx) -> (rule, trace)`, the first rule
    that holds (None for none) and the trace up to and including it; `first`, the index of the
    first match alone."""

    def __init__(
        self,
        rules: Sequence[CompiledRule],
        hits: Sequence[RuleCheck],
        publish: Callable[[Scan], None] | None = None,
    ) -> None:
        self.rules, self.hits = rules, hits
        # Told each function `scan` becomes, so that callers can hold it and call it directly.
        self._publish = publish
        self.inline: inline_scan.InlineScan | None = None
        self.tracer: RuleTrace | None = None
        self._first: FirstMatch | None = None
        self._first_calls = False
        self.scan: Scan
        if len(rules) <= inline_scan.INLINE_UP_TO:
            self.inline = inline_scan.InlineScan(rules, hits)
            self.source = self.inline.source
            self._inline = self.inline.scan
            # Traces by the identities of their entries: safe keys, as each trace keeps its
            # entries alive for as long as it is remembered.
            self._traces: dict[tuple[int, ...], tuple[RuleCheck, ...]] = {}
            self._recurrence = Recurrence()
            # Swapped with the bare generated function as the recurrence decides: no test per
            # lead of which.
            self._use(self._remembering)
        else:
            self._first, self.source = first_match(rules)
            self._first_calls = CALLS in self.source
            self.tracer = RuleTrace(rules, hits)
            self._found: tuple[CompiledRule | None, ...] = (*rules, None)  # by index found
            self._use(self._planned)

    @property
    def first(self) -> FirstMatch:
        """`first(ctx, s=None) -> m` (made on first use for a small policy: for measuring)."""
        if self._first is None:
            self._first = first_match(self.rules)[0]
        return self._first

    @property
    def closures(self) -> bool:
        """Whether the code calls closures, whose outcomes its functions share through a dict
        (the tracer's functions change when it re-keys its plans)."""
        return self._first_calls or (self.tracer is not None and self.tracer.closures)

    def _remembering(self, ctx: Context) -> tuple[CompiledRule | None, tuple[RuleCheck, ...]]:
        found, trace = self._inline(ctx)
        key = tuple(map(id, trace))
        known = self._traces.get(key)
        skip = self._recurrence.met(known is not None)
        if skip:
            # The next `skip` leads get the generated function's traces as they are.
            assert self.inline is not None
            self.inline.counting(skip, self._wake)
            self._use(self._inline)
        if known is None:
            if len(self._traces) >= TRACES:
                self._traces.clear()
            self._traces[key] = known = trace
        return found, known

    def _wake(self) -> None:
        # Called by the generated function during the last lead it traces on its own.
        self._use(self._remembering)

    def _use(self, scan: Scan) -> None:
        self.scan = scan
        if self._publish is not None:
            self._publish(scan)

    def _planned(self, ctx: Context) -> tuple[CompiledRule | None, tuple[RuleCheck, ...]]:
        assert self.tracer is not None and self._first is not None
        s: dict[int, bool] | None = {} if self.closures else None  # shared by both steps
        found = self._first(ctx, s)
        return self._found[found], self.tracer.trace(ctx, found, s)


class RuleScan:
    """The rules of one policy, scanned in order by code generated on first use.

    `first(ctx) -> (rule, trace)`: the first rule that holds for `ctx` (None for none), with the
    trace entry of every rule tried up to and including it. An attribute, not a method: the
    generated code's current function itself once made (callers look it up per lead, as it
    changes), so a lead costs no call on top of it.
    """

    __slots__ = ("_code", "_hits", "_rules", "first")

    def __init__(self, rules: tuple[CompiledRule, ...]) -> None:
        self._rules = rules
        self._hits = tuple(RuleCheck(rule.id, True) for rule in rules)
        self._code: Generated | None = None
        self.first: Scan = self._first_use

    @property
    def code(self) -> Generated:
        """The generated functions (made once; a race makes them twice, harmlessly)."""
        code = self._code
        if code is None:
            code = self._code = Generated(self._rules, self._hits, self._published)
        return code

    def _first_use(self, ctx: Context) -> tuple[CompiledRule | None, tuple[RuleCheck, ...]]:
        return self.code.scan(ctx)

    def _published(self, scan: Scan) -> None:
        self.first = scan

    def after(
        self, ctx: Context, trace: tuple[RuleCheck, ...]
    ) -> tuple[CompiledRule | None, tuple[RuleCheck, ...]]:
        """The next rule that holds after the last one `trace` tried, with `trace` grown by the
        entry of every rule tried up to and including it (None and every entry when none is
        left)."""
        checks = list(trace)
        for rule in self._rules[len(trace) :]:
            check = rule.check(ctx)
            checks.append(check)
            if check.matched:
                return rule, tuple(checks)
        return None, tuple(checks)
