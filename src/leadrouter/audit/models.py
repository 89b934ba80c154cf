"""The audit log table: append-only, one row per change to configuration or keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from leadrouter.store import Base


class AuditRow(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(200))  # the API key's name, or "cli"
    action: Mapped[str] = mapped_column(String(50))  # create, update, delete, activate, ...
    entity: Mapped[str] = mapped_column(String(50))  # rep, pool, queue, account, policy, key
    entity_id: Mapped[str] = mapped_column(String(200))
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
