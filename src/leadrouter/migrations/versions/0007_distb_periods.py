"""capacity periods and net-new companies (issue 17, items 6-10): weekly and monthly caps and
the daily cap's mode on reps, a fairness reset on pools, each rep's period counts beside their
load, each pool's fairness period beside its rotation, and the reps of net-new companies.

Revision ID: 0007_distb_periods
Revises: 0006_sessions_metrics
Create Date: 2026-12-07 00:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0007_distb_periods"
down_revision: str | Sequence[str] | None = "0006_sessions_metrics"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("reps") as reps:
        reps.add_column(sa.Column("max_per_week", sa.Integer(), nullable=True))
        reps.add_column(sa.Column("max_per_month", sa.Integer(), nullable=True))
        reps.add_column(
            sa.Column("daily_cap", sa.String(length=10), nullable=False, server_default="calendar")
        )
    with op.batch_alter_table("pools") as pools:
        pools.add_column(sa.Column("reset", sa.String(length=10), nullable=True))
    with op.batch_alter_table("rep_loads") as loads:
        loads.add_column(sa.Column("periods", _JSON, nullable=True))
    with op.batch_alter_table("pool_states") as states:
        states.add_column(sa.Column("period", sa.String(length=20), nullable=True))
    with op.batch_alter_table("leads") as leads:
        leads.add_column(sa.Column("route_after", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "company_claims",
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("rep_id", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("domain", name=op.f("pk_company_claims")),
    )


def downgrade() -> None:
    op.drop_table("company_claims")
    with op.batch_alter_table("leads") as leads:
        leads.drop_column("route_after")
    with op.batch_alter_table("pool_states") as states:
        states.drop_column("period")
    with op.batch_alter_table("rep_loads") as loads:
        loads.drop_column("periods")
    with op.batch_alter_table("pools") as pools:
        pools.drop_column("reset")
    with op.batch_alter_table("reps") as reps:
        reps.drop_column("daily_cap")
        reps.drop_column("max_per_month")
        reps.drop_column("max_per_week")
