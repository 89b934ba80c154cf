"""Alembic environment: runs migrations on the connection `migrations.upgrade` hands over."""

from __future__ import annotations

from typing import Any

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import JSON

from leadrouter.migrations.tables import metadata
from leadrouter.store.base import UTCDateTime


def render_item(kind: str, obj: Any, autogen: AutogenContext) -> str | bool:
    """Render the store's own column types as plain SQLAlchemy, so that revisions never import
    application code (which may change after the revision is written)."""
    if kind != "type":
        return False
    if isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if isinstance(obj, JSON) and "postgresql" in getattr(obj, "_variant_mapping", {}):
        autogen.imports.add("from sqlalchemy.dialects import postgresql")
        return 'sa.JSON().with_variant(postgresql.JSONB(), "postgresql")'
    return False


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
    compare_type=True,
    render_item=render_item,
)
with context.begin_transaction():
    context.run_migrations()
