"""The API keys table: a name, scopes and the SHA-256 of the token (never the token itself)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from leadrouter.store import Base


class ApiKeyRow(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))  # shown in listings to tell keys apart
    scopes: Mapped[list[Any]] = mapped_column()
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
