"""Tables of the report rollups: per UTC day, the leads of that day grouped by everything a figure
is split by, with their counts and exact first-touch times, so a 30-day figure reads a few
thousand small rows instead of every lead.

Written only by `reports.rollups` (the `/metrics` counters: `reports.counters`); the routing path
never reads or writes them. A rollup is a cache: deleting every row here loses nothing (the next
page view or report recomputes them; deleted counters count again from the start).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from leadrouter.store import Base


class FigureRow(Base):
    """One group of one day's leads: same rule, owner, pool, kind, queue, account segment and
    source."""

    __tablename__ = "lead_figures_daily"
    __table_args__ = (Index("ix_lead_figures_daily_day", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    day: Mapped[date]
    rule: Mapped[str | None] = mapped_column(String(200))
    owner: Mapped[str | None] = mapped_column(String(100))
    pool: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[str | None] = mapped_column(String(20))
    queue: Mapped[str | None] = mapped_column(String(100))  # migration 0009_flow2
    segment: Mapped[str | None] = mapped_column(String(100))
    source: Mapped[str | None] = mapped_column(String(200))
    leads: Mapped[int]
    qualified: Mapped[int]
    won: Mapped[int]
    sla_met: Mapped[int]
    sla_breached: Mapped[int]
    sla_pending: Mapped[int]
    # Seconds to first touch of each touched lead, sorted: medians stay exact, not bucketed.
    touch_seconds: Mapped[list[Any]]


class FigureDayRow(Base):
    """A day whose rollup is stored, and what its SLA counts assumed."""

    __tablename__ = "lead_figures_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    computed_at: Mapped[datetime]
    by_clocks: Mapped[bool]  # SLA counted from SLA clocks (else against sla_target_seconds)
    sla_target_seconds: Mapped[float]
    # When an SLA still pending at computed_at falls due: the SLA counts change then, unasked.
    recheck_at: Mapped[datetime | None]
    # A unique id of the refresh that wrote it (unique across databases too): readers cache the
    # day's groups by it.
    refresh: Mapped[str] = mapped_column(String(32))


class FigureMarkRow(Base):
    """The highest ids of the tables whose new rows can change a stored day (touches, outcomes,
    decisions, SLA events, lead audit entries), as of the last refresh. One row, id 1."""

    __tablename__ = "lead_figures_marks"

    id: Mapped[int] = mapped_column(primary_key=True)
    touches: Mapped[int | None]
    outcomes: Mapped[int | None]
    decisions: Mapped[int | None]
    sla_events: Mapped[int | None]
    audit: Mapped[int | None]


class MetricCountRow(Base):
    """One sample of a `/metrics` counter: its family, its labels as exposition text (e.g.
    `rule="west",kind="rep"`), and its value. Written only by `reports.counters`."""

    __tablename__ = "metric_counts"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    labels: Mapped[str] = mapped_column(String(500), primary_key=True)
    value: Mapped[float]


class MetricMarkRow(Base):
    """The highest id of a source table (decisions, sla_events) already counted."""

    __tablename__ = "metric_marks"

    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_id: Mapped[int] = mapped_column(BigInteger)
