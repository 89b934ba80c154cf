"""Small helpers every service package uses on its rows: fetch-or-404 and a JSON view for audit.

Generic over the mapped class; no domain knowledge here.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from leadrouter.errors import NotFound
from leadrouter.store.base import Base

RowT = TypeVar("RowT", bound=Base)


def require_row(session: Session, model: type[RowT], key: Any, what: str) -> RowT:
    """The row with primary key `key`, or NotFound naming `what`."""
    row = session.get(model, key)
    if row is None:
        raise NotFound(f"{what} '{key}' not found")
    return row


def as_json(row: Base) -> dict[str, Any]:
    """The row's column values as JSON-able data, for audit before/after images."""
    return {
        column.key: _jsonable(getattr(row, column.key))
        for column in inspect(type(row)).column_attrs
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value
