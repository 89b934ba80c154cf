"""API keys: create (the token is returned once), verify, revoke.

A token is 32 random bytes, so a plain SHA-256 of it is as safe to store as a slow password hash
and costs a microsecond instead of ~100 ms per request: bcrypt and friends exist to slow down
guessing low-entropy passwords, and nobody can guess 256 random bits.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from leadrouter.api.scopes import Principal, Scope, granted
from leadrouter.audit import service as audit
from leadrouter.errors import Conflict
from leadrouter.keys.models import ApiKeyRow
from leadrouter.keys.schemas import KeyCreate, KeyCreated, KeyRead
from leadrouter.store.rows import as_json, require_row

TOKEN_PREFIX = "lr_"
# The PostgreSQL notification channel on which a revocation is announced at its commit, so every
# server process forgets the keys it verified lately (`keys.cache`).
REVOKED_CHANNEL = "leadrouter_key_revoked"


# A key's changes are named by the key's name: its token never appears in the audit log.
_AUDIT = audit.Recorder("key")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(*, session: Session, key_in: KeyCreate, actor: str, now: datetime) -> KeyCreated:
    """A new key; the returned token is never stored and cannot be shown again."""
    if session.scalar(select(ApiKeyRow.id).where(ApiKeyRow.name == key_in.name)) is not None:
        raise Conflict(f"an API key named '{key_in.name}' exists")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiKeyRow(
        name=key_in.name,
        token_hash=hash_token(token),
        prefix=token[:10],
        scopes=sorted(s.value for s in key_in.scopes),
        created_at=now,
    )
    session.add(row)
    session.flush()
    after = as_json(row)
    del after["token_hash"]
    _AUDIT.record(session, row.name, "create", actor=actor, at=now, after=after)
    return KeyCreated(**KeyRead.model_validate(row).model_dump(), token=token)


def list_(*, session: Session) -> list[ApiKeyRow]:
    return list(session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.id)))


def revoke(*, session: Session, key_id: int, actor: str, now: datetime) -> ApiKeyRow:
    row = require_row(session, ApiKeyRow, key_id, "API key")
    if row.revoked_at is None:
        row.revoked_at = now
        revoked = {"revoked_at": now.isoformat()}
        _AUDIT.record(session, row.name, "revoke", actor=actor, at=now, after=revoked)
        if session.get_bind().dialect.name == "postgresql":
            session.execute(select(func.pg_notify(REVOKED_CHANNEL, row.name)))
    return row


def verify(*, session: Session, token: str) -> Principal | None:
    """The principal for a token, or None when it is unknown or revoked."""
    row = session.scalar(select(ApiKeyRow).where(ApiKeyRow.token_hash == hash_token(token)))
    if row is None or row.revoked_at is not None:
        return None
    return principal_of(row)


def principal_of(row: ApiKeyRow) -> Principal:
    """The principal of a key row: its name and its scopes with the ones they imply."""
    return Principal(row.name, granted(Scope(s) for s in row.scopes))
