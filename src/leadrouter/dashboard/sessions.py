"""Dashboard sign-in sessions: a random id in the browser's cookie, its hash in the database.

Signing in (a named user with a password or OpenID Connect, or an API key) opens a session that
belongs to that user or key: the cookie holds a fresh random token (never a password or key),
the table holds only the token's SHA-256, and every request looks the session up with its
holder, so a session ends when it expires, when its holder signs out, or when the key is revoked
or the user deactivated (their role read afresh each time), on every server process at once.
Exactly one of `key_id` and `user_id` is set. The CSRF token of a session is derived from its
secret token (an HMAC), so it needs no storage and nobody without the cookie can compute it.
Never stores a raw token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import CheckConstraint, ForeignKey, String, delete, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from leadrouter.keys.models import ApiKeyRow
from leadrouter.keys.service import Principal, hash_token, principal_of
from leadrouter.store import Base
from leadrouter.users.models import UserRow
from leadrouter.users.service import principal_of as user_principal

STALE = timedelta(days=7)  # ended sessions are deleted this long after their end


class SessionRow(Base):
    __tablename__ = "dashboard_sessions"
    __table_args__ = (CheckConstraint("(key_id IS NULL) <> (user_id IS NULL)", name="one_holder"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    key_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_keys.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None]  # a named user's session (a later version's users table)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A live session: who holds it and the token the browser sent (for its CSRF token)."""

    principal: Principal
    token: str
    login: str | None = None  # a named user's login; None for an API key

    @property
    def csrf(self) -> str:
        return csrf_token(self.token)


def csrf_token(token: str) -> str:
    """The CSRF token of the session whose cookie holds `token`."""
    return hmac.new(token.encode(), b"leadrouter dashboard csrf", hashlib.sha256).hexdigest()


def open_(
    session: Session, *, key_token: str, now: datetime, lifetime: timedelta
) -> tuple[str, Principal] | None:
    """A new session for the API key `key_token`: (its cookie token, the key's principal), or
    None when the key is unknown or revoked. Old ended sessions are cleared on the way."""
    key = session.scalar(select(ApiKeyRow).where(ApiKeyRow.token_hash == hash_token(key_token)))
    if key is None or key.revoked_at is not None:
        return None
    return _open(session, now, lifetime, key_id=key.id), principal_of(key)


def open_for_user(session: Session, *, user_id: int, now: datetime, lifetime: timedelta) -> str:
    """A new session for a user who just proved who they are; its cookie token."""
    return _open(session, now, lifetime, user_id=user_id)


def _open(
    session: Session,
    now: datetime,
    lifetime: timedelta,
    *,
    key_id: int | None = None,
    user_id: int | None = None,
) -> str:
    token = secrets.token_urlsafe(32)
    session.add(
        SessionRow(
            token_hash=hash_token(token),
            key_id=key_id,
            user_id=user_id,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    session.execute(delete(SessionRow).where(SessionRow.expires_at < now - STALE))
    return token


def find(session: Session, *, token: str, now: datetime) -> SignedIn | None:
    """The live session whose cookie holds `token`, or None (unknown, expired, signed out, its
    key revoked or its user deactivated)."""
    row = session.execute(
        select(SessionRow, ApiKeyRow, UserRow)
        .outerjoin(ApiKeyRow, ApiKeyRow.id == SessionRow.key_id)
        .outerjoin(UserRow, UserRow.id == SessionRow.user_id)
        .where(SessionRow.token_hash == hash_token(token))
    ).first()
    if row is None:
        return None
    live, key, user = row
    if live.revoked_at is not None or live.expires_at <= now:
        return None
    if key is not None:
        return None if key.revoked_at is not None else SignedIn(principal_of(key), token)
    if user is not None and user.active:
        return SignedIn(user_principal(user), token, user.login)
    return None


def close(session: Session, *, token: str, now: datetime) -> None:
    """End the session whose cookie holds `token` (signing out)."""
    session.execute(
        update(SessionRow)
        .where(SessionRow.token_hash == hash_token(token), SessionRow.revoked_at.is_(None))
        .values(revoked_at=now)
    )
