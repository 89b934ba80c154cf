"""Dashboard sign-in sessions: a random id in the browser's cookie, its hash in the database.

Signing in with an API key opens a session that belongs to that key: the cookie holds a fresh
random token (never the key), the table holds only the token's SHA-256, and every request looks
the session up with its key, so a session ends when it expires, when its holder signs out, or
when its key is revoked, on every server process at once. A session belongs to a key now and
may belong to a user later (`user_id`, for the named users a later version adds): exactly one of
the two is set. The CSRF token of a session is derived from its secret token (an HMAC), so it
needs no storage and nobody without the cookie can compute it. Never stores a raw token.
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
    token = secrets.token_urlsafe(32)
    session.add(
        SessionRow(
            token_hash=hash_token(token),
            key_id=key.id,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    session.execute(delete(SessionRow).where(SessionRow.expires_at < now - STALE))
    return token, principal_of(key)


def find(session: Session, *, token: str, now: datetime) -> SignedIn | None:
    """The live session whose cookie holds `token`, or None (unknown, expired, signed out, or
    its key revoked)."""
    row = session.execute(
        select(SessionRow, ApiKeyRow)
        .join(ApiKeyRow, ApiKeyRow.id == SessionRow.key_id)
        .where(SessionRow.token_hash == hash_token(token))
    ).first()
    if row is None:
        return None
    live, key = row
    if live.revoked_at is not None or live.expires_at <= now or key.revoked_at is not None:
        return None
    return SignedIn(principal_of(key), token)


def close(session: Session, *, token: str, now: datetime) -> None:
    """End the session whose cookie holds `token` (signing out)."""
    session.execute(
        update(SessionRow)
        .where(SessionRow.token_hash == hash_token(token), SessionRow.revoked_at.is_(None))
        .values(revoked_at=now)
    )
