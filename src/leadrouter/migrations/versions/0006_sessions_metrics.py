"""dashboard sessions and /metrics counters (issue 14): a server-side session per dashboard
sign-in, held by a key now and by a named user later; Prometheus counters folded from the
decisions and SLA events as they are added, so a scrape reads a few rows.

Revision ID: 0006_sessions_metrics
Revises: 0005_config_parts
Create Date: 2026-12-06 21:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_sessions_metrics"
down_revision: str | Sequence[str] | None = "0005_config_parts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dashboard_sessions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(key_id IS NULL) <> (user_id IS NULL)", name=op.f("ck_dashboard_sessions_one_holder")
        ),
        sa.ForeignKeyConstraint(
            ["key_id"],
            ["api_keys.id"],
            name=op.f("fk_dashboard_sessions_key_id_api_keys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dashboard_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_dashboard_sessions_token_hash")),
    )
    op.create_index(
        op.f("ix_dashboard_sessions_key_id"), "dashboard_sessions", ["key_id"], unique=False
    )
    op.create_table(
        "metric_counts",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("labels", sa.String(length=500), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("name", "labels", name=op.f("pk_metric_counts")),
    )
    op.create_table(
        "metric_marks",
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("last_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("source", name=op.f("pk_metric_marks")),
    )


def downgrade() -> None:
    op.drop_table("metric_marks")
    op.drop_table("metric_counts")
    op.drop_index(op.f("ix_dashboard_sessions_key_id"), table_name="dashboard_sessions")
    op.drop_table("dashboard_sessions")
