"""ScoringModel.score: points of the clauses that hold, the same whether remembered or fresh."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from leadrouter import scoring
from leadrouter.model import Score, ScoreLine
from leadrouter.scoring import ScoringClause, ScoringModel


def _big(ctx: Any) -> bool:
    return bool(ctx.get("employees", 0.0) >= 1000)


def _demo(ctx: Any) -> bool:
    return ctx.get("form") == "demo_request"


def _model(reads: bool = True) -> ScoringModel:
    return ScoringModel(
        (
            ScoringClause("fit", "big", 30.0, _big, ("employees",) if reads else None),
            ScoringClause("behavior", "demo", 40.0, _demo, ("form",) if reads else None),
            ScoringClause("fit", "always", 5.0, lambda ctx: True, () if reads else None),
        ),
        mql_threshold=40.0,
    )


def _plain(model: ScoringModel, ctx: dict[str, Any]) -> Score:
    """The score written the plain way: every clause tested, points summed in order."""
    lines = [ScoreLine(c.kind, c.label, c.points) for c in model.clauses if c.test(ctx)]
    fit = sum(line.points for line in lines if line.kind == "fit")
    behavior = sum(line.points for line in lines if line.kind != "fit")
    total = fit + behavior
    return Score(total, fit, behavior, tuple(lines), total >= model.mql_threshold)


def test_score__sums_the_points_of_the_clauses_that_hold() -> None:
    score = _model().score({"employees": 5000.0, "form": "trial"})

    assert score == Score(
        35.0, 35.0, 0.0, (ScoreLine("fit", "big", 30.0), ScoreLine("fit", "always", 5.0)), False
    )


def test_score__a_clause_whose_reads_are_unknown_is_tested_for_every_lead() -> None:
    seen: list[Any] = []

    def spy(ctx: Any) -> bool:
        seen.append(ctx.get("x"))
        return bool(ctx.get("x"))

    model = ScoringModel((ScoringClause("fit", "x", 1.0, spy),))
    model.score({"x": True})
    model.score({"x": True})

    assert seen == [True, True]


def test_score__past_its_bounds_scores_the_same(monkeypatch: Any) -> None:
    monkeypatch.setattr(scoring, "OUTCOMES_PER_CLAUSE", 1)
    monkeypatch.setattr(scoring, "SCORES", 1)
    model = _model()
    for employees in (10.0, 5000.0, 10.0, 2000.0):
        for form in ("demo_request", "trial"):
            ctx = {"employees": employees, "form": form}
            assert model.score(ctx) == _plain(model, ctx)


_CONTEXTS = st.fixed_dictionaries(
    {},
    optional={
        "employees": st.sampled_from([1.0, 999.0, 1000.0, 5000.0]),
        "form": st.sampled_from(["demo_request", "trial"]),
    },
)


@given(st.lists(_CONTEXTS, min_size=1, max_size=20), st.booleans())
@settings(deadline=None)
def test_score__equals_scoring_each_lead_afresh(
    contexts: list[dict[str, Any]], reads: bool
) -> None:
    model = _model(reads)
    for ctx in contexts:
        assert model.score(ctx) == _plain(model, ctx)
