"""The escalation ladder of one assignment: when each step is due and what it does when it fires.

Core, beside the engine: the engine picks the SLA of an assignment (`Effects.sla`), this module
turns it into a clock; `sla/` (the shell) stores the clock and applies what its steps say.

`start_clock` turns an SLA rule and an assignment into timed steps (the store keeps one timer per
step); `fire_step` says what a due step does (timeline event, who to notify, a move of the lead);
`on_touch` stops the ladder at the first touch. Pure functions of values: the caller passes `now`,
the team and the lead's current owner, and writes the outcome in one transaction. Nothing here
reads the clock, the database or sends anything.

The ladder belongs to the lead, not to the rep: a reassignment by the ladder does not restart it,
later steps (recycling) still run against whoever owns the lead then, and a touch by anyone stops
it. A new assignment by routing starts a new clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from leadrouter.distribute import unavailable
from leadrouter.model import EMPTY, Pool, Reason, Rep, RepLoad, Shift, Team
from leadrouter.model.frozen import quick_init
from leadrouter.policy.hours import add_business_time, business_time_between
from leadrouter.policy.sla import ClockMode, SlaRule, StepKind, Target, TargetKind

# Timeline events use the shared reason codes; the alias keeps this module's vocabulary.
SlaReason = Reason
_NO_LOAD = RepLoad()


class Template(StrEnum):
    """Notification templates (files under notify/templates/) the ladder asks for."""

    ASSIGNED = "assigned"
    REMINDER = "sla_reminder"
    ALERT = "sla_alert"
    REASSIGNED = "sla_reassigned"
    QUEUE_ALERT = "queue_alert"


@dataclass(frozen=True, slots=True)
class TimedStep:
    index: int  # position on the ladder; (lead, sla start, index) identifies a timer
    due_at: datetime
    kind: StepKind
    target: Target


@dataclass(frozen=True, slots=True)
class SlaClock:
    """One running SLA: who owns the lead, the deadline, and the clock it is measured on."""

    lead_id: str
    sla: str
    owner: str
    pool: str | None
    started_at: datetime
    deadline: datetime
    first_touch: timedelta
    clock: ClockMode
    shifts: tuple[Shift, ...] | None  # the owner's working hours used; None = wall clock
    timezone: str
    steps: tuple[TimedStep, ...]


@dataclass(frozen=True, slots=True)
class SlaEvent:
    """A line on the lead's timeline."""

    at: datetime
    lead_id: str
    reason: SlaReason
    message: str
    data: Mapping[str, Any] = field(default_factory=lambda: EMPTY)


@dataclass(frozen=True, slots=True)
class Notice:
    """Somebody to tell: a rep (by id), or the team's channel when `rep` is None."""

    template: Template
    rep: str | None


@dataclass(frozen=True, slots=True)
class Move:
    """Where a step sends the lead. A POOL move is resolved by the caller's distributor."""

    kind: TargetKind  # REP, POOL or QUEUE
    id: str


@quick_init
@dataclass(frozen=True, slots=True)
class Outcome:
    events: tuple[SlaEvent, ...]
    notices: tuple[Notice, ...] = ()
    move: Move | None = None
    cancel: tuple[int, ...] = ()  # indexes of steps that must no longer fire


def start_clock(
    rule: SlaRule, *, lead_id: str, owner: Rep, pool: str | None, assigned_at: datetime
) -> tuple[SlaClock, SlaEvent]:
    """The ladder's timed steps for a lead just assigned to `owner`, and the timeline event."""
    shifts = owner.working_hours if rule.clock is ClockMode.BUSINESS else None
    note = ""
    if shifts == ():
        # A rep who never works would never breach: measure on the wall clock and say so.
        shifts, note = None, f"{owner.id} has no working hours: measured on the wall clock"
    tz = owner.timezone
    deadline = add_business_time(assigned_at, rule.first_touch, shifts, tz)
    # The breach marker sorts before any configured step due at the same instant.
    planned = [((1, 0.0), -1, StepKind.BREACH, Target(TargetKind.OWNER), deadline)]
    for position, step in enumerate(rule.escalation):
        if step.fraction is not None:
            due = add_business_time(assigned_at, rule.first_touch * step.fraction, shifts, tz)
        else:
            assert step.after is not None
            due = add_business_time(deadline, step.after, shifts, tz)
        planned.append((step.order, position, step.kind, step.target, due))
    planned.sort(key=lambda p: (p[4], p[0], p[1]))
    steps = tuple(
        TimedStep(i, due, kind, target) for i, (_, _, kind, target, due) in enumerate(planned)
    )
    clock = SlaClock(
        lead_id,
        rule.id,
        owner.id,
        pool,
        assigned_at,
        deadline,
        rule.first_touch,
        rule.clock if shifts is not None else ClockMode.WALL,
        shifts,
        tz,
        steps,
    )
    data: dict[str, Any] = {"sla": rule.id, "owner": owner.id, "deadline": deadline.isoformat()}
    if note:
        data["note"] = note
    event = SlaEvent(
        assigned_at,
        lead_id,
        SlaReason.SLA_STARTED,
        f"SLA {rule.id}: first touch by {owner.id} due {deadline.isoformat()}",
        data,
    )
    return clock, event


def next_in_pool(pool: Pool, team: Team, after: str | None, now: datetime) -> str | None:
    """The first member after `after` in the pool's order who can take a lead now."""
    members = pool.members
    start = members.index(after) + 1 if after in members else 0
    for rep_id in members[start:] + members[:start]:
        rep = team.reps.get(rep_id)
        if rep is None or rep.id == after:
            continue
        # The same "can take a lead now" as routing's, load aside: the ladder moves one lead.
        if unavailable(rep, _NO_LOAD, now, hours=pool.respect_working_hours, capacity=False):
            continue
        return rep.id
    return None


