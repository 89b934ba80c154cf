"""Tables of the SLA clocks: one clock per assignment decision, one timer per ladder step, the
lead's SLA timeline, and the intake mark that makes starting a clock happen once per decision.

Timers are fired inside the transaction that claims them (row locks are the claim), so a timer
needs no lease: a worker killed mid-batch rolls back and the timers are simply still due.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from leadrouter.store import Base

# Clock states
RUNNING = "running"
MET = "met"  # touched before the deadline
LATE = "late"  # touched after the deadline
ENDED = "ended"  # the ladder moved the lead to a queue, or routing assigned it again
# Timer states
PENDING = "pending"
FIRED = "fired"
CANCELLED = "cancelled"


class SlaIntakeRow(Base):
    """A decision the worker has looked at; its primary key makes intake exactly-once."""

    __tablename__ = "sla_intake"

    decision_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[datetime]


class SlaClockRow(Base):
    __tablename__ = "sla_clocks"
    __table_args__ = (Index("ix_sla_clocks_state_lead_id", "state", "lead_id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    decision_id: Mapped[int] = mapped_column(unique=True)
    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id"), index=True)
    sla: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(100))  # who the clock started for
    pool: Mapped[str | None] = mapped_column(String(100))
    started_at: Mapped[datetime]
    deadline: Mapped[datetime]
    first_touch_seconds: Mapped[float]
    clock: Mapped[str] = mapped_column(String(20))
    shifts: Mapped[list[Any] | None]  # [[weekday, "HH:MM", "HH:MM"], ...]; None = wall clock
    timezone: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(20), default=RUNNING)
    ended_at: Mapped[datetime | None]


class SlaTimerRow(Base):
    __tablename__ = "sla_timers"
    __table_args__ = (
        UniqueConstraint("clock_id", "step"),
        Index("ix_sla_timers_state_due_at", "state", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    clock_id: Mapped[int] = mapped_column(ForeignKey("sla_clocks.id"))
    lead_id: Mapped[str] = mapped_column(String(40), index=True)
    step: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    target_kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[str | None] = mapped_column(String(100))
    due_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(20), default=PENDING)
    fired_at: Mapped[datetime | None]
    fired_by: Mapped[str | None] = mapped_column(String(100))  # the worker, for the kill test


class SlaEventRow(Base):
    """One line of a lead's SLA and notification timeline."""

    __tablename__ = "sla_events"
    __table_args__ = (Index("ix_sla_events_lead_id_id", "lead_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    lead_id: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(String(2000))
    data: Mapped[dict[str, Any]]
    timer_id: Mapped[int | None] = mapped_column(unique=True)  # at most one event per timer
