"""Create, read and update of one configuration table (reps, pools, queues): one procedure.

A new row's id must be free (Conflict otherwise) and pass the domain's check; a changed row must
pass every rule of creation (the create model validates the merged values, then the same
check); every change is audited and bumps the config version in the caller's transaction. What
differs by domain (the check, a row created alongside, the conversion to the core's value) stays
in the domain's `service.py`; this module knows no domain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from leadrouter.api.patch import apply_patch
from leadrouter.audit import service as audit
from leadrouter.errors import Conflict
from leadrouter.store.base import Base
from leadrouter.store.rows import as_json, require_row

RowT = TypeVar("RowT", bound=Base)
CreateT = TypeVar("CreateT", bound=BaseModel)


@dataclass(frozen=True)
class ConfigTable(Generic[RowT, CreateT]):
    """A configuration table: its rows, the request that creates one, the audit entity."""

    row: type[RowT]
    create_model: type[CreateT]
    entity: str  # "rep": the audit log's entity and the errors' wording
    # The domain's own rule on a whole row (known references, no loops), run on create and
    # update; raises LeadValidationError.
    check: Callable[[Session, CreateT], None] | None = None

    def get_or_raise(self, session: Session, key: Any) -> RowT:
        return require_row(session, self.row, key, self.entity)

    def list_(self, session: Session) -> list[RowT]:
        """Every row, by id."""
        return list(session.scalars(select(self.row).order_by(*inspect(self.row).primary_key)))

    def create(
        self, session: Session, row_in: CreateT, *, actor: str, now: datetime, check: bool = True
    ) -> RowT:
        """Add the row `row_in` describes, audited; `check` False skips the domain's check (a
        team file's rows, checked against the whole file by its loader)."""
        key = row_in.id  # every create model has an id; the type variable does not say so
        if session.get(self.row, key) is not None:
            raise Conflict(f"{self.entity} '{key}' already exists")
        if check and self.check is not None:
            self.check(session, row_in)
        row = self.row(**row_in.model_dump(mode="json"))
        audit.add_config_row(session=session, row=row, entity=self.entity, actor=actor, now=now)
        return row

    def update(
        self, session: Session, key: Any, patch: BaseModel, *, actor: str, now: datetime
    ) -> RowT:
        """Change the fields given in `patch` (absent fields stay as they are), audited."""
        row = self.get_or_raise(session, key)
        merged, changes = apply_patch(self.create_model, as_json(row), patch)
        if self.check is not None:
            self.check(session, merged)
        audit.change_config_row(
            session=session, row=row, changes=changes, entity=self.entity, actor=actor, now=now
        )
        return row
