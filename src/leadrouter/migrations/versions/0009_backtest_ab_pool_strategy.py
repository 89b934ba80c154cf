"""A/B tests between two strategies of one pool (issue 20 §3): `ab_tests.pool`, `strategy_a` and
`strategy_b`; both arms then route with the same policy version, the pool's strategy differing.

Revision ID: 0009_backtest_ab_pool_strategy
Revises: 0008_conn2_lead_roles
Create Date: 2026-12-07 04:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_backtest_ab_pool_strategy"
down_revision: str | Sequence[str] | None = "0008_conn2_lead_roles"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (("pool", 100), ("strategy_a", 40), ("strategy_b", 40))


def upgrade() -> None:
    with op.batch_alter_table("ab_tests") as table:
        for name, length in _COLUMNS:
            table.add_column(sa.Column(name, sa.String(length=length), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ab_tests") as table:
        for name, _ in reversed(_COLUMNS):
            table.drop_column(name)
