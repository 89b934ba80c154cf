"""The accounts table: the companies leads are matched to, with owner and hierarchy."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from leadrouter.store import Base


class AccountRow(Base):
    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    domains: Mapped[list[Any]] = mapped_column(default=list)
    country: Mapped[str | None] = mapped_column(String(2))
    owner: Mapped[str | None] = mapped_column(String(100))
    parent: Mapped[str | None] = mapped_column(String(100))
    type: Mapped[str] = mapped_column(String(20), default="prospect")
    segment: Mapped[str | None] = mapped_column(String(100))
    aliases: Mapped[list[Any]] = mapped_column(default=list)
    phone: Mapped[str | None] = mapped_column(String(40))
    last_activity: Mapped[datetime | None]
    # Firmographics enrichment fills a lead with when it lacks them (`enrichment.py`).
    employees: Mapped[float | None] = mapped_column(Float)
    industry: Mapped[str | None] = mapped_column(String(100))
    # The accounts counter (store/config_version.py) of the change that last wrote this row:
    # processes holding the account index as of counter n read only the rows above n.
    changed_in: Mapped[int] = mapped_column(default=0, server_default="0", index=True)
