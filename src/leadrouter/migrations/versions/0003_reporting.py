"""reporting: daily figure rollups, and the indexes the dashboard's pages read by (issue 7)

Revision ID: 0003_reporting
Revises: 0002_sla_outbox
Create Date: 2026-11-26 17:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003_reporting"
down_revision: str | Sequence[str] | None = "0002_sla_outbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lead_figures_daily",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("rule", sa.String(length=200), nullable=True),
        sa.Column("owner", sa.String(length=100), nullable=True),
        sa.Column("pool", sa.String(length=100), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=True),
        sa.Column("segment", sa.String(length=100), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.Column("leads", sa.Integer(), nullable=False),
        sa.Column("qualified", sa.Integer(), nullable=False),
        sa.Column("won", sa.Integer(), nullable=False),
        sa.Column("sla_met", sa.Integer(), nullable=False),
        sa.Column("sla_breached", sa.Integer(), nullable=False),
        sa.Column("sla_pending", sa.Integer(), nullable=False),
        sa.Column(
            "touch_seconds",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_figures_daily")),
    )
    op.create_index("ix_lead_figures_daily_day", "lead_figures_daily", ["day"], unique=False)
    op.create_table(
        "lead_figures_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_clocks", sa.Boolean(), nullable=False),
        sa.Column("sla_target_seconds", sa.Float(), nullable=False),
        sa.Column("recheck_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("refresh", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_lead_figures_days")),
    )
    op.create_table(
        "lead_figures_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("touches", sa.Integer(), nullable=True),
        sa.Column("outcomes", sa.Integer(), nullable=True),
        sa.Column("decisions", sa.Integer(), nullable=True),
        sa.Column("sla_events", sa.Integer(), nullable=True),
        sa.Column("audit", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_figures_marks")),
    )
    # The fallback queue page and queue sizes: leads waiting, by queue.
    op.create_index("ix_leads_kind_queue", "leads", ["kind", "queue"], unique=False)
    # Routing latency in /metrics: decisions of the last hour.
    op.create_index("ix_decisions_at", "decisions", ["at"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        # Email prefix search: LIKE 'x%' can use a btree only with pattern ops under a non-C
        # collation.
        op.execute("CREATE INDEX ix_leads_email_key_prefix ON leads (email_key text_pattern_ops)")
        # Company search is a substring match: trigrams make it an index lookup.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
        op.execute(
            "CREATE INDEX ix_leads_company_trgm ON leads"
            " USING gin (lower(raw ->> 'company') public.gin_trgm_ops)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_leads_company_trgm")
        op.execute("DROP INDEX ix_leads_email_key_prefix")
    op.drop_index("ix_decisions_at", table_name="decisions")
    op.drop_index("ix_leads_kind_queue", table_name="leads")
    op.drop_table("lead_figures_marks")
    op.drop_table("lead_figures_days")
    op.drop_index("ix_lead_figures_daily_day", table_name="lead_figures_daily")
    op.drop_table("lead_figures_daily")
