"""SLA clocks in the database: start them from new decisions, stop them at the first touch, fire
due ladder steps, and read a lead's timeline.

Each function runs inside the caller's write transaction and writes everything a step causes
(timer state, timeline events, outbox messages, the lead's new owner) in it, so a step is
recorded exactly once or not at all. Decisions and touches are written by the leads service;
this module reads them (an append-only decision table is the intake's outbox) and never changes
them. On PostgreSQL, rows are claimed with `FOR UPDATE SKIP LOCKED` so several workers share
the work; on SQLite, one worker runs.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    any_,
    bindparam,
    exists,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, defer

from leadrouter.codec import decision_from_dict
from leadrouter.explain import describe_rep, describe_rule, headline
from leadrouter.leads import service as leads
from leadrouter.leads.models import DecisionRow, LeadRow, TouchRow
from leadrouter.model import Decision, Kind, Shift
from leadrouter.normalize import normalize_lead
from leadrouter.notify.compose import Notification, compose
from leadrouter.notify.message import Channel
from leadrouter.notify.models import OutboxRow
from leadrouter.notify.outbox import enqueue
from leadrouter.notify.redact import redact
from leadrouter.notify.templates import Templates
from leadrouter.policies.snapshot import Config
from leadrouter.sla.ladder import (
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
    on_touch,
    start_clock,
)
from leadrouter.sla.models import (
    CANCELLED,
    ENDED,
    FIRED,
    LATE,
    MET,
    PENDING,
    RUNNING,
    SlaClockRow,
    SlaEventRow,
    SlaIntakeRow,
    SlaTimerRow,
)
from leadrouter.sla.policy import ClockMode, SlaPolicy, StepKind, Target, TargetKind

# Decisions are taken in id order; one committed out of order by more than this many ids is
# missed. Bounding the look-back keeps each intake pass an index range scan, not a full scan.
INTAKE_LOOKBACK = 10_000


@dataclass(frozen=True, slots=True)
class Context:
    """What every step needs besides the rows: configuration, SLAs, templates, channels, time."""

    config: Config
    sla: SlaPolicy
    templates: Templates
    channels: frozenset[Channel]
    now: datetime
    worker: str = "worker"


def _locked(session: Session, query: Select[Any], *of: Any) -> Select[Any]:
    if session.get_bind().dialect.name == "postgresql":
        return query.with_for_update(skip_locked=True, of=of or None)
    return query


# ---------------------------------------------------------------- intake


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
    rows = list(session.scalars(_locked(session, query, DecisionRow)))
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
        _end_clock(session, old, ctx.now)
        _record(
            session, _event_rows([_ended_event(old, ctx.now, f"routed again by decision {row.id}")])
        )
    decision = decision_from_dict(row.body)
    fields = _fields(ctx, lead_row)
    team = ctx.config.team
    queue = team.queues.get(decision.queue) if decision.queue else None
    if decision.fallback or (queue is not None and queue.fallback):
        where = decision.queue or "no queue (routing failed)"
        event = SlaEvent(
            ctx.now,
            row.lead_id,
            SlaReason.FALLBACK_ALERT,
            f"lead landed in {where}: alerting the team",
            {"decision": row.id, "queue": decision.queue},
        )
        _record(session, _event_rows([event]))
        _notify(
            session,
            ctx,
            f"decision:{row.id}:queue",
            lead_row,
            fields,
            decision,
            Notice(Template.QUEUE_ALERT, None),
            detail=event.message,
            queue=where,
        )
    rep = team.reps.get(decision.owner) if decision.kind is Kind.REP and decision.owner else None
    if rep is None:
        return
    rule = ctx.sla.select({**fields, **_score_fields(decision)})
    clock = None
    if rule is not None:
        clock, started = start_clock(
            rule, lead_id=row.lead_id, owner=rep, pool=decision.pool, assigned_at=decision.at
        )
        _save_clock(session, clock, row.id)
        _record(session, _event_rows([started]))
    _notify(
        session,
        ctx,
        f"decision:{row.id}",
        lead_row,
        fields,
        decision,
        Notice(Template.ASSIGNED, rep.id),
        clock=clock,
    )


def _save_clock(session: Session, clock: SlaClock, decision_id: int) -> None:
    clock_row = SlaClockRow(
        decision_id=decision_id,
        lead_id=clock.lead_id,
        sla=clock.sla,
        owner=clock.owner,
        pool=clock.pool,
        started_at=clock.started_at,
        deadline=clock.deadline,
        first_touch_seconds=clock.first_touch.total_seconds(),
        clock=str(clock.clock),
        shifts=_shifts_json(clock.shifts),
        timezone=clock.timezone,
        state=RUNNING,
    )
    session.add(clock_row)
    session.flush()
    session.add_all(
        SlaTimerRow(
            clock_id=clock_row.id,
            lead_id=clock.lead_id,
            step=step.index,
            kind=str(step.kind),
            target_kind=str(step.target.kind),
            target_id=step.target.id,
            due_at=step.due_at,
            state=PENDING,
        )
        for step in clock.steps
    )


# ---------------------------------------------------------------- touches


def stop_touched(session: Session, ctx: Context, *, limit: int) -> int:
    """Stop running clocks whose lead has had its first touch; returns how many."""
    query = (
        select(SlaClockRow, LeadRow.first_touch_at)
        .join(LeadRow, LeadRow.id == SlaClockRow.lead_id)
        .where(SlaClockRow.state == RUNNING, LeadRow.first_touch_at.is_not(None))
        .limit(limit)
    )
    rows = list(session.execute(_locked(session, query, SlaClockRow)))
    for clock_row, touched_at in rows:
        _stop_on_touch(session, ctx, clock_row, touched_at)
    return len(rows)


def _stop_on_touch(session: Session, ctx: Context, clock_row: SlaClockRow, at: datetime) -> None:
    by = session.scalar(
        select(TouchRow.rep).where(TouchRow.lead_id == clock_row.lead_id).order_by(TouchRow.at)
    )
    outcome = on_touch(_clock(clock_row, ()), at, by=by)
    clock_row.state = MET if outcome.events[0].reason is SlaReason.SLA_MET else LATE
    clock_row.ended_at = ctx.now
    _cancel_pending(session, clock_row.id)
    _record(session, _event_rows(outcome.events))


# ---------------------------------------------------------------- timers


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
    timers = session.execute(_locked(session, query, SlaTimerRow)).all()
    if not timers:
        return 0
    # Most steps only record an event. Those that move the lead, or message someone, go through
    # ORM rows (the leads service, message composition): load those in one query per table.
    full = [t for t in timers if ctx.channels or t.kind in _MOVES]
    steps: dict[int, list[TimedStep]] = {}
    decisions: dict[int, Decision] = {}
    if full:
        clock_ids = {t.clock_id for t in full}
        list(session.scalars(select(SlaClockRow).where(_among(session, SlaClockRow.id, clock_ids))))
        # Only a move to a queue cancels the later steps, so only it needs the whole ladder.
        queued = {t.clock_id for t in full if t.target_kind == TargetKind.QUEUE}
        if queued:
            for t in session.execute(
                select(*_STEP).where(_among(session, SlaTimerRow.clock_id, queued))
            ):
                steps.setdefault(t.clock_id, []).append(_step(t))
        lead_query = select(LeadRow).where(_among(session, LeadRow.id, {t.lead_id for t in full}))
        if not ctx.channels:
            # Nothing will be sent: skip decoding the raw leads messages are made of.
            lead_query = lead_query.options(defer(LeadRow.raw))
        list(session.scalars(lead_query.execution_options(populate_existing=True)))
        if ctx.channels:
            decision_ids = {t.decision_id for t in full if t.decision_id}
            query = select(DecisionRow).where(_among(session, DecisionRow.id, decision_ids))
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
            _stop_on_touch(session, ctx, clock_row, timer.first_touch_at)
            ended.add(timer.clock_id)
            continue
        clock = _clock(timer, steps.get(timer.clock_id, ()))
        owner = owners[timer.lead_id]
        outcome = fire_step(clock, _step(timer), owner=owner, team=team, now=ctx.now)
        if outcome.move is None and not outcome.cancel and not (outcome.notices and ctx.channels):
            events += _event_rows(outcome.events, timer_id=timer.id)
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
            .where(_among(session, SlaTimerRow.id, fired))
            .values(state=FIRED, fired_at=ctx.now, fired_by=ctx.worker)
        )
    _record(session, events)
    return len(timers)


def _among(session: Session, column: Any, values: Collection[Any]) -> ColumnElement[bool]:
    """`column IN values`; one array parameter on PostgreSQL instead of one per value."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(values)


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
        leads.assign(
            session=session, lead_id=lead_row.id, rep=rep, queue=queue, now=ctx.now, cause="sla"
        )
        if outcome.move.kind is TargetKind.QUEUE:
            _end_clock(session, clock_row, ctx.now)
    if outcome.cancel:
        session.execute(
            update(SlaTimerRow)
            .where(
                SlaTimerRow.clock_id == clock_row.id,
                SlaTimerRow.step.in_(outcome.cancel),
                SlaTimerRow.state == PENDING,
            )
            .values(state=CANCELLED)
        )
    if outcome.notices and ctx.channels:
        fields = _fields(ctx, lead_row)
        for n, notice in enumerate(outcome.notices):
            _notify(
                session,
                ctx,
                f"timer:{timer.id}:{n}",
                lead_row,
                fields,
                decision,
                notice,
                clock=clock,
                owner=previous_owner,
                detail=outcome.events[0].message,
                queue=lead_row.queue,
            )
    return _event_rows(outcome.events, timer_id=timer.id)


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


