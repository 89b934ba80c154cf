"""What a policy compiles to: the fast structures the engine runs for every lead.

Built once by `policy.compile`, immutable afterwards. A condition is a tuple of top-level
conjuncts (clauses) so that the engine can tell, for the trace, which clause stopped a rule.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from leadrouter.model import EMPTY, FieldType
from leadrouter.scoring import ScoringModel

Context = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Clause:
    source: str  # the clause's text as written, for the trace
    fields: tuple[str, ...]  # lead/context fields it reads, for "missing" reports
    test: Callable[[Context], bool]


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
    source: str = ""  # file name or "<api>"
    text: str = ""  # the YAML as written, for storage and diffs
