"""The transactional outbox: a message row is written in the transaction of the event that
caused it, and the worker delivers it later.

`key` is unique, so one event never yields two messages for a channel. A row is claimed with a
lease (`claimed_by`, `claimed_until`) because delivery happens outside any transaction: a worker
killed after sending and before marking leaves a lease that expires, and the message is sent
again (at least once; webhook receivers dedupe on the Idempotency-Key). Dead letters are rows in
state `dead`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from leadrouter.store import Base

PENDING = "pending"
SENT = "sent"
DEAD = "dead"


class OutboxRow(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_next_attempt_at", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    channel: Mapped[str] = mapped_column(String(20))
    lead_id: Mapped[str | None] = mapped_column(String(40), index=True)
    payload: Mapped[dict[str, Any]]  # Message.to_dict()
    state: Mapped[str] = mapped_column(String(20), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    sent_by: Mapped[str | None] = mapped_column(String(100))
