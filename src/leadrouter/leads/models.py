"""Tables for leads, their decisions (append-only), touches and outcomes.

A lead row is written with its raw payload before routing starts, so a crash mid-routing loses
nothing; `status` says whether a decision was applied. Decisions are never updated or deleted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from leadrouter.store import Base

RECEIVED = "received"
ROUTED = "routed"


class LeadRow(Base):
    __tablename__ = "leads"
    # Created by migration 0003 for the fallback-queue pages; the arrival index carries the first
    # touch (migration 0008_metrics) so SLA counts over a period read the index alone.
    __table_args__ = (
        Index("ix_leads_kind_queue", "kind", "queue"),
        Index("ix_leads_received_at_touch", "received_at", "first_touch_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    raw: Mapped[dict[str, Any]]
    received_at: Mapped[datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(20), default=RECEIVED)
    # Current routing, copied from the latest decision for cheap reads.
    kind: Mapped[str | None] = mapped_column(String(20))
    owner: Mapped[str | None] = mapped_column(String(100), index=True)
    queue: Mapped[str | None] = mapped_column(String(100))
    pool: Mapped[str | None] = mapped_column(String(100))
    rule: Mapped[str | None] = mapped_column(String(200))
    decision_id: Mapped[int | None]
    account_id: Mapped[str | None] = mapped_column(String(100))
    # Dedupe keys: earlier leads are found by these before routing a new one.
    email_key: Mapped[str | None] = mapped_column(String(320), index=True)
    phone: Mapped[str | None] = mapped_column(String(40), index=True)
    name_key: Mapped[str | None] = mapped_column(String(400), index=True)
    outcome: Mapped[str | None] = mapped_column(String(20))
    amount: Mapped[float | None] = mapped_column(Numeric(14, 2, asdecimal=False))
    first_touch_at: Mapped[datetime | None]
    # A lead the policy's grace delay holds stays `received` until this time; the worker's sweep
    # routes it then (policy/lead_time.py). NULL: no grace delay held it.
    route_after: Mapped[datetime | None]


class DecisionRow(Base):
    __tablename__ = "decisions"
    __table_args__ = (
        Index("ix_decisions_lead_id_id", "lead_id", "id"),
        Index("ix_decisions_at", "at"),  # created by migration 0003 for the reports
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id"))
    at: Mapped[datetime]
    cause: Mapped[str] = mapped_column(String(20))  # "new", "reroute" or "change"
    kind: Mapped[str] = mapped_column(String(20))
    owner: Mapped[str | None] = mapped_column(String(100))
    queue: Mapped[str | None] = mapped_column(String(100))
    rule: Mapped[str | None] = mapped_column(String(200))
    policy_version: Mapped[str] = mapped_column(String(100))
    fallback: Mapped[bool]
    body: Mapped[dict[str, Any]]  # codec.decision_to_dict: the full trace


class TouchRow(Base):
    __tablename__ = "touches"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id"), index=True)
    rep: Mapped[str | None] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime]
    note: Mapped[str] = mapped_column(String(2000), default="")


class OutcomeRow(Base):
    __tablename__ = "outcomes"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(20))
    amount: Mapped[float | None] = mapped_column(Numeric(14, 2, asdecimal=False))
    at: Mapped[datetime]
