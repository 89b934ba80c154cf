"""Capacity periods: new-lead caps per day (calendar or rolling), ISO week and calendar month,
the daily quota a monthly cap implies, and the periods after which a pool's fairness counts
start afresh.

Days, weeks and months are the rep's own, in their time zone: a rep in Tokyo starts a new day
at midnight in Tokyo. A daily cap counts the rep's calendar day unless the rep says `daily_cap:
rolling`, which counts the last 24 hours. A monthly cap of M also caps each day at
ceil(M / days in that month), so a month's leads spread over the month instead of going in its
first days (Odoo's assignment works the same way); an explicit `max_per_day` that is lower wins.
Pool resets use UTC periods (a pool spans zones). Pure: `now` is an argument.
"""

from __future__ import annotations

import calendar
import math
from datetime import date, datetime, timedelta

from leadrouter.model import Effects, Reason, Rep, RepLoad
from leadrouter.policy.hours import Instant, instant_of

Block = tuple[Reason, str]
_DAY = 86400.0


def week_of(day: date) -> date:
    """The Monday that starts `day`'s ISO week."""
    return day - timedelta(days=day.weekday())


def month_of(day: date) -> date:
    return day.replace(day=1)


def implied_quota(rep: Rep, day: date) -> int | None:
    """The daily quota a monthly cap implies on `day` (None without a monthly cap)."""
    if rep.max_per_month is None:
        return None
    return math.ceil(rep.max_per_month / calendar.monthrange(day.year, day.month)[1])


def has_period_caps(rep: Rep) -> bool:
    return (
        rep.max_per_day is not None or rep.max_per_week is not None or rep.max_per_month is not None
    )


def period_block(rep: Rep, load: RepLoad, now: Instant) -> Block | None:
    """The first new-lead cap `rep` has reached at `now` (day, week, month), or None."""
    day = now.local(rep.timezone).clock.date()
    if rep.max_per_day is not None:
        if rep.daily_cap == "rolling":
            recent = load.last_24h(now.utc.timestamp())
            if recent >= rep.max_per_day:
                return (
                    Reason.DAILY_CAP_REACHED,
                    f"{recent}/{rep.max_per_day} leads in the last 24 h",
                )
        else:
            today = load.today_on(day)
            if today >= rep.max_per_day:
                return Reason.DAILY_CAP_REACHED, f"{today}/{rep.max_per_day} leads today"
    if rep.max_per_week is not None:
        week = load.week_on(week_of(day))
        if week >= rep.max_per_week:
            return Reason.WEEKLY_CAP_REACHED, f"{week}/{rep.max_per_week} leads this week"
    if rep.max_per_month is not None:
        month = load.month_on(month_of(day))
        if month >= rep.max_per_month:
            return Reason.MONTHLY_CAP_REACHED, f"{month}/{rep.max_per_month} leads this month"
        quota = implied_quota(rep, day)
        assert quota is not None
        today = load.today_on(day)
        if today >= quota and (rep.max_per_day is None or quota < rep.max_per_day):
            return (
                Reason.DAILY_CAP_REACHED,
                f"{today}/{quota} leads today (daily quota of max_per_month {rep.max_per_month}"
                f" over {calendar.monthrange(day.year, day.month)[1]} days)",
            )
    return None


def counted(load: RepLoad, effects: Effects, at: datetime) -> RepLoad:
    """`load` after one more lead assigned by a decision with `effects` at `at`: one more open
    lead, and unless the lead is no new lead (a duplicate kept by its owner), one more in the
    day, week and month of `effects.day` (and in the last 24 hours for a rolling cap)."""
    day = effects.day
    if not effects.new_lead or day is None:
        return RepLoad(
            load.open + 1, load.today, load.day, load.week_count, load.week,
            load.month_count, load.month, load.recent,
        )  # fmt: skip
    recent = load.recent
    if effects.rolling:
        now = at.timestamp()
        recent = (*(t for t in recent if t > now - _DAY), now)
    if load.day == day and load.week is not None and load.month is not None:
        # The same day as the rep's last lead: the same week and month (the common case).
        return RepLoad(
            load.open + 1, load.today + 1, day, load.week_count + 1, load.week,
            load.month_count + 1, load.month, recent,
        )  # fmt: skip
    today = load.today + 1 if load.day == day else 1
    monday, first = week_of(day), month_of(day)
    week = load.week_count + 1 if load.week == monday else 1
    month = load.month_count + 1 if load.month == first else 1
    return RepLoad(load.open + 1, today, day, week, monday, month, first, recent)


def period_key(reset: str, now: datetime) -> str:
    """The UTC period of `now` for a pool's `reset`: 2026-12-07, 2026-W50 or 2026-12."""
    day = instant_of(now).utc.date()
    if reset == "daily":
        return day.isoformat()
    if reset == "weekly":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day.year}-{day.month:02d}"
