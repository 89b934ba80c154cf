"""A rep's load as its `rep_loads` row stores it: open leads and today's new leads in columns,
the week's and month's counts and the last 24 hours' times in one JSON column (`periods`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from leadrouter.model import RepLoad


def periods_of(load: RepLoad) -> dict[str, Any] | None:
    """The `periods` column of a load (None when it has no period counts yet)."""
    if load.week is None and load.month is None and not load.recent:
        return None
    return {
        "week_count": load.week_count,
        "week": load.week.isoformat() if load.week else None,
        "month_count": load.month_count,
        "month": load.month.isoformat() if load.month else None,
        "recent": list(load.recent),
    }


def load_from_row(
    open_: int, today: int, day: date | None, periods: dict[str, Any] | None
) -> RepLoad:
    """The load of a row: its columns, and its `periods` JSON when it has one."""
    if not periods:
        return RepLoad(open_, today, day)
    week, month = periods.get("week"), periods.get("month")
    return RepLoad(
        open_,
        today,
        day,
        int(periods.get("week_count", 0)),
        date.fromisoformat(week) if week else None,
        int(periods.get("month_count", 0)),
        date.fromisoformat(month) if month else None,
        tuple(float(t) for t in periods.get("recent", ())),
    )
