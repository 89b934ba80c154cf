"""The escalation ladder: timed steps, what each step does, and the touch that stops it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from leadrouter.escalation import (
    Move,
    Notice,
    SlaReason,
    Template,
    fire_step,
    next_in_pool,
    on_touch,
    start_clock,
)
from leadrouter.model import Absence
from leadrouter.policy.sla import StepKind, TargetKind

from .factories import sla, team

NY = ZoneInfo("America/New_York")
POLICY = sla(
    """
sla:
  - id: demo-request
    when: form == "demo_request"
    first_touch: 5m
    escalation:
      - {at: 50%, do: remind owner}
      - {at: 100%, do: alert manager}
      - {after: 10m, do: reassign next}
      - {after: 1h, do: recycle shared}
  - id: high-value
    first_touch: 15m
    clock: wall
"""
)
DEMO, HIGH_VALUE = POLICY.rules
TEAM = team()
TUESDAY_10AM = datetime(2026, 11, 24, 10, 0, tzinfo=NY)


def demo_clock(at: datetime = TUESDAY_10AM, owner: str = "ana"):
    return start_clock(DEMO, lead_id="L1", owner=TEAM.reps[owner], pool="na", assigned_at=at)


def test_start_clock__lays_out_the_ladder_in_the_owners_business_time() -> None:
    clock, event = demo_clock()
    local = [(s.kind, s.due_at.astimezone(NY).strftime("%H:%M:%S")) for s in clock.steps]
    assert local == [
        (StepKind.REMIND, "10:02:30"),
        (StepKind.BREACH, "10:05:00"),
        (StepKind.ALERT, "10:05:00"),
        (StepKind.REASSIGN, "10:15:00"),
        (StepKind.RECYCLE, "11:05:00"),
    ]
    assert [s.index for s in clock.steps] == [0, 1, 2, 3, 4]
    assert (
        event.reason is SlaReason.SLA_STARTED
        and event.data["deadline"] == "2026-11-24T15:05:00+00:00"
    )


def test_start_clock__a_friday_evening_lead_breaches_on_monday_morning() -> None:
    clock, _ = demo_clock(datetime(2026, 11, 27, 16, 59, tzinfo=NY))
    assert clock.deadline.astimezone(NY) == datetime(2026, 11, 30, 9, 4, tzinfo=NY)
    assert clock.steps[-1].due_at.astimezone(NY) == datetime(2026, 11, 30, 10, 4, tzinfo=NY)


def test_start_clock__wall_clock_sla_ignores_working_hours() -> None:
    saturday_night = datetime(2026, 11, 28, 23, 0, tzinfo=NY)
    clock, _ = start_clock(
        HIGH_VALUE, lead_id="L2", owner=TEAM.reps["ana"], pool=None, assigned_at=saturday_night
    )
    assert clock.deadline == saturday_night + timedelta(minutes=15)
    assert [s.kind for s in clock.steps] == [StepKind.BREACH]


def test_start_clock__owner_who_never_works_is_measured_on_the_wall_clock_with_a_note() -> None:
    idle = replace(TEAM.reps["ana"], working_hours=())
    clock, event = start_clock(DEMO, lead_id="L3", owner=idle, pool="na", assigned_at=TUESDAY_10AM)
    assert clock.deadline == TUESDAY_10AM + timedelta(minutes=5)
    assert "no working hours" in event.data["note"]


def test_fire_step__reminder_tells_the_owner() -> None:
    clock, _ = demo_clock()
    out = fire_step(clock, clock.steps[0], owner="ana", team=TEAM, now=clock.steps[0].due_at)
    assert out.notices == (Notice(Template.REMINDER, "ana"),)
    assert out.events[0].reason is SlaReason.SLA_REMINDER and out.move is None


def test_fire_step__breach_is_recorded_without_notifying_anyone() -> None:
    clock, _ = demo_clock()
    out = fire_step(clock, clock.steps[1], owner="ana", team=TEAM, now=clock.deadline)
    assert out.events[0].reason is SlaReason.SLA_BREACHED and out.notices == ()


def test_fire_step__alert_goes_to_the_owners_manager() -> None:
    clock, _ = demo_clock()
    out = fire_step(clock, clock.steps[2], owner="ana", team=TEAM, now=clock.deadline)
    assert out.notices == (Notice(Template.ALERT, "maria"),)
    assert out.events[0].reason is SlaReason.SLA_ESCALATED


def test_fire_step__alert_is_skipped_with_reason_when_owner_has_no_manager() -> None:
    clock, _ = demo_clock(owner="bob")
    out = fire_step(clock, clock.steps[2], owner="bob", team=TEAM, now=clock.deadline)
    assert out.notices == () and out.events[0].reason is SlaReason.SLA_STEP_SKIPPED
    assert "bob has no manager" in out.events[0].message


def test_fire_step__reassigns_to_the_next_available_rep_in_the_pool() -> None:
    clock, _ = demo_clock()
    step = clock.steps[3]
    out = fire_step(clock, step, owner="ana", team=TEAM, now=step.due_at)
    assert out.move == Move(TargetKind.REP, "bob")
    assert out.notices == (Notice(Template.REASSIGNED, "bob"),)
    assert out.events[0].data["previous"] == "ana"


def test_fire_step__reassignment_skips_inactive_and_off_shift_reps() -> None:
    clock, _ = demo_clock()
    night = datetime(2026, 11, 24, 23, 0, tzinfo=NY)  # bob is off shift, carl inactive
    out = fire_step(clock, clock.steps[3], owner="ana", team=TEAM, now=night)
    assert out.move == Move(TargetKind.REP, "dina")


def test_fire_step__recycling_moves_to_the_queue_cancels_the_rest_and_alerts_a_fallback_queue() -> (
    None
):
    clock, _ = demo_clock()
    out = fire_step(clock, clock.steps[4], owner="bob", team=TEAM, now=clock.steps[4].due_at)
    assert out.move == Move(TargetKind.QUEUE, "shared")
    assert out.notices == (Notice(Template.QUEUE_ALERT, None),)
    assert out.events[0].reason is SlaReason.SLA_RECYCLED and out.cancel == ()


def test_fire_step__reminder_is_skipped_when_the_lead_sits_in_a_queue() -> None:
    clock, _ = demo_clock()
    out = fire_step(clock, clock.steps[0], owner=None, team=TEAM, now=TUESDAY_10AM)
    assert out.events[0].reason is SlaReason.SLA_STEP_SKIPPED


def test_next_in_pool__wraps_around_and_skips_reps_out_of_office() -> None:
    away = Absence(TUESDAY_10AM - timedelta(days=1), TUESDAY_10AM + timedelta(days=1))
    reps = {**TEAM.reps, "ana": replace(TEAM.reps["ana"], out_of_office=(away,))}
    pool = TEAM.pools["na"]
    assert next_in_pool(pool, replace(TEAM, reps=reps), "dina", TUESDAY_10AM) == "bob"
    assert next_in_pool(pool, TEAM, "dina", TUESDAY_10AM) == "ana"


def test_on_touch__before_the_deadline_meets_the_sla_and_cancels_every_step() -> None:
    clock, _ = demo_clock()
    out = on_touch(clock, TUESDAY_10AM + timedelta(minutes=3), by="ana")
    assert out.events[0].reason is SlaReason.SLA_MET
    assert out.events[0].data["elapsed_seconds"] == 180
    assert out.cancel == (0, 1, 2, 3, 4)


def test_on_touch__after_the_deadline_records_how_late_in_business_time() -> None:
    clock, _ = demo_clock(datetime(2026, 11, 27, 16, 58, tzinfo=NY))  # Friday
    monday = datetime(2026, 11, 30, 9, 10, tzinfo=NY)
    out = on_touch(clock, monday)
    assert out.events[0].reason is SlaReason.SLA_MET_LATE
    assert out.events[0].data["late_seconds"] == 7 * 60  # 2 min Friday + 10 Monday - 5


@settings(max_examples=150, deadline=None)
@given(
    st.datetimes(
        min_value=datetime(2024, 1, 1), max_value=datetime(2028, 1, 1), timezones=st.just(UTC)
    )
)
def test_property__ladder_steps_are_ordered_and_the_breach_is_the_deadline(at: datetime) -> None:
    clock, _ = demo_clock(at)
    dues = [s.due_at for s in clock.steps]
    assert dues == sorted(dues) and dues[0] > at
    breach = next(s for s in clock.steps if s.kind is StepKind.BREACH)
    assert breach.due_at == clock.deadline
