"""Migration 0009_flow2 on SQLite and PostgreSQL: the daily rollups gain a queue column, and the
days stored without it are dropped (a cache: the next refresh recomputes them split by queue)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from leadrouter.migrations import make_config, upgrade
from leadrouter.store import Database

BEFORE = "0009_leads_account_firmographics"
FIGURE = """
INSERT INTO lead_figures_daily (day, rule, kind, leads, qualified, won, sla_met, sla_breached,
                                sla_pending, touch_seconds)
VALUES ('2026-11-20', 'smb', 'queue', 3, 0, 0, 1, 1, 1, '[12.5]')
"""
DAY = """
INSERT INTO lead_figures_days (day, computed_at, by_clocks, sla_target_seconds, refresh)
VALUES ('2026-11-20', '2026-11-21 00:00:00+00:00', false, 900, 'r1')
"""


def _downgrade(db: Database, revision: str) -> None:
    config = make_config(db.engine)
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def _columns(db: Database) -> set[str]:
    return {c["name"] for c in inspect(db.engine).get_columns("lead_figures_daily")}


def _stored(db: Database) -> tuple[int, int]:
    with db.engine.connect() as connection:
        return (
            connection.scalar(text("SELECT count(*) FROM lead_figures_daily")) or 0,
            connection.scalar(text("SELECT count(*) FROM lead_figures_days")) or 0,
        )


def test_0009__adds_the_queue_and_drops_days_stored_without_it_both_ways(db: Database) -> None:
    _downgrade(db, BEFORE)
    assert "queue" not in _columns(db)
    with db.engine.begin() as connection:
        connection.execute(text(FIGURE))
        connection.execute(text(DAY))
    upgrade(db.engine)
    assert "queue" in _columns(db)
    assert _stored(db) == (0, 0)
    with db.engine.begin() as connection:
        connection.execute(text(FIGURE))
        connection.execute(text(DAY))
    _downgrade(db, BEFORE)
    assert "queue" not in _columns(db) and _stored(db) == (0, 0)
    upgrade(db.engine)