# ---------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime
    kind: str  # decision, touch, sla, message
    code: str  # reason code, decision kind, touch channel or message state
    message: str
    data: Mapping[str, Any]


def timeline(session: Session, lead_id: str) -> list[TimelineEntry]:
    """Everything that happened to a lead, oldest first: decisions, SLA steps, touches, messages."""
    entries = [
        TimelineEntry(
            d.at,
            "decision",
            d.kind,
            headline(decision_from_dict(d.body)),
            {
                "decision": d.id,
                "cause": d.cause,
                "owner": d.owner,
                "queue": d.queue,
                "rule": d.rule,
            },
        )
        for d in session.scalars(select(DecisionRow).where(DecisionRow.lead_id == lead_id))
    ]
    entries += [
        TimelineEntry(e.at, "sla", e.reason, e.message, e.data)
        for e in session.scalars(select(SlaEventRow).where(SlaEventRow.lead_id == lead_id))
    ]
    entries += [
        TimelineEntry(
            t.at,
            "touch",
            t.channel,
            f"{t.rep or 'someone'} touched the lead ({t.channel})",
            {"rep": t.rep, "note": t.note},
        )
        for t in session.scalars(select(TouchRow).where(TouchRow.lead_id == lead_id))
    ]
    entries += [
        TimelineEntry(
            m.sent_at or m.created_at,
            "message",
            m.state,
            f"{m.channel} {m.payload['event']}: {m.payload['subject']}",
            {
                "key": m.key,
                "to": m.payload["to"],
                "attempts": m.attempts,
                # Masked again: rows stored before errors were masked hold whole URLs.
                "last_error": redact(m.last_error) if m.last_error else None,
            },
        )
        for m in session.scalars(select(OutboxRow).where(OutboxRow.lead_id == lead_id))
    ]
    return sorted(entries, key=lambda e: e.at)


