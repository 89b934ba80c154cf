"""The queues table: where leads wait for people when no rep takes them."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from leadrouter.store import Base


class QueueRow(Base):
    __tablename__ = "queues"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(1000), default="")
    fallback: Mapped[bool] = mapped_column(default=False)
