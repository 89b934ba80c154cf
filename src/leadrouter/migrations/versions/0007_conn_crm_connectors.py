"""CRM connectors (issue 22): owners changed by hand in the CRM after a write-back (overrides),
the cursors of polling connectors, and each rep's booking link.

Revision ID: 0007_conn_crm_connectors
Revises: 0006_sessions_metrics
Create Date: 2026-12-07 00:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_conn_crm_connectors"
down_revision: str | Sequence[str] | None = "0007_exper_ab_tests"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("reps", sa.Column("booking_url", sa.String(length=500), nullable=True))
    op.create_table(
        "crm_overrides",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("lead_id", sa.String(length=40), nullable=False),
        sa.Column("crm", sa.String(length=20), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("rule", sa.String(length=200), nullable=True),
        sa.Column("routed_owner", sa.String(length=100), nullable=True),
        sa.Column("written", sa.String(length=100), nullable=True),
        sa.Column("crm_owner", sa.String(length=100), nullable=False),
        sa.Column("rep", sa.String(length=100), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_overrides")),
    )
    op.create_index(op.f("ix_crm_overrides_lead_id"), "crm_overrides", ["lead_id"])
    op.create_index(op.f("ix_crm_overrides_at"), "crm_overrides", ["at"])
    op.create_table(
        "crm_cursors",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_crm_cursors")),
    )


def downgrade() -> None:
    with op.batch_alter_table("reps") as batch:
        batch.drop_column("booking_url")
    op.drop_table("crm_cursors")
    op.drop_index(op.f("ix_crm_overrides_at"), table_name="crm_overrides")
    op.drop_index(op.f("ix_crm_overrides_lead_id"), table_name="crm_overrides")
    op.drop_table("crm_overrides")
