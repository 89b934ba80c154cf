"""Firing due ladder steps: each claimed timer, with everything it causes (timeline event, message,
a move of the lead), in the transaction that claims it, so a step happens exactly once.

What a step does is decided by `escalation.fire_step` (pure); this module reads what it needs,
applies the outcome (moves go through the leads service) and marks the timers fired.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.orm import Session, defer

from leadrouter.codec import decision_from_dict
from leadrouter.escalation import (
    Move,
    Notice,
    Outcome,
    SlaClock,
    SlaEvent,
    SlaReason,
    Template,
    TimedStep,
    fire_step,
    next_in_pool,
)
from leadrouter.leads import placement
from leadrouter.leads.models import DecisionRow, LeadRow
from leadrouter.model import Decision
from leadrouter.policy.sla import StepKind, TargetKind
from leadrouter.sla.clocks import (
    Context,
    among,
    cancel_pending,
    clock_of,
    end_clock,
    event_rows,
    locked,
    record,
    step_of,
)
from leadrouter.sla.messages import notify
from leadrouter.sla.models import FIRED, PENDING, RUNNING, SlaClockRow, SlaTimerRow
from leadrouter.sla.touches import stop_on_touch

# What firing a timer needs, read with the claim in one query as plain rows (no ORM objects):
# the timer, its clock (for the ladder) and the lead's current owner and first touch.
_DUE = (
    SlaTimerRow.id,
    SlaTimerRow.clock_id,
    SlaTimerRow.lead_id,
    SlaTimerRow.step,
    SlaTimerRow.kind,
    SlaTimerRow.target_kind,
    SlaTimerRow.target_id,
    SlaTimerRow.due_at,
    SlaClockRow.sla,
    SlaClockRow.owner,
    SlaClockRow.pool,
    SlaClockRow.started_at,
    SlaClockRow.deadline,
    SlaClockRow.first_touch_seconds,
    SlaClockRow.clock,
    SlaClockRow.shifts,
    SlaClockRow.timezone,
    SlaClockRow.state.label("clock_state"),
    LeadRow.owner.label("lead_owner"),
    LeadRow.first_touch_at,
    LeadRow.decision_id,
)
_STEP = (
    SlaTimerRow.clock_id,
    SlaTimerRow.step,
    SlaTimerRow.kind,
    SlaTimerRow.target_kind,
    SlaTimerRow.target_id,
    SlaTimerRow.due_at,
)
# Steps that may move the lead: they write through the leads service, which works on its rows.
_MOVES = frozenset({str(StepKind.REASSIGN), str(StepKind.RECYCLE)})


def fire_due(session: Session, ctx: Context, *, limit: int) -> int:
    """Fire up to `limit` due timers, each with everything it causes; returns how many."""
    query = (
        select(*_DUE)
        .join(SlaClockRow, SlaClockRow.id == SlaTimerRow.clock_id)
        .join(LeadRow, LeadRow.id == SlaTimerRow.lead_id)
        .where(SlaTimerRow.state == PENDING, SlaTimerRow.due_at <= ctx.now)
        .order_by(SlaTimerRow.due_at)
        .limit(limit)
    )
    # Only the timers are locked: they are the claim; clocks and leads are read as of now.
    timers = session.execute(locked(session, query, SlaTimerRow)).all()
    if not timers:
        return 0
    # Most steps only record an event. Those that move the lead, or message someone, go through
    # ORM rows (the leads service, message composition): load those in one query per table.
    full = [t for t in timers if ctx.channels or t.kind in _MOVES]
    steps: dict[int, list[TimedStep]] = {}
    decisions: dict[int, Decision] = {}
    if full:
        clock_ids = {t.clock_id for t in full}
        list(session.scalars(select(SlaClockRow).where(among(session, SlaClockRow.id, clock_ids))))
        # Only a move to a queue cancels the later steps, so only it needs the whole ladder.
        queued = {t.clock_id for t in full if t.target_kind == TargetKind.QUEUE}
        if queued:
            for t in session.execute(
                select(*_STEP).where(among(session, SlaTimerRow.clock_id, queued))
            ):
                steps.setdefault(t.clock_id, []).append(step_of(t))
        lead_query = select(LeadRow).where(among(session, LeadRow.id, {t.lead_id for t in full}))
        if not ctx.channels:
            # Nothing will be sent: skip decoding the raw leads messages are made of.
            lead_query = lead_query.options(defer(LeadRow.raw))
        list(session.scalars(lead_query.execution_options(populate_existing=True)))
        if ctx.channels:
            decision_ids = {t.decision_id for t in full if t.decision_id}
            query = select(DecisionRow).where(among(session, DecisionRow.id, decision_ids))
            decisions = {row.id: decision_from_dict(row.body) for row in session.scalars(query)}
    owners = {t.lead_id: t.lead_owner for t in timers}  # moves earlier in the batch change them
    ended: set[int] = set()  # clocks stopped earlier in this batch, whose pending timers died
    fired: list[int] = []
    events: list[dict[str, Any]] = []
    team = ctx.config.team
    for timer in timers:
        if timer.clock_state != RUNNING or timer.clock_id in ended:
            continue
        if timer.first_touch_at is not None:
            # Touched since the last pass: the touch wins over any step still due.
            clock_row = session.get(SlaClockRow, timer.clock_id)
            assert clock_row is not None  # joined above
            stop_on_touch(session, ctx, clock_row, timer.first_touch_at)
            ended.add(timer.clock_id)
            continue
        clock = clock_of(timer, steps.get(timer.clock_id, ()))
        owner = owners[timer.lead_id]
        outcome = fire_step(clock, step_of(timer), owner=owner, team=team, now=ctx.now)
        if outcome.move is None and not outcome.cancel and not (outcome.notices and ctx.channels):
            events += event_rows(outcome.events, timer_id=timer.id)
        else:
            clock_row = session.get(SlaClockRow, timer.clock_id)
            lead_row = session.get(LeadRow, timer.lead_id)
            assert clock_row is not None and lead_row is not None  # joined above
            decision = decisions.get(lead_row.decision_id) if lead_row.decision_id else None
            events += _apply(session, ctx, timer, clock_row, clock, lead_row, decision, outcome)
            owners[timer.lead_id] = lead_row.owner
            if clock_row.state != RUNNING:
                ended.add(timer.clock_id)
        fired.append(timer.id)
    if fired:
        session.execute(
            update(SlaTimerRow)
            .where(among(session, SlaTimerRow.id, fired))
            .values(state=FIRED, fired_at=ctx.now, fired_by=ctx.worker)
        )
    record(session, events)
    return len(timers)


def _apply(
    session: Session,
    ctx: Context,
    timer: Row[Any],
    clock_row: SlaClockRow,
    clock: SlaClock,
    lead_row: LeadRow,
    decision: Decision | None,
    outcome: Outcome,
) -> list[dict[str, Any]]:
    """Write what a fired step causes, except its events, which are returned as rows."""
    previous_owner = lead_row.owner
    outcome = _resolve_pool_move(ctx, clock, timer.step, lead_row.owner, outcome)
    if outcome.move is not None:
        move = outcome.move
        rep = move.id if move.kind is TargetKind.REP else None
        queue = None if rep is not None else move.id
        placement.assign(
            session=session, lead_id=lead_row.id, rep=rep, queue=queue, now=ctx.now, cause="sla"
        )
        if outcome.move.kind is TargetKind.QUEUE:
            end_clock(session, clock_row, ctx.now)
    if outcome.cancel:
        cancel_pending(session, clock_row.id, outcome.cancel)
    if outcome.notices and ctx.channels:
        for n, notice in enumerate(outcome.notices):
            notify(
                session,
                ctx,
                f"timer:{timer.id}:{n}",
                lead_row,
                decision,
                notice,
                clock=clock,
                owner=previous_owner,
                detail=outcome.events[0].message,
                queue=lead_row.queue,
            )
    return event_rows(outcome.events, timer_id=timer.id)


def _resolve_pool_move(
    ctx: Context, clock: SlaClock, step: int, owner: str | None, outcome: Outcome
) -> Outcome:
    """A move to a pool becomes a move to its next available rep (or a skipped step)."""
    move = outcome.move
    if move is None or move.kind is not TargetKind.POOL:
        return outcome
    team = ctx.config.team
    rep = next_in_pool(team.pools[move.id], team, owner, ctx.now)
    if rep is None:
        skipped = SlaEvent(
            ctx.now,
            clock.lead_id,
            SlaReason.SLA_STEP_SKIPPED,
            f"reassignment skipped: nobody in pool {move.id} is available",
            {"sla": clock.sla, "step": step},
        )
        return Outcome((skipped,))
    event = outcome.events[0]
    moved = SlaEvent(
        event.at,
        event.lead_id,
        event.reason,
        f"reassigned from {owner} to {rep}",
        {**event.data, "rep": rep},
    )
    return Outcome((moved,), (Notice(Template.REASSIGNED, rep),), Move(TargetKind.REP, rep))
