"""Config versions per part: the `config_version` table gets a counter row for the policy and
one for the accounts besides its first row (now the team's), and every account row the accounts
counter that last changed it, so that a rep's edit no longer rebuilds the account index, and an
account's edit updates the index with the changed rows only.

Revision ID: 0005_config_parts
Revises: 0004_lz4_decision_bodies
Create Date: 2026-12-06 21:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_config_parts"
down_revision: str | Sequence[str] | None = "0004_lz4_decision_bodies"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COUNTERS = sa.table(
    "config_version", sa.column("id", sa.Integer), sa.column("version", sa.Integer)
)


def upgrade() -> None:
    # 2: the policy, 3: the accounts (store/config_version.py's Part); row 1 counts the team.
    op.bulk_insert(_COUNTERS, [{"id": 2, "version": 0}, {"id": 3, "version": 0}])
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("changed_in", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_index(batch_op.f("ix_accounts_changed_in"), ["changed_in"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_accounts_changed_in"))
        batch_op.drop_column("changed_in")
    op.execute(_COUNTERS.delete().where(_COUNTERS.c.id != 1))