def unowned(session: Session, fallback_queues: Iterable[str]) -> list[LeadRow]:
    """Leads waiting in a fallback queue, oldest first; one leaves when someone takes it."""
    query = (
        select(LeadRow)
        .where(LeadRow.queue.in_(list(fallback_queues)), LeadRow.owner.is_(None))
        .order_by(LeadRow.received_at)
    )
    return list(session.scalars(query))


# ---------------------------------------------------------------- helpers


def _fields(ctx: Context, lead_row: LeadRow) -> Mapping[str, Any]:
    policy = ctx.config.policy
    custom = policy.custom_fields if policy is not None else {}
    return normalize_lead(lead_row.raw, custom, id=lead_row.id).fields


def _score_fields(decision: Decision) -> dict[str, Any]:
    score = decision.trace.score
    if score is None:
        return {}
    return {
        "score": score.total,
        "fit_score": score.fit,
        "behavior_score": score.behavior,
        "mql": score.mql,
    }


def why(decision: Decision | None) -> tuple[str, ...]:
    """The reader's short version of a decision: the headline, the rule that matched, the pick."""
    if decision is None:
        return ()
    lines = [headline(decision)]
    lines += [describe_rule(r) for r in decision.trace.rules if r.matched]
    lines += [describe_rep(c) for c in decision.trace.reps if c.rep == decision.owner]
    return tuple(lines)


