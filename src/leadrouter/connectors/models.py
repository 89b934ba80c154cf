"""Tables of the CRM connectors: owners changed by hand in the CRM after leadrouter wrote its
choice (overrides: what a misroute looks like), and the polling cursors.

The write-backs themselves are outbox rows (channel `crm`): their retries, dead letters and
alerts are the outbox's.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from leadrouter.store import Base


class CrmOverrideRow(Base):
    __tablename__ = "crm_overrides"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    lead_id: Mapped[str] = mapped_column(String(40), index=True)
    crm: Mapped[str] = mapped_column(String(20))
    decision_id: Mapped[int | None]
    rule: Mapped[str | None] = mapped_column(String(200))
    routed_owner: Mapped[str | None] = mapped_column(String(100))  # the rep leadrouter chose
    written: Mapped[str | None] = mapped_column(String(100))  # the CRM user it wrote
    crm_owner: Mapped[str] = mapped_column(String(100))  # the CRM user set by hand
    rep: Mapped[str | None] = mapped_column(String(100))  # that user's rep, when mapped
    at: Mapped[datetime] = mapped_column(index=True)


class CrmCursorRow(Base):
    """Where a polling connector got to: the last modification time it took in."""

    __tablename__ = "crm_cursors"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime]
