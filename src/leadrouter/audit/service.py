"""Recording and reading the audit log. Every service function that changes configuration or
keys records it in the same transaction, so a change and its audit row commit together; the
`*_config_row` helpers also bump the config version of the part the row belongs to, so every
process rebuilds that part of its snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from leadrouter.audit.models import AuditRow
from leadrouter.store.base import Base
from leadrouter.store.config_version import PART_OF_ENTITY, bump_config_version
from leadrouter.store.rows import as_json


@dataclass(frozen=True, slots=True)
class Recorder:
    """Where a service records the changes of one kind of entity ("key", "user", "lead",
    "policy"): named once, so each change says only which one, what happened, and the values
    before and after."""

    entity: str

    def record(
        self,
        session: Session,
        entity_id: str,
        action: str,
        *,
        actor: str,
        at: datetime,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        """Append one change of `entity_id` to the audit log."""
        session.add(
            AuditRow(
                at=at,
                actor=actor,
                action=action,
                entity=self.entity,
                entity_id=entity_id,
                before=before,
                after=after,
            )
        )


def list_(
    *, session: Session, entity: str | None = None, entity_id: str | None = None, limit: int = 100
) -> list[AuditRow]:
    """The latest changes first, optionally for one entity."""
    query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
    if entity is not None:
        query = query.where(AuditRow.entity == entity)
    if entity_id is not None:
        query = query.where(AuditRow.entity_id == entity_id)
    return list(session.scalars(query))


def add_config_row(
    *, session: Session, row: Base, entity: str, actor: str, now: datetime, bump: bool = True
) -> None:
    """Insert a configuration row, audit it and mark its part of the configuration changed
    (unless `bump` is False: the caller bumped once for many rows)."""
    session.add(row)
    session.flush()
    _record_config(session, row, "create", None, entity=entity, actor=actor, now=now, bump=bump)


def change_config_row(
    *,
    session: Session,
    row: Base,
    changes: dict[str, Any],
    entity: str,
    actor: str,
    now: datetime,
    bump: bool = True,
) -> None:
    """Apply `changes` to a configuration row, audit before/after, mark its part of the
    configuration changed (unless `bump` is False: the caller bumped once for many rows)."""
    before = as_json(row)
    for name, value in changes.items():
        setattr(row, name, value)
    session.flush()
    _record_config(session, row, "update", before, entity=entity, actor=actor, now=now, bump=bump)


def _record_config(
    session: Session,
    row: Base,
    action: str,
    before: dict[str, Any] | None,
    *,
    entity: str,
    actor: str,
    now: datetime,
    bump: bool,
) -> None:
    """Audit a configuration row as it now is (after `before`), then mark its part changed."""
    after = as_json(row)
    entity_id = str((before or after)[_key(row)])
    Recorder(entity).record(
        session, entity_id, action, actor=actor, at=now, before=before, after=after
    )
    if bump:
        _bump(session, entity)


def _bump(session: Session, entity: str) -> None:
    part = PART_OF_ENTITY.get(entity)
    # An entity of no known part: every part is rebuilt, which is always correct.
    bump_config_version(session, *([part] if part is not None else []))


def _key(row: Base) -> str:
    return inspect(type(row)).primary_key[0].key
