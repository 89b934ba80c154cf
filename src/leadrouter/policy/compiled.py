"""What a policy compiles to: the fast structures the engine runs for every lead.

Built once by `policy.compile`, immutable afterwards. A condition is a tuple of top-level
conjuncts (clauses) so that the engine can tell, for the trace, which clause stopped a rule.
The only state is bounded memos of the trace entries of rules that did not match (see
`CompiledRule.check` and `scan.RuleScan`); nothing here does I/O or reads the clock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from leadrouter.model import EMPTY, FieldType, RuleCheck
from leadrouter.policy.distribution import NO_DISTRIBUTION, Distribution
from leadrouter.policy.owner_terms import OwnerTerms
from leadrouter.policy.scan import RuleScan
from leadrouter.policy.sla import NO_SLAS, SlaPolicy
from leadrouter.scoring import ScoringModel

if TYPE_CHECKING:
    from leadrouter.policy.codegen import Emit
    from leadrouter.policy.handoffs import Handoff
    from leadrouter.policy.lead_time import Grace
    from leadrouter.policy.reroute import ReroutePolicy

Context = Mapping[str, Any]

# Distinct value combinations remembered per clause of a rule; past this, new combinations are
# evaluated but not kept, so a clause over a unique field (email) costs memory once, not per lead.
_VALUES_PER_CLAUSE = 256
_ABSENT = object()  # a field the context lacks, as a memo key: values are never this
_UNSEEN = object()  # values a memo has no outcome for yet


@dataclass(frozen=True, slots=True)
class Clause:
    source: str  # the clause's text as written, for the trace
    # Every lead/context field the test reads, for "missing" reports; the test's result must
    # depend on nothing else, since CompiledRule.check remembers it per values of these fields.
    fields: tuple[str, ...]
    test: Callable[[Context], bool]
    # The same test as a Python expression, for the generated scan (None: the scan calls `test`).
    emit: Emit | None = field(default=None, compare=False)
    # (field, casefolded values): the clause can hold only when the field is one of them.
    allows: tuple[str, frozenset[str]] | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Condition:
    source: str
    clauses: tuple[Clause, ...] = ()  # all must hold; empty means "always"

    @property
    def always(self) -> bool:
        return not self.clauses

    def first_false(self, ctx: Context) -> int:
        """Index of the first clause that does not hold, or -1 when the condition holds."""
        for i, clause in enumerate(self.clauses):
            if not clause.test(ctx):
                return i
        return -1


class RouteKind(StrEnum):
    ACCOUNT_OWNER = "account owner"
    PARENT_OWNER = "parent owner"
    EXISTING_OWNER = "existing owner"
    REP = "rep"
    POOL = "pool"
    QUEUE = "queue"
    NURTURE = "nurture"
    REVIEW = "review"
    BACKUP = "backup"  # only in `otherwise`: the owner's backup rep
    MANAGER = "manager"  # only in `otherwise`: the owner's manager
    SPLIT = "split"  # a capacity-weighted split between teams (`distribution: splits:`)


@dataclass(frozen=True, slots=True)
class Route:
    kind: RouteKind
    target: str | None = None  # rep, pool or queue id

    def __str__(self) -> str:
        return f"{self.kind} {self.target}" if self.target else str(self.kind)


@dataclass(frozen=True, slots=True)
class CompiledRule:
    id: str
    condition: Condition
    route: Route
    otherwise: Route | None = None
    line: int = 0
    owner: OwnerTerms | None = None  # what an owner route's owner must meet (`owner:` terms)
    # Per clause: the one field it reads (None: several), the clause, and a memo of the values
    # it read -> None when it held, else the RuleCheck saying it was false. Most rules miss for
    # every lead and the same few values recur, so a rule usually costs a lookup per clause
    # instead of running its tests and building a trace entry.
    _steps: tuple[tuple[str | None, Clause, dict[Any, RuleCheck | None]], ...] = field(
        init=False, repr=False, compare=False
    )
    _hit: RuleCheck = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Frozen: the memo tables are set once here, then only filled.
        steps = tuple(
            (clause.fields[0] if len(clause.fields) == 1 else None, clause, {})
            for clause in self.condition.clauses
        )
        object.__setattr__(self, "_steps", steps)
        object.__setattr__(self, "_hit", RuleCheck(self.id, True))

    def check(self, ctx: Context) -> RuleCheck:
        """Whether the rule holds for `ctx`; when not, the first false clause and what it read.

        The same as `condition.first_false` and a RuleCheck of that clause, remembered per values.
        """
        for single, clause, memo in self._steps:
            # Fields hold one type each, so equal keys mean equal values (True == 1.0 never meets).
            if single is not None:
                key = ctx.get(single, _ABSENT)
            else:
                key = tuple([ctx.get(f, _ABSENT) for f in clause.fields])
            outcome = memo.get(key, _UNSEEN)
            if outcome is _UNSEEN:
                outcome = None if clause.test(ctx) else self._miss(clause, ctx)
                if len(memo) < _VALUES_PER_CLAUSE:
                    memo[key] = outcome
            if outcome is not None:
                return outcome  # type: ignore[return-value]
        return self._hit

    def _miss(self, clause: Clause, ctx: Context) -> RuleCheck:
        missing = tuple(f for f in clause.fields if f not in ctx)
        values = tuple((f, ctx[f]) for f in clause.fields if f in ctx)
        return RuleCheck(self.id, False, clause.source, missing, values)


@dataclass(frozen=True, slots=True)
class PolicyTest:
    name: str
    lead: Mapping[str, Any]
    at: datetime
    expect: Mapping[str, str]  # keys among rule, kind, owner, queue, pool
    line: int = 0


@dataclass(frozen=True, slots=True)
class CompiledPolicy:
    version: str
    name: str
    rules: tuple[CompiledRule, ...]
    scoring: ScoringModel
    fallback_queue: str
    custom_fields: Mapping[str, FieldType] = field(default_factory=lambda: EMPTY)
    tests: tuple[PolicyTest, ...] = ()
    sla: SlaPolicy = NO_SLAS  # which SLA an assignment starts, chosen by the engine
    # Eligibility, priority tiers, per-rep filters, splits and the seed (`distribution:`).
    distribution: Distribution = NO_DISTRIBUTION
    source: str = ""  # file name or "<api>"
    text: str = ""  # the YAML as written, for storage and diffs
    # Some condition reads `now`, `created_at` or `age`: the engine adds them to the context.
    reads_time: bool = False
    grace: Grace | None = None  # `grace:`: young leads wait (policy/lead_time.py)
    # `net_new_companies: {window}`: a company with no account stays with one rep this long.
    company_window: timedelta | None = None
    reroute: ReroutePolicy | None = None  # `reroute:`: which changes route a lead again
    # `handoffs:` by stage: on a stage change, the next role's rules (policy/handoffs.py).
    handoffs: Mapping[str, Handoff] = field(default_factory=lambda: EMPTY)
    # The sections scoring depends on as written (`scoring`, `mql_threshold` and the `fields`,
    # `sets` and `territories` its conditions may name): two policies with equal ones score
    # every context alike, so a replay of both scores each lead once. None: unknown.
    scoring_source: tuple[Any, ...] | None = field(default=None, compare=False)
    # `scan.first(ctx) -> (rule, trace)`: the first rule that holds for `ctx` (None for none)
    # with the trace entry of every rule tried up to and including it (`rule.check(ctx)` of each,
    # with shared clauses evaluated once); `scan.after(ctx, trace)`: the same for the rules after
    # the last one `trace` tried (for a matched rule that could not place the lead; rare). The
    # engine calls `scan.first` for every lead: a plain call of the generated code.
    scan: RuleScan = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "scan", RuleScan(self.rules))
