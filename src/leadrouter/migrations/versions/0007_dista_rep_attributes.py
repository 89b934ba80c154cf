"""rep attributes and longer strategy names (issue 17): `reps.attributes` holds a rep's region,
segment and custom attributes, which distribution conditions read as `rep.<name>`; a pool's
strategy may be `least_recently_assigned`, longer than the 20 characters the column allowed.

A pool's fairness record (last assignments, counts, calibration) rides in `pool_states.current`
under the key "~" (rep ids never hold it), so the rotation row needs no new column.

Revision ID: 0007_dista_rep_attributes
Revises: 0006_sessions_metrics
Create Date: 2026-12-07 00:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007_dista_rep_attributes"
down_revision: str | Sequence[str] | None = "0007_distb_periods"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reps") as batch:
        batch.add_column(
            sa.Column(
                "attributes",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=False,
                server_default="{}",
            )
        )
    with op.batch_alter_table("pools") as batch:
        batch.alter_column(
            "strategy", existing_type=sa.String(length=20), type_=sa.String(length=40)
        )


def downgrade() -> None:
    with op.batch_alter_table("pools") as batch:
        batch.alter_column(
            "strategy", existing_type=sa.String(length=40), type_=sa.String(length=20)
        )
    with op.batch_alter_table("reps") as batch:
        batch.drop_column("attributes")
