"""Lead scoring: fit points (firmographics) and behavior points (source, pages, form, intent).

The policy compiles its `scoring:` section into a ScoringModel of predicates; scoring a lead is
summing the points of the predicates that hold. A lead's Score depends only on which predicates
hold, and each predicate only on the fields it reads, so both are remembered (bounded): a lead
usually costs a lookup per predicate and one for the Score. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from leadrouter.model import Score, ScoreLine

Context = Mapping[str, Any]

# Outcomes remembered per predicate (distinct values read) and Scores per set of predicates
# that held; past these, leads are scored afresh, with the same result.
OUTCOMES_PER_CLAUSE = 1024
SCORES = 4096
_ABSENT = object()  # a field the context lacks, as a memo key: values are never this


@dataclass(frozen=True, slots=True)
class ScoringClause:
    kind: str  # "fit" or "behavior"
    label: str
    points: float
    test: Callable[[Context], bool]
    # Every context field the test reads, when known: its outcome is then remembered per their
    # values. None: the test is run for every lead.
    reads: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class ScoringModel:
    clauses: tuple[ScoringClause, ...] = ()
    mql_threshold: float = 0.0
    # Per clause: the one field it reads (None: several or unknown), the fields, ctx.get's default
    # for each, the test and a memo of its outcome per values read (None: not remembered); and
    # Scores by clauses held.
    _steps: tuple[
        tuple[str | None, tuple[str, ...], tuple[object, ...], Any, dict[Any, bool] | None], ...
    ] = field(init=False, repr=False, compare=False)
    _scores: dict[int, Score] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        steps = tuple(
            (
                c.reads[0] if c.reads is not None and len(c.reads) == 1 else None,
                c.reads or (),
                (_ABSENT,) * len(c.reads or ()),
                c.test,
                None if c.reads is None else {},
            )
            for c in self.clauses
        )
        object.__setattr__(self, "_steps", steps)
        object.__setattr__(self, "_scores", {})

    def score(self, ctx: Context) -> Score:
        """Sum the points of every clause that holds for the lead's context."""
        held = 0
        bit = 1
        for single, reads, absent, test, memo in self._steps:
            if memo is None:
                holds = test(ctx)
            else:
                if single is not None:
                    key = ctx.get(single, _ABSENT)
                else:
                    # map over C functions: a comprehension is a Python call of its own
                    key = tuple(map(ctx.get, reads, absent))
                holds = memo.get(key)
                if holds is None:
                    holds = memo_value = bool(test(ctx))
                    if len(memo) < OUTCOMES_PER_CLAUSE:
                        memo[key] = memo_value
            if holds:
                held |= bit
            bit <<= 1
        score = self._scores.get(held)
        if score is None:
            score = self._sum(held)
            if len(self._scores) < SCORES:
                self._scores[held] = score
        return score

    def _sum(self, held: int) -> Score:
        fit = behavior = 0.0
        lines: list[ScoreLine] = []
        for i, clause in enumerate(self.clauses):
            if held >> i & 1:
                lines.append(ScoreLine(clause.kind, clause.label, clause.points))
                if clause.kind == "fit":
                    fit += clause.points
                else:
                    behavior += clause.points
        total = fit + behavior
        return Score(total, fit, behavior, tuple(lines), total >= self.mql_threshold)
