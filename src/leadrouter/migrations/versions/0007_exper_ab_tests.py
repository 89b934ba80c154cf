"""A/B tests of live routing (issue 20): two stored policy versions splitting leads by share,
with a period and an SLA guard rail.

Revision ID: 0007_exper_ab_tests
Revises: 0006_sessions_metrics
Create Date: 2026-12-07 00:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_exper_ab_tests"
down_revision: str | Sequence[str] | None = "0007_dista_rep_attributes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ab_tests",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version_a", sa.String(length=100), nullable=False),
        sa.Column("version_b", sa.String(length=100), nullable=False),
        sa.Column("share_b", sa.Float(), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("guard_margin", sa.Float(), nullable=False),
        sa.Column("stopped_arm", sa.String(length=1), nullable=True),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stop_reason", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ab_tests")),
    )


def downgrade() -> None:
    op.drop_table("ab_tests")
