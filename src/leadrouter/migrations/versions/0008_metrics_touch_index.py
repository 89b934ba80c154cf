"""The leads' arrival index carries the first touch (issue 21): the lead explorer's SLA filters
(breached, met, pending) count a period's leads from the index alone, without reading every wide
lead row of the period (and the period before, for the comparison). Replaces the arrival index:
an index on (received_at, first_touch_at) serves every read by arrival time as before, so a lead's
intake still updates the same number of indexes.

Revision ID: 0008_metrics_touch_index
Revises: 0007_dash_users
Create Date: 2026-12-07 01:45:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008_metrics_touch_index"
down_revision: str | Sequence[str] | None = "0007_dash_users"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_leads_received_at_touch", "leads", ["received_at", "first_touch_at"], unique=False
    )
    op.drop_index("ix_leads_received_at", table_name="leads")


def downgrade() -> None:
    op.create_index("ix_leads_received_at", "leads", ["received_at"], unique=False)
    op.drop_index("ix_leads_received_at_touch", table_name="leads")
