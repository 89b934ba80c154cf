"""The daily rollups are split by fallback queue too (issue 21): the policy flow page reads where a
rule's leads went (a pool, a rep or a queue) from the rollups instead of every lead of its period.

Stored days were grouped without the queue and cannot be split after the fact, so they are
dropped: a rollup is a cache, and the next refresh (a page view, `leadrouter report`, the worker)
recomputes every day it needs with the queue filled in.

Revision ID: 0009_flow2_figures_queue
Revises: 0008_conn2_lead_roles
Create Date: 2026-12-07 04:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_flow2_figures_queue"
down_revision: str | Sequence[str] | None = "0009_leads_account_firmographics"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _drop_stored_days() -> None:
    op.execute("DELETE FROM lead_figures_daily")
    op.execute("DELETE FROM lead_figures_days")


def upgrade() -> None:
    _drop_stored_days()
    with op.batch_alter_table("lead_figures_daily") as batch_op:
        batch_op.add_column(sa.Column("queue", sa.String(length=100), nullable=True))


def downgrade() -> None:
    _drop_stored_days()  # their groups split by queue would count twice without it
    with op.batch_alter_table("lead_figures_daily") as batch_op:
        batch_op.drop_column("queue")
