"""The trace of the rules tried before a match: for each, the first clause that was false.

Most rules of a big policy are decided by the fields the policy dispatches on (country, segment):
a rule for `country in EMEA and segment == "smb" and employees >= 500` is false for every lead
from Japan, and its trace entry then depends on the country alone. So per combination of those
fields' values (the lead's *key*) a plan is made once: the entries of the rules the key decides,
in runs, and the rules it leaves open, each checked by a generated function from the first
clause the key does not decide (`codegen.why_functions`). A lead's trace is its plan's runs up
to the match, with the open rules' entries in between: a lead from Japan at rule 600 of 1,000
checks the few dozen rules its country and segment can meet, not 600.

The entries are the same `RuleCheck`s, in the same order, as `CompiledRule.check` gives rule by
rule (tests hold the two equal); a lead whose entries are the very same objects as an earlier
lead's gets the very same trace tuple, so whoever encodes traces can remember each one whole.
The only state is bounded memos (plans, entries per values read, traces). Nothing here does I/O.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from leadrouter.model import RuleCheck
from leadrouter.policy.codegen import Miss, Why, misses_of, why_functions
from leadrouter.policy.recurrence import Recurrence

if TYPE_CHECKING:
    from leadrouter.policy.compiled import CompiledRule, Context

# Fields a plan is keyed on: the ones pinned (`==`, `in`, a territory's countries) by at least
# one rule in KEY_SHARE, at most KEY_FIELDS of them, most pinned first.
KEY_FIELDS = 2
KEY_SHARE = 8
# Plans remembered: about PLAN_BUDGET rule entries in all (a plan holds one per rule), between
# MIN_PLANS and MAX_PLANS. When the plans fill up this many times, keys evidently do not repeat
# (a pinned field with a value per lead), and the plan drops its last key field.
PLAN_BUDGET = 400_000
MIN_PLANS, MAX_PLANS = 64, 4_096
REFILLS = 4
# Whole traces remembered (cleared whole when full): between MIN_TRACES and TRACES, about
# TRACE_BUDGET entries in all. More costs more than it saves on a big policy: the garbage
# collector walks every remembered entry, and on leads with new values few traces recur.
TRACES, MIN_TRACES = 16_384, 16
# Value combinations a segment of a plan remembers the entries of (see _Segment).
SEGMENT_VALUES = 64
TRACE_BUDGET = 300_000
_ABSENT = object()  # a field the lead lacks, in a key: values are never this


class _Segment:
    """Rules between two open ones whose entries depend on more than the key: rules whose next
    clause reads other fields too but pins a key field to values the lead's value is not (a
    territory by state for a lead of another country): false, with an entry naming what it read.
    Their entries (and the decided ones between) are remembered per values of those fields."""

    __slots__ = ("items", "key", "memo")

    def __init__(self, items: tuple[RuleCheck | Miss, ...]) -> None:
        self.items = items
        misses = [item for item in items if type(item) is Miss]
        fields = tuple(dict.fromkeys(f for miss in misses for f in miss.clause.fields))
        self.key = _keyer(fields, None)
        self.memo: dict[tuple[Any, ...], tuple[RuleCheck, ...]] = {}

    def __call__(self, ctx: Context) -> tuple[RuleCheck, ...]:
        key = self.key(ctx)
        entries = self.memo.get(key)
        if entries is None:
            found = []
            for item in self.items:
                if type(item) is Miss:
                    read = item.key(ctx)
                    item = item.entries.get(read) or item(ctx, read)
                found.append(item)
            entries = tuple(found)
            # Never forgotten while the plan lives (so their ids stay theirs: see `trace`).
            if len(self.memo) < SEGMENT_VALUES:
                self.memo[key] = entries
        return entries


class _Plan:
    """What a key decides: `open` rules (indices, ascending) each checked by `whys[k]`, and
    `runs[k]` the entries of the rules before `open[k]` (runs[-1]: those after the last), or a
    _Segment giving them; `serial` tells plans apart in trace keys."""

    __slots__ = ("open", "runs", "serial", "whys")

    def __init__(
        self,
        open_: tuple[int, ...],
        whys: tuple[Why, ...],
        runs: tuple[tuple[RuleCheck, ...] | _Segment, ...],
    ) -> None:
        self.open, self.whys, self.runs = open_, whys, runs
        self.serial = 0


class RuleTrace:
    """The trace entries of a policy's rules for a lead, up to its first match."""

    def __init__(self, rules: Sequence[CompiledRule], hits: Sequence[RuleCheck]) -> None:
        self._rules = rules
        self._hits = hits
        # Shared by plans and generated functions.
        self.miss = misses_of(rules)
        self._plans: dict[tuple[Any, ...], _Plan] = {}
        self._size = min(MAX_PLANS, max(MIN_PLANS, PLAN_BUDGET // max(len(rules), 1)))
        self._refills = 0
        self._serial = 0
        self._traces: dict[tuple[int, ...], tuple[tuple[RuleCheck, ...], list[Any]]] = {}
        self._traces_size = min(TRACES, max(MIN_TRACES, TRACE_BUDGET // max(len(rules), 1)))
        self._recurrence = Recurrence()
        self._skip = 0  # traces still not to look up, as the recurrence said
        self._key_on(_key_fields(rules))

    def _key_on(self, fields: tuple[str, ...]) -> None:
        self.fields = fields
        self._key = _keyer(fields)
        # Per rule, its leading clauses that read only key fields: the key decides those.
        self._starts = [_decided(rule, fields) for rule in self._rules]
        self._whys, self.closures = why_functions(self._rules, self._starts, self.miss, self._hits)
        self._plans.clear()

    def trace(
        self, ctx: Context, m: int, s: dict[int, bool] | None = None
    ) -> tuple[RuleCheck, ...]:
        """The trace up to and including rule `m` (when there is one), remembered whole while
        traces recur."""
        plan = self._plans.get(self._key(ctx)) or self._made(ctx)
        open_, runs, whys = plan.open, plan.runs, plan.whys
        n = bisect_left(open_, m)
        # Each run's entries, then the open rule's entry after it, ..., the last run.
        parts: list[Any] = []
        add = parts.append
        for k in range(n):
            run = runs[k]
            add(run if type(run) is tuple else run(ctx))
            add(whys[k](ctx, s))
        run = runs[n]
        add(run if type(run) is tuple else run(ctx))
        if self._skip:
            self._skip -= 1
            return self._joined(parts, n, m, open_)
        key = (plan.serial, m, *map(id, parts))
        known = self._traces.get(key)
        self._skip = self._recurrence.met(known is not None)
        if known is not None:
            return known[0]
        trace = self._joined(parts, n, m, open_)
        if len(self._traces) >= self._traces_size:
            self._traces.clear()
        # Kept with the parts their ids name, so no other object takes those ids meanwhile.
        self._traces[key] = (trace, parts)
        return trace

    def _joined(
        self, parts: list[Any], n: int, m: int, open_: tuple[int, ...]
    ) -> tuple[RuleCheck, ...]:
        """The trace of `parts` (runs and open rules' entries, alternating) up to rule m."""
        out: list[RuleCheck] = []
        for k in range(0, 2 * n, 2):
            out += parts[k]
            out.append(parts[k + 1])
        start = open_[n - 1] + 1 if n else 0
        out += parts[2 * n][: m - start]
        if m < len(self._rules):
            out.append(self._hits[m])
        return tuple(out)

    def _made(self, ctx: Context) -> _Plan:
        if len(self._plans) >= self._size:
            self._refills += 1
            if self._refills >= REFILLS and self.fields:
                self._refills = 0
                self._key_on(self.fields[:-1])
            self._plans.clear()
        key = self._key(ctx)
        # The key fields' casefolded values: a clause pinning one to other values is false.
        folded = {
            field: value.casefold() if isinstance(value, str) else None
            for field, value in zip(self.fields, key, strict=True)
        }
        open_: list[int] = []
        whys: list[Why] = []
        runs: list[tuple[RuleCheck, ...] | _Segment] = []
        run: list[RuleCheck | Miss] = []
        for i, rule in enumerate(self._rules):
            clauses = rule.condition.clauses
            start = self._starts[i]
            decided: RuleCheck | Miss | None = None
            for j in range(start):
                if not clauses[j].test(ctx):
                    miss = self.miss(i, j)
                    read = miss.key(ctx)
                    decided = miss.entries.get(read) or miss(ctx, read)
                    break
            else:
                if start == len(clauses):
                    decided = self._hits[i]
                else:
                    allows = clauses[start].allows
                    if (
                        allows is not None
                        and allows[0] in folded
                        and folded[allows[0]] not in allows[1]
                    ):
                        decided = self.miss(i, start)  # false; its entry reads more
            if decided is not None:
                run.append(decided)
                continue
            runs.append(_run_of(run))
            run = []
            open_.append(i)
            why = self._whys[i]
            assert why is not None
            whys.append(why)
        runs.append(_run_of(run))
        plan = _Plan(tuple(open_), tuple(whys), tuple(runs))
        self._serial += 1
        plan.serial = self._serial
        self._plans[key] = plan
        return plan


def _run_of(items: list[RuleCheck | Miss]) -> tuple[RuleCheck, ...] | _Segment:
    if any(type(item) is Miss for item in items):
        return _Segment(tuple(items))
    return tuple(items)  # type: ignore[arg-type]


def _keyer(fields: tuple[str, ...], absent: Any = _ABSENT) -> Callable[[Context], tuple[Any, ...]]:
    """A function giving a lead's values of `fields` (`absent` for a missing one), as a tuple."""
    getters = ", ".join(f"get(f{i}, A)" for i in range(len(fields)))
    source = f"def key(ctx):\n    get = ctx.get\n    return ({getters}{',' if fields else ''})\n"
    namespace: dict[str, Any] = {"A": absent, **{f"f{i}": f for i, f in enumerate(fields)}}
    exec(compile(source, "<policy rules: key>", "exec"), namespace)
    return namespace["key"]  # type: ignore[no-any-return]


def _key_fields(rules: Sequence[CompiledRule]) -> tuple[str, ...]:
    counts: dict[str, int] = {}
    for rule in rules:
        pinned = {c.allows[0] for c in rule.condition.clauses if c.allows is not None}
        for field in pinned:
            counts[field] = counts.get(field, 0) + 1
    ranked = sorted(counts, key=lambda f: (-counts[f], f))
    return tuple(f for f in ranked if counts[f] * KEY_SHARE >= len(rules))[:KEY_FIELDS]


def _decided(rule: CompiledRule, fields: tuple[str, ...]) -> int:
    """How many leading clauses of `rule` read only `fields` (so a key decides them)."""
    count = 0
    for clause in rule.condition.clauses:
        if not set(clause.fields) <= set(fields):
            break
        count += 1
    return count
