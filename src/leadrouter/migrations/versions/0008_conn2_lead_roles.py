"""lead owners per role (issue 22, hand-offs): `lead_roles` keeps who owned a lead in each role
(the SDR who booked the meeting, the AE it went to), so a hand-off keeps the SDR.

Revision ID: 0008_conn2_lead_roles
Revises: 0007_dash_users
Create Date: 2026-12-07 01:50:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_conn2_lead_roles"
down_revision: str | Sequence[str] | None = "0008_metrics_touch_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lead_roles",
        sa.Column("lead_id", sa.String(length=40), sa.ForeignKey("leads.id"), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("rep", sa.String(length=100), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("lead_id", "role"),
    )


def downgrade() -> None:
    op.drop_table("lead_roles")