def _event(
    clock: SlaClock, now: datetime, reason: SlaReason, message: str, **data: Any
) -> SlaEvent:
    return SlaEvent(now, clock.lead_id, reason, message, {"sla": clock.sla, **data})


def _later(clock: SlaClock, step: TimedStep) -> tuple[int, ...]:
    return tuple(s.index for s in clock.steps if s.index > step.index)


def _skipped(clock: SlaClock, now: datetime, step_data: dict[str, Any], why: str) -> Outcome:
    return Outcome((_event(clock, now, SlaReason.SLA_STEP_SKIPPED, why, **step_data),))


def fire_step(
    clock: SlaClock, step: TimedStep, *, owner: str | None, team: Team, now: datetime
) -> Outcome:
    """What a due step does, given the lead's current owner (None when it sits in a queue)."""
    step_data = {"step": step.index, "kind": str(step.kind), "due_at": step.due_at.isoformat()}

    if step.kind is StepKind.BREACH:
        return Outcome(
            (
                _event(
                    clock,
                    now,
                    SlaReason.SLA_BREACHED,
                    f"SLA {clock.sla} breached: no first touch by {clock.deadline.isoformat()}",
                    owner=owner,
                    **step_data,
                ),
            )
        )
    if step.kind is StepKind.REMIND:
        if owner is None:
            return _skipped(clock, now, step_data, "reminder skipped: the lead has no owner")
        message = f"reminded {owner}: first touch due {clock.deadline.isoformat()}"
        event = _event(clock, now, SlaReason.SLA_REMINDER, message, rep=owner, **step_data)
        return Outcome((event,), (Notice(Template.REMINDER, owner),))
    if step.kind is StepKind.ALERT:
        if step.target.kind is TargetKind.MANAGER:
            rep = team.reps.get(owner) if owner else None
            who = rep.manager if rep else None
            if who is None:
                return _skipped(
                    clock, now, step_data, f"alert skipped: {owner or 'the lead'} has no manager"
                )
        else:
            who = step.target.id
        message = f"alerted {who}: SLA {clock.sla} breached by {owner}"
        event = _event(clock, now, SlaReason.SLA_ESCALATED, message, rep=who, **step_data)
        return Outcome((event,), (Notice(Template.ALERT, who),))
    return _move(clock, step, owner, team, now, step_data)


def _move(
    clock: SlaClock,
    step: TimedStep,
    owner: str | None,
    team: Team,
    now: datetime,
    step_data: dict[str, Any],
) -> Outcome:
    target = step.target
    if target.kind is TargetKind.QUEUE:
        assert target.id is not None
        reason = (
            SlaReason.SLA_RECYCLED if step.kind is StepKind.RECYCLE else SlaReason.SLA_REASSIGNED
        )
        queue = team.queues.get(target.id)
        notices = (Notice(Template.QUEUE_ALERT, None),) if queue and queue.fallback else ()
        message = f"moved from {owner} to queue {target.id}"
        event = _event(clock, now, reason, message, previous=owner, queue=target.id, **step_data)
        return Outcome((event,), notices, Move(TargetKind.QUEUE, target.id), _later(clock, step))
    if target.kind is TargetKind.POOL:
        assert target.id is not None
        message = f"reassigning from {owner} within pool {target.id}"
        event = _event(
            clock,
            now,
            SlaReason.SLA_REASSIGNED,
            message,
            previous=owner,
            pool=target.id,
            **step_data,
        )
        return Outcome((event,), (), Move(TargetKind.POOL, target.id))
    if target.kind is TargetKind.NEXT:
        pool = team.pools.get(clock.pool) if clock.pool else None
        if pool is None:
            return _skipped(
                clock, now, step_data, "reassignment skipped: the lead was not assigned from a pool"
            )
        new_owner = next_in_pool(pool, team, owner, now)
        if new_owner is None:
            return _skipped(
                clock,
                now,
                step_data,
                f"reassignment skipped: nobody else in pool {pool.id} is available",
            )
    else:
        new_owner = target.id
    assert new_owner is not None
    message = f"reassigned from {owner} to {new_owner}"
    event = _event(
        clock, now, SlaReason.SLA_REASSIGNED, message, previous=owner, rep=new_owner, **step_data
    )
    return Outcome(
        (event,), (Notice(Template.REASSIGNED, new_owner),), Move(TargetKind.REP, new_owner)
    )


def on_touch(clock: SlaClock, touched_at: datetime, *, by: str | None = None) -> Outcome:
    """Stop the ladder at the first touch: record met or late, cancel every pending step.

    `cancel` lists every step: one that was due but had not fired yet (worker lag) must not fire
    after the touch either, and the store only cancels timers that are still pending.
    """
    elapsed = business_time_between(clock.started_at, touched_at, clock.shifts, clock.timezone)
    late = elapsed - clock.first_touch
    data: dict[str, Any] = {"by": by, "elapsed_seconds": elapsed.total_seconds()}
    if touched_at <= clock.deadline:
        reason, message = (
            SlaReason.SLA_MET,
            f"first touch after {elapsed} (SLA {clock.first_touch})",
        )
    else:
        reason, message = SlaReason.SLA_MET_LATE, f"first touch {late} late"
        data["late_seconds"] = late.total_seconds()
    cancel = tuple(s.index for s in clock.steps)
    return Outcome((_event(clock, touched_at, reason, message, **data),), cancel=cancel)
