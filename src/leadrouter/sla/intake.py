"""Taking in new decisions: start the SLA clock the engine chose, tell the new owner, alert the
team when a lead landed in a fallback queue.

The decision table is the intake's outbox: each decision is taken in once (its intake mark is
written in the same transaction) and never changed. Which SLA applies was decided by the engine
from the routing context and recorded in the decision (`effects.sla`); this module only looks
its terms up in the policy version that routed the lead and starts the clock.
"""

from __future__ import annotations

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from leadrouter.codec import decision_from_dict
from leadrouter.connectors.writeback import enqueue_writebacks
from leadrouter.escalation import Notice, SlaClock, Template, start_clock
from leadrouter.leads.models import DecisionRow, LeadRow
from leadrouter.model import Decision, Kind, Rep
from leadrouter.notify.message import Channel
from leadrouter.policy.sla import SlaRule
from leadrouter.sla.clocks import (
    Context,
    end_clock,
    ended_event,
    event_rows,
    locked,
    record,
    save_clock,
)
from leadrouter.sla.messages import notify
from leadrouter.sla.models import RUNNING, SlaClockRow, SlaIntakeRow
from leadrouter.sla.queue_alerts import alert_if_fallback

# Decisions are taken in id order; one committed out of order by more than this many ids is
# missed. Bounding the look-back keeps each intake pass an index range scan, not a full scan.
INTAKE_LOOKBACK = 10_000


def intake(session: Session, ctx: Context, *, limit: int) -> int:
    """Start clocks and alerts for up to `limit` decisions not seen yet; returns how many."""
    floor = select(
        func.coalesce(func.max(SlaIntakeRow.decision_id), 0) - INTAKE_LOOKBACK
    ).scalar_subquery()
    # Bounding both sides lets PostgreSQL merge two short index ranges instead of hashing every
    # intake mark ever written on each pass.
    seen = exists().where(
        SlaIntakeRow.decision_id == DecisionRow.id, SlaIntakeRow.decision_id > floor
    )
    query = (
        select(DecisionRow)
        .where(DecisionRow.id > floor, ~seen)
        .order_by(DecisionRow.id)
        .limit(limit)
    )
    rows = list(session.scalars(locked(session, query, DecisionRow)))
    for row in rows:
        session.add(SlaIntakeRow(decision_id=row.id, at=ctx.now))
        _take_decision(session, ctx, row)
    session.flush()
    return len(rows)


def _take_decision(session: Session, ctx: Context, row: DecisionRow) -> None:
    lead_row = session.get(LeadRow, row.lead_id)
    assert lead_row is not None  # decisions reference their lead
    # A newer decision (a reroute) replaces whatever clock the lead had.
    for old in session.scalars(
        select(SlaClockRow).where(SlaClockRow.lead_id == row.lead_id, SlaClockRow.state == RUNNING)
    ):
        end_clock(session, old, ctx.now)
        record(
            session, event_rows([ended_event(old, ctx.now, f"routed again by decision {row.id}")])
        )
    decision = decision_from_dict(row.body)
    alert_if_fallback(session, ctx, row, lead_row, decision)
    if Channel.CRM in ctx.channels:  # the owner (or queue) and tasks, to the lead's CRM
        enqueue_writebacks(session, ctx.crm, row, lead_row, decision, ctx.now)
    team = ctx.config.team
    rep = team.reps.get(decision.owner) if decision.kind is Kind.REP and decision.owner else None
    if rep is None:
        return
    rule = _sla_rule(session, ctx, decision)
    clock: SlaClock | None = None
    if rule is not None:
        clock = _start(session, row, decision, rule, rep)
    notify(
        session,
        ctx,
        f"decision:{row.id}",
        lead_row,
        decision,
        Notice(Template.ASSIGNED, rep.id),
        clock=clock,
    )


def _sla_rule(session: Session, ctx: Context, decision: Decision) -> SlaRule | None:
    """The SLA the engine chose for this assignment, as the policy that routed it defines it."""
    sla_id = decision.effects.sla
    if sla_id is None:
        return None
    policy = ctx.policy(session, decision.policy_version)
    return policy.sla.get(sla_id) if policy is not None else None


def _start(
    session: Session, row: DecisionRow, decision: Decision, rule: SlaRule, rep: Rep
) -> SlaClock:
    clock, started = start_clock(
        rule, lead_id=row.lead_id, owner=rep, pool=decision.pool, assigned_at=decision.at
    )
    save_clock(session, clock, row.id)
    record(session, event_rows([started]))
    return clock
