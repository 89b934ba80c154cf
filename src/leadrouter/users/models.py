"""The users table: a login name, an argon2 hash of the password (never the password), a role,
and whether the person may still sign in. An OpenID Connect sign-in links a user by `subject`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from leadrouter.store import Base


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    login: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))  # shown, and written in the audit log
    email: Mapped[str | None] = mapped_column(String(320))
    password_hash: Mapped[str | None] = mapped_column(String(400))  # None: OpenID Connect only
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    oidc_subject: Mapped[str | None] = mapped_column(String(300), unique=True)
    created_at: Mapped[datetime]
