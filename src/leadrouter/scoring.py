"""Lead scoring: fit points (firmographics) and behavior points (source, pages, form, intent).

The policy compiles its `scoring:` section into a ScoringModel of predicates; scoring a lead is
summing the points of the predicates that hold. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from leadrouter.model import Score, ScoreLine

Context = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ScoringClause:
    kind: str  # "fit" or "behavior"
    label: str
    points: float
    test: Callable[[Context], bool]


@dataclass(frozen=True, slots=True)
class ScoringModel:
    clauses: tuple[ScoringClause, ...] = ()
    mql_threshold: float = 0.0

    def score(self, ctx: Context) -> Score:
        """Sum the points of every clause that holds for the lead's context."""
        fit = behavior = 0.0
        lines: list[ScoreLine] = []
        for clause in self.clauses:
            if clause.test(ctx):
                lines.append(ScoreLine(clause.kind, clause.label, clause.points))
                if clause.kind == "fit":
                    fit += clause.points
                else:
                    behavior += clause.points
        total = fit + behavior
        return Score(total, fit, behavior, tuple(lines), total >= self.mql_threshold)
