"""Tables for policy versions and their activations (the history that rollback walks back)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from leadrouter.store import Base


class PolicyVersionRow(Base):
    __tablename__ = "policy_versions"

    version: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))


class PolicyActivationRow(Base):
    __tablename__ = "policy_activations"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    version: Mapped[str] = mapped_column(ForeignKey("policy_versions.version"))
    at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(200))
