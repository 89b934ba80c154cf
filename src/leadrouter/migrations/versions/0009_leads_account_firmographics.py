"""accounts carry employees and industry (issue 22, enrichment for every lead): the account
book fills a lead that lacks them, whatever way the lead came in.

Revision ID: 0009_leads_account_firmographics
Revises: 0008_conn2_lead_roles
Create Date: 2026-12-07 03:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_leads_account_firmographics"
down_revision: str | Sequence[str] | None = "0009_backtest_ab_pool_strategy"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("employees", sa.Float(), nullable=True))
        batch.add_column(sa.Column("industry", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("industry")
        batch.drop_column("employees")
