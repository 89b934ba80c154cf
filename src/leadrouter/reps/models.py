"""Tables for reps and their load counters (open leads, leads today).

The load row is separate from the rep row so that routing can lock and bump it without touching
configuration (and without invalidating cached snapshots).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from leadrouter.store import Base


class RepRow(Base):
    __tablename__ = "reps"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # [{weekday, start "HH:MM", end "HH:MM"}]; NULL = always working.
    working_hours: Mapped[list[Any] | None] = mapped_column()
    out_of_office: Mapped[list[Any]] = mapped_column(default=list)
    max_open: Mapped[int | None]
    max_per_day: Mapped[int | None]
    skills: Mapped[list[Any]] = mapped_column(default=list)
    languages: Mapped[list[Any]] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(default=True)
    manager: Mapped[str | None] = mapped_column(String(100))
    backup: Mapped[str | None] = mapped_column(String(100))
    max_per_week: Mapped[int | None]
    max_per_month: Mapped[int | None]
    daily_cap: Mapped[str] = mapped_column(
        String(10), default="calendar", server_default="calendar"
    )
    # region, segment and custom attributes, read by distribution conditions as `rep.<name>`.
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    booking_url: Mapped[str | None] = mapped_column(String(500))


class RepLoadRow(Base):
    __tablename__ = "rep_loads"

    rep_id: Mapped[str] = mapped_column(
        String(100), ForeignKey("reps.id", ondelete="CASCADE"), primary_key=True
    )
    open: Mapped[int] = mapped_column(default=0)
    today: Mapped[int] = mapped_column(default=0)
    day: Mapped[date | None]
    # New leads per week and month, and the last 24 hours' for a rolling daily cap:
    # {week_count, week, month_count, month, recent} (routing's `RepLoad`); NULL: none yet.
    periods: Mapped[dict[str, Any] | None] = mapped_column()
    # Bumped on every change: routing compares it to detect a concurrent update.
    version: Mapped[int] = mapped_column(default=0)
