"""The policy flow's figures computed the slow, obvious way, lead by lead: what the rollups must
give (`flow.counts` over `rollups.load_window`), exactly, on either database."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from leadrouter.dashboard.flow import NO_RULE, counts
from leadrouter.leads.models import ROUTED, LeadRow
from leadrouter.reports import rollups
from leadrouter.reports.summary import DEFAULT_SLA
from leadrouter.store import Database

Figures = dict[tuple[str, str], tuple[int, int, float | None]]


def by_lead(db: Database, start: datetime, end: datetime) -> Figures:
    """(rule, destination) -> (leads, touched, median seconds to first touch), lead by lead."""
    leads: dict[tuple[str, str], int] = defaultdict(int)
    touches: dict[tuple[str, str], list[float]] = defaultdict(list)
    with db.read() as session:
        rows = session.scalars(
            select(LeadRow).where(
                LeadRow.status == ROUTED, LeadRow.received_at >= start, LeadRow.received_at < end
            )
        )
        for lead in rows:
            if lead.kind != "rep":
                where = f"queue:{lead.queue or ''}"
            elif lead.pool is not None:
                where = f"pool:{lead.pool}"
            else:
                where = f"rep:{lead.owner or ''}"
            edge = (lead.rule or NO_RULE, where)
            leads[edge] += 1
            if lead.first_touch_at is not None:
                touches[edge].append((lead.first_touch_at - lead.received_at).total_seconds())
    return {
        edge: (n, len(touches[edge]), statistics.median(touches[edge]) if touches[edge] else None)
        for edge, n in leads.items()
    }


def assert_same(found: Figures, expected: Figures) -> None:
    """Equal counts, and medians equal to the millisecond the stored touch times keep."""
    assert found.keys() == expected.keys()
    for edge, (leads, touched, median) in expected.items():
        assert found[edge][:2] == (leads, touched), edge
        assert found[edge][2] == (None if median is None else pytest.approx(median, abs=1e-3))


def from_rollups(db: Database, now: datetime, period: timedelta) -> Figures:
    """What the flow page shows for the `period` before `now`, its whole days rolled up first."""
    assert rollups.refresh(db, now, period, DEFAULT_SLA) >= 0
    with db.read() as session:
        return counts(rollups.load_window(session, now - period, now, now, DEFAULT_SLA))
