"""A recorded decision as the API shows it: the summary every intake, reroute and hand-off
answers with, and the detail (cause, trace) of a lead's decisions. Reads nothing itself."""

from __future__ import annotations

from leadrouter.codec import decision_from_dict
from leadrouter.explain import describe
from leadrouter.leads.models import DecisionRow
from leadrouter.leads.routing import Routed
from leadrouter.leads.schemas import DecisionRead, DecisionSummary, WarningRead


def summary_of(routed: Routed) -> DecisionSummary:
    """The answer for a decision just recorded."""
    decision = routed.decision
    score = decision.trace.score
    return DecisionSummary(
        lead_id=routed.lead_id,
        decision_id=routed.decision_id,
        kind=decision.kind.value,
        owner=decision.owner,
        queue=decision.queue,
        pool=decision.pool,
        rule=decision.rule,
        score=score.total if score is not None else None,
        policy_version=decision.policy_version,
        fallback=decision.fallback,
        at=routed.at,
        warnings=[
            WarningRead(field=w.field, code=w.code.value, message=w.message)
            for w in decision.trace.warnings
        ],
        explanation=describe(decision),
    )


def summary(row: DecisionRow) -> DecisionSummary:
    """The answer for a stored decision."""
    return summary_of(Routed(row.id, row.lead_id, row.at, decision_from_dict(row.body)))


def detail(row: DecisionRow) -> DecisionRead:
    """A stored decision with its cause and trace."""
    return DecisionRead(
        **summary(row).model_dump(),
        cause=row.cause,
        trace=row.body["trace"],
        propensity=row.body.get("propensity"),
    )
