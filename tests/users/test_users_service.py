"""Users: argon2 password hashes, sign-in checks, roles mapped onto the API's scopes, audit."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from leadrouter.api.scopes import Scope
from leadrouter.audit.models import AuditRow
from leadrouter.errors import Conflict
from leadrouter.migrations import upgrade
from leadrouter.store import Database
from leadrouter.users import service as users
from leadrouter.users.schemas import Role, UserCreate

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def db(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'u.db'}")
    upgrade(database.engine)
    yield database
    database.dispose()


def _create(db: Database, login: str = "maria", role: Role = Role.MANAGER) -> None:
    user_in = UserCreate(login=login, name="Maria Diaz", role=role, password="s3cret-enough")
    with db.session() as session:
        users.create(session=session, user_in=user_in, actor="ada", now=NOW)


def test_create__stores_an_argon2_hash_never_the_password_and_audits(db):
    _create(db)
    with db.read() as session:
        row = users.get_by_login(session=session, login="maria")
        assert row.password_hash.startswith("$argon2id$")
        assert "s3cret-enough" not in row.password_hash
        change = session.scalars(select(AuditRow).where(AuditRow.entity == "user")).one()
        assert (change.actor, change.entity_id, change.action) == ("ada", "maria", "create")
        assert "s3cret" not in str(change.after)


def test_check_password__right_wrong_unknown_and_deactivated(db):
    _create(db)
    with db.session() as session:
        assert users.check_password(session=session, login="maria", password="s3cret-enough")
        assert users.check_password(session=session, login="maria", password="nope") is None
        assert users.check_password(session=session, login="nobody", password="x") is None
        users.set_active(session=session, login="maria", active=False, actor="ada", now=NOW)
        assert (
            users.check_password(session=session, login="maria", password="s3cret-enough") is None
        )


def test_roles__map_onto_the_apis_scopes(db):
    _create(db, "v", Role.VIEWER)
    _create(db, "m", Role.MANAGER)
    _create(db, "a", Role.ADMIN)
    with db.read() as session:
        viewer, manager, admin = (
            users.principal_of(users.get_or_raise(session=session, login=x)) for x in "vma"
        )
    assert viewer.can(Scope.CONFIG_READ) and not viewer.can(Scope.LEADS_WRITE)
    assert manager.can(Scope.LEADS_WRITE) and manager.can(Scope.CONFIG_WRITE)
    assert manager.can(Scope.LEADS_READ) and not manager.can(Scope.ADMIN)
    assert admin.can(Scope.ADMIN) and admin.can(Scope.CONFIG_WRITE)


def test_create__a_login_twice_is_a_conflict_and_a_short_password_is_refused(db):
    _create(db)
    with pytest.raises(Conflict):
        _create(db)
    with pytest.raises(ValueError):
        UserCreate(login="x", name="X", password="short")
