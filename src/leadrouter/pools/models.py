"""Tables for pools and their distribution state (round-robin cursor, weighted counters).

State is its own row, locked and bumped by routing; the pool row is configuration.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from leadrouter.store import Base


class PoolRow(Base):
    __tablename__ = "pools"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    members: Mapped[list[Any]] = mapped_column()  # rep ids, in turn order
    weights: Mapped[dict[str, Any]] = mapped_column(default=dict)
    strategy: Mapped[str] = mapped_column(String(40), default="round_robin")
    when_full: Mapped[str] = mapped_column(String(20), default="least_loaded")
    when_full_target: Mapped[str | None] = mapped_column(String(100))
    respect_working_hours: Mapped[bool] = mapped_column(default=True)
    reset: Mapped[str | None] = mapped_column(String(10))  # daily | weekly | monthly


class PoolStateRow(Base):
    __tablename__ = "pool_states"

    pool_id: Mapped[str] = mapped_column(
        String(100), ForeignKey("pools.id", ondelete="CASCADE"), primary_key=True
    )
    cursor: Mapped[int] = mapped_column(default=0)
    current: Mapped[dict[str, Any]] = mapped_column(default=dict)
    period: Mapped[str | None] = mapped_column(String(20))  # the fairness period of the counts
    version: Mapped[int] = mapped_column(default=0)
