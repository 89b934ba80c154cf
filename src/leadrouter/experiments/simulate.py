"""A candidate policy version replayed on the latest stored leads beside the active one."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadrouter.engine import Snapshot
from leadrouter.experiments.backtest import CHANGE, RESHUFFLE, classify
from leadrouter.experiments.schemas import Move, Simulation
from leadrouter.leads.models import ROUTED, LeadRow
from leadrouter.model import Decision, Kind
from leadrouter.normalize import normalize_lead
from leadrouter.policies.snapshot import Config, compile_version
from leadrouter.policy.compiled import CompiledPolicy
from leadrouter.sequence import route_many


def simulate(*, session: Session, config: Config, version: str, last: int) -> Simulation:
    """Route the last `last` stored leads with `version` and with the active policy, and count
    the leads whose destination differs because of the change; rotation reshuffles (the same
    rule and pool, another rep) are counted apart (`backtest.classify`).

    Both runs start from the same empty rotation state and replay leads in arrival order, so a
    difference comes from the policy and not from where round-robin cursors happen to stand.
    """
    active = config.require_policy()
    candidate = compile_version(session, version, config.team)
    rows = list(
        session.scalars(
            select(LeadRow)
            .where(LeadRow.status == ROUTED)
            .order_by(LeadRow.received_at.desc(), LeadRow.decision_id.desc())
            .limit(last)
        )
    )
    rows.reverse()
    now_dests = replay(rows, config, active)
    new_decisions = replay(rows, config, candidate)
    moves: Counter[tuple[str, str]] = Counter()
    by_rule: Counter[str] = Counter()
    reshuffled = 0
    for before, decision in zip(now_dests, new_decisions, strict=True):
        kind = classify(before, decision)
        if kind == RESHUFFLE:  # the pool's turn moved: not a consequence of the change
            reshuffled += 1
        elif kind == CHANGE and destination(decision) != destination(before):
            moves[(destination(before), destination(decision))] += 1
            by_rule[decision.rule or "(none)"] += 1
    return Simulation(
        version=version,
        against=active.version,
        leads=len(rows),
        moved=sum(moves.values()),
        reshuffled=reshuffled,
        by_rule=dict(by_rule.most_common()),
        moves=[Move(from_=a, to=b, count=n) for (a, b), n in moves.most_common()],
    )


def replay(rows: list[LeadRow], config: Config, policy: CompiledPolicy) -> list[Decision]:
    """The rows' decisions under `policy`, each at its arrival, through the one routing loop
    from an empty state: from the same state, decision for decision what live routing decided
    (duplicates among the replayed leads included)."""
    snapshot = Snapshot(policy=policy, team=config.team, accounts=config.accounts)
    arrivals = (
        (
            normalize_lead(row.raw, policy.custom_fields, id=row.id, received_at=row.received_at),
            row.received_at,
        )
        for row in rows
    )
    return [routed.decision for routed in route_many(arrivals, snapshot)]


def destination(decision: Decision) -> str:
    """Where a decision sent the lead, as one comparable label."""
    if decision.kind == Kind.REP:
        return decision.owner or ""
    return f"{decision.kind}:{decision.queue}"
