"""Users: create, list, change role or password, deactivate, and check a password at sign-in.

Passwords are hashed with argon2id (argon2-cffi's defaults) and a hash is upgraded when the
parameters move on; a sign-in with an unknown login still spends one hash, so timing does not
tell which logins exist. Every change is audited with who made it. A user's `Principal` carries
the scopes of their role, so the dashboard gates pages and buttons as the API gates keys.
"""

from __future__ import annotations

import re
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from leadrouter.api.scopes import Principal, granted
from leadrouter.audit import service as audit
from leadrouter.errors import Conflict, NotFound
from leadrouter.users.models import UserRow
from leadrouter.users.schemas import SCOPES_OF, Role, UserCreate

_hasher = PasswordHasher()
_DUMMY = _hasher.hash("not a password anyone has")
# A user's changes are named by their login.
_AUDIT = audit.Recorder("user")


def get_by_login(*, session: Session, login: str) -> UserRow | None:
    return session.scalar(select(UserRow).where(UserRow.login == login))


def get_or_raise(*, session: Session, login: str) -> UserRow:
    row = get_by_login(session=session, login=login)
    if row is None:
        raise NotFound(f"no user '{login}'")
    return row


def list_(*, session: Session) -> list[UserRow]:
    return list(session.scalars(select(UserRow).order_by(UserRow.login)))


def create(*, session: Session, user_in: UserCreate, actor: str, now: datetime) -> UserRow:
    """Add a user (with a password, or none for OpenID Connect only), audited."""
    if get_by_login(session=session, login=user_in.login) is not None:
        raise Conflict(f"user '{user_in.login}' already exists")
    row = UserRow(
        login=user_in.login,
        name=user_in.name,
        email=user_in.email,
        role=user_in.role.value,
        password_hash=_hasher.hash(user_in.password) if user_in.password else None,
        active=True,
        created_at=now,
    )
    session.add(row)
    session.flush()
    _AUDIT.record(
        session,
        row.login,
        "create",
        actor=actor,
        at=now,
        after={"role": row.role, "name": row.name},
    )
    return row


def set_role(*, session: Session, login: str, role: Role, actor: str, now: datetime) -> UserRow:
    row = get_or_raise(session=session, login=login)
    before = {"role": row.role}
    row.role = role.value
    _AUDIT.record(
        session, row.login, "update", actor=actor, at=now, before=before, after={"role": row.role}
    )
    return row


def set_password(
    *, session: Session, login: str, password: str, actor: str, now: datetime
) -> UserRow:
    row = get_or_raise(session=session, login=login)
    UserCreate(login=row.login, name=row.name, password=password)  # the length rule
    row.password_hash = _hasher.hash(password)
    _AUDIT.record(session, row.login, "update", actor=actor, at=now, after={"password": "changed"})
    return row


def set_active(*, session: Session, login: str, active: bool, actor: str, now: datetime) -> UserRow:
    """Let a user sign in again, or stop them (their open sessions end at their next request)."""
    row = get_or_raise(session=session, login=login)
    before = {"active": row.active}
    row.active = active
    _AUDIT.record(
        session, row.login, "update", actor=actor, at=now, before=before, after={"active": active}
    )
    return row


def check_password(*, session: Session, login: str, password: str) -> UserRow | None:
    """The active user whose password this is, or None. Rehashes an outdated hash in the
    caller's (write) transaction."""
    row = get_by_login(session=session, login=login)
    stored = row.password_hash if row is not None and row.active else None
    try:
        _hasher.verify(stored or _DUMMY, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or stored is None or not row.active:
        return None
    if _hasher.check_needs_rehash(stored):
        row.password_hash = _hasher.hash(password)
    return row


def sign_in_oidc(
    *,
    session: Session,
    subject: str,
    email: str | None,
    name: str | None,
    role: Role | None,
    actor: str,
    now: datetime,
) -> UserRow | None:
    """The active user an OpenID Connect provider vouched for, or None: matched by subject, else
    by (verified) email, which links the subject; created when `role` says what they may do.
    A `role` differing from the user's replaces it (the provider is the source of truth)."""
    row = session.scalars(select(UserRow).where(UserRow.oidc_subject == subject)).first()
    if row is None and email:
        row = session.scalars(
            select(UserRow).where(
                func.lower(UserRow.email) == email.lower(), UserRow.oidc_subject.is_(None)
            )
        ).first()
        if row is not None:
            row.oidc_subject = subject
            _AUDIT.record(
                session, row.login, "update", actor=actor, at=now, after={"oidc_subject": subject}
            )
    if row is None:
        if role is None:
            return None
        login = _free_login(session, email or subject)
        row = create(
            session=session,
            user_in=UserCreate(login=login, name=name or login, email=email, role=role),
            actor=actor,
            now=now,
        )
        row.oidc_subject = subject
    elif role is not None and row.role != role.value:
        set_role(session=session, login=row.login, role=role, actor=actor, now=now)
    return row if row.active else None


def _free_login(session: Session, wanted: str) -> str:
    """A login made of the allowed characters, numbered when already taken."""
    base = re.sub(r"[^A-Za-z0-9._@+-]", "-", wanted)[:190] or "user"
    login, n = base, 1
    while get_by_login(session=session, login=login) is not None:
        n += 1
        login = f"{base}-{n}"
    return login


def principal_of(row: UserRow) -> Principal:
    """The user as a caller: their name (for the audit log) and their role's scopes."""
    return Principal(row.name, granted(SCOPES_OF[Role(row.role)]))