def _notify(
    session: Session,
    ctx: Context,
    key: str,
    lead_row: LeadRow,
    fields: Mapping[str, Any],
    decision: Decision | None,
    notice: Notice,
    *,
    clock: SlaClock | None = None,
    owner: str | None = None,
    detail: str = "",
    queue: str | None = None,
) -> None:
    team = ctx.config.team
    notification = Notification(
        event=str(notice.template),
        key=key,
        lead_id=lead_row.id,
        lead=fields,
        rep=team.reps.get(notice.rep) if notice.rep else None,
        owner=owner,
        why=why(decision),
        rule=decision.rule if decision else None,
        deadline=clock.deadline if clock else None,
        sla=clock.sla if clock else None,
        queue=queue,
        detail=detail,
    )
    enqueue(
        session,
        compose(notification, ctx.templates, ctx.channels),
        lead_id=lead_row.id,
        now=ctx.now,
    )


def _event_rows(events: Iterable[SlaEvent], *, timer_id: int | None = None) -> list[dict[str, Any]]:
    return [
        {
            "lead_id": event.lead_id,
            "at": event.at,
            "reason": str(event.reason),
            "message": event.message,
            "data": dict(event.data),
            # The unique timer_id on a step's first event makes a double firing fail loudly.
            "timer_id": timer_id if n == 0 else None,
        }
        for n, event in enumerate(events)
    ]


# A batch of events as one JSON document the server unpacks: PostgreSQL would otherwise run one
# INSERT per row, and arrays of text cost the driver an escaping pass per value.
_INSERT_EVENTS = text(
    "INSERT INTO sla_events (lead_id, at, reason, message, data, timer_id)"
    " SELECT lead_id, at, reason, message, data, timer_id"
    " FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS e(lead_id text, at timestamptz,"
    " reason text, message text, data jsonb, timer_id bigint)"
)


def _record(session: Session, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(SlaEventRow), rows)
        return
    document = [{**row, "at": row["at"].astimezone(UTC).isoformat()} for row in rows]
    session.execute(_INSERT_EVENTS, {"rows": json.dumps(document)})


def _end_clock(session: Session, clock_row: SlaClockRow, now: datetime) -> None:
    clock_row.state, clock_row.ended_at = ENDED, now
    _cancel_pending(session, clock_row.id)


def _ended_event(clock_row: SlaClockRow, now: datetime, why_: str) -> SlaEvent:
    return SlaEvent(
        now,
        clock_row.lead_id,
        SlaReason.SLA_STOPPED,
        f"SLA {clock_row.sla} stopped: {why_}",
        {"sla": clock_row.sla},
    )


def _cancel_pending(session: Session, clock_id: int) -> None:
    session.execute(
        update(SlaTimerRow)
        .where(SlaTimerRow.clock_id == clock_id, SlaTimerRow.state == PENDING)
        .values(state=CANCELLED)
    )


def _step(timer: Row[Any]) -> TimedStep:
    target = Target(TargetKind(timer.target_kind), timer.target_id)
    return TimedStep(timer.step, timer.due_at, StepKind(timer.kind), target)


def _clock(row: SlaClockRow | Row[Any], steps: Iterable[TimedStep]) -> SlaClock:
    return SlaClock(
        lead_id=row.lead_id,
        sla=row.sla,
        owner=row.owner,
        pool=row.pool,
        started_at=row.started_at,
        deadline=row.deadline,
        first_touch=timedelta(seconds=row.first_touch_seconds),
        clock=ClockMode(row.clock),
        shifts=_shifts_from_json(row.shifts),
        timezone=row.timezone,
        steps=tuple(sorted(steps, key=lambda s: s.index)),
    )


def _shifts_json(shifts: tuple[Shift, ...] | None) -> list[Any] | None:
    if shifts is None:
        return None
    return [[s.weekday, s.start.isoformat(), s.end.isoformat()] for s in shifts]


def _shifts_from_json(data: list[Any] | None) -> tuple[Shift, ...] | None:
    if data is None:
        return None
    return tuple(Shift(d, time.fromisoformat(a), time.fromisoformat(b)) for d, a, b in data)
