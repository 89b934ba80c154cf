"""Whether a rep can take a lead at a given instant, and if not, the first reason why.

The checks run in a fixed order (inactive, out of office, working hours, open-lead capacity,
daily, weekly and monthly caps: distribute/periods.py) so that a trace always names the most
fundamental blocker. Availability (active, not
out of office) is absolute: no caller can relax it. Working hours and caps can be relaxed by the
caller (an account owner keeps leads after hours and however busy), except a cap of 0, which
means "takes no leads" and blocks even when capacity is relaxed. Working hours are read in
the rep's own time zone, so DST changes and overnight shifts are handled by the zone database,
not by offsets, with the weeks and zones of `policy.hours` (which the SLA ladder counts deadlines
with too). Pure: `now` is an argument, nothing here reads the clock, does I/O or mutates a value
it was given.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time

from leadrouter.distribute.periods import period_block
from leadrouter.model import Absence, Reason, Rep, RepLoad
from leadrouter.policy.hours import Instant, Week, instant_of, wall_clock, week_of, zone

Block = tuple[Reason, str]


def local_day(rep: Rep, now: datetime) -> date:
    """The rep's local date at `now`: the day their daily lead counter belongs to."""
    # Through the lead's `Instant`: its pools converted `now` into the rep's zone already.
    return instant_of(now).local(rep.timezone).clock.date()


def _away(rep: Rep, absence: Absence) -> str:
    back = absence.end.astimezone(zone(rep.timezone))
    # Whole-day absences end at local midnight: the date alone reads as people write it.
    until = (
        back.date().isoformat()
        if back.time() == time(0)
        else f"{back.date().isoformat()} {wall_clock(back.time())} {rep.timezone}"
    )
    note = f" ({absence.note})" if absence.note else ""
    return f"out of office until {until}{note}"


def unavailable(
    rep: Rep, load: RepLoad, now: datetime, *, hours: bool = True, capacity: bool = True
) -> Block | None:
    """None when the rep can take a lead at `now`, else (reason, detail) for the first blocker.

    `hours=False` ignores working hours; `capacity=False` ignores both the open-lead cap and the
    daily cap (an account owner keeps their leads however busy they are), except a cap of 0.
    """
    week = week_of(rep.working_hours) if hours and rep.working_hours is not None else None
    return blocker(rep, week, load, instant_of(now), capacity)


def blocker(
    rep: Rep, week: Week | None, load: RepLoad, now: Instant, capacity: bool
) -> Block | None:
    """`unavailable` for callers that check many reps at one instant, with the rep's working week
    already compiled (None: working hours do not apply)."""
    if not rep.active:
        return Reason.REP_INACTIVE, "inactive"
    for absence in rep.out_of_office:
        if absence.start <= now.utc < absence.end:
            return Reason.REP_OUT_OF_OFFICE, _away(rep, absence)
    if week is not None:
        local = now.local(rep.timezone)
        if not week.covers(local):
            return Reason.OUTSIDE_WORKING_HOURS, week.outside(local, rep.timezone)
    if not capacity:
        return takes_no_leads(rep)
    if rep.max_open is not None and load.open >= rep.max_open:
        return Reason.CAPACITY_FULL, f"{load.open}/{rep.max_open} open leads"
    if rep.max_per_day is not None or rep.max_per_week is not None or rep.max_per_month is not None:
        return period_block(rep, load, now)
    return None


def free_below(rep: Rep | None, week: Week | None) -> float:
    """The open leads under which `blocker` finds `rep` free whenever it is asked, for callers
    that test many members at many instants: when nothing but the open-leads cap can block the
    rep (active, never away, no working week, no period caps), that cap, or inf without one;
    -1 when only `blocker` can tell. Kept beside `blocker`, whose checks it must follow."""
    if rep is None or not rep.active or rep.out_of_office or week is not None:
        return -1
    if rep.max_per_day is not None or rep.max_per_week is not None or rep.max_per_month is not None:
        return -1
    return math.inf if rep.max_open is None else rep.max_open


def takes_no_leads(rep: Rep) -> Block | None:
    """A cap of 0 (open leads or leads per day): the rep takes no leads at all, whoever asks."""
    if rep.max_open == 0:
        return Reason.CAPACITY_FULL, "max_open 0: takes no leads"
    if rep.max_per_day == 0:
        return Reason.DAILY_CAP_REACHED, "max_per_day 0: takes no leads"
    if rep.max_per_week == 0:
        return Reason.WEEKLY_CAP_REACHED, "max_per_week 0: takes no leads"
    if rep.max_per_month == 0:
        return Reason.MONTHLY_CAP_REACHED, "max_per_month 0: takes no leads"
    return None
