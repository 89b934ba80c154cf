"""lz4 for decision bodies on PostgreSQL: each decision's trace (a few KB of JSON) is compressed
as it is stored, and pglz cost the server ~6 % of its CPU per routed lead; lz4 compresses several
times faster. Bodies stored before keep pglz (both read alike). No change on SQLite.

Revision ID: 0004_lz4_decision_bodies
Revises: 0003_reporting
Create Date: 2026-11-27 01:50:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004_lz4_decision_bodies"
down_revision: str | Sequence[str] | None = "0003_reporting"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _compression(method: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # A server built without lz4 refuses it: it keeps pglz, which works the same, only slower.
    op.execute(
        f"""
DO $$
BEGIN
    ALTER TABLE decisions ALTER COLUMN body SET COMPRESSION {method};
EXCEPTION WHEN feature_not_supported THEN
    NULL;
END $$
"""
    )


def upgrade() -> None:
    _compression("lz4")


def downgrade() -> None:
    _compression("default")
