"""Daily rollups: stored once, recomputed when a later row changes their day or a pending SLA
falls due, and always summing, with today read live, to the live computation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from leadrouter.leads.models import LeadRow, TouchRow
from leadrouter.reports import queries, rollups
from leadrouter.reports.figures import SlaCompliance
from leadrouter.reports.models import FigureDayRow
from leadrouter.reports.window import ALL, Dimension, Window
from leadrouter.store import Database

from .factories import NOW, SLA, START, store_fixture

SINCE = NOW - START


def _live(db: Database, now: datetime = NOW, target: timedelta = SLA) -> Window:
    with db.read() as session:
        groups = queries.live_groups(session, now - SINCE, now, now, target, by_clocks=False)
    return Window(tuple(groups))


def _rolled(db: Database, now: datetime = NOW, target: timedelta = SLA) -> Window:
    with db.read() as session:
        return rollups.load_window(session, now - SINCE, now, now, target)


def _same(a: Window, b: Window) -> bool:
    return (
        a.count() == b.count()
        and a.sla(Dimension.RULE) == b.sla(Dimension.RULE)
        and a.speed_to_lead(Dimension.REP) == b.speed_to_lead(Dimension.REP)
        and a.conversion(Dimension.SOURCE) == b.conversion(Dimension.SOURCE)
        and a.received_by_pool() == b.received_by_pool()
    )


def test_full_days__are_the_utc_days_wholly_inside_the_range():
    start = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
    end = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
    assert rollups.full_days(start, end) == [date(2026, 11, 21), date(2026, 11, 22)]


def test_refresh__stores_each_whole_day_once(db):
    store_fixture(db)
    assert rollups.refresh(db, NOW, SINCE, SLA) == 29  # 2026-10-26 .. 2026-11-23
    assert rollups.refresh(db, NOW, SINCE, SLA) == 0
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(FigureDayRow)) == 29


def test_load_window__rolled_up_days_plus_today_equal_the_live_figures(db):
    store_fixture(db)
    rollups.refresh(db, NOW, SINCE, SLA)
    assert _same(_rolled(db), _live(db))
    assert _rolled(db).sla() == {ALL: SlaCompliance(5, 6, 1)}


def test_refresh__a_later_touch_recomputes_its_leads_day(db):
    store_fixture(db)
    rollups.refresh(db, NOW, SINCE, SLA)
    with db.session() as session:
        lead = session.get(LeadRow, "L11")
        lead.first_touch_at = NOW - timedelta(minutes=1)
        session.add(TouchRow(lead_id="L11", rep="bob", channel="call", at=lead.first_touch_at))
    assert rollups.refresh(db, NOW, SINCE, SLA) == 1
    assert _same(_rolled(db), _live(db))
    assert _rolled(db).speed_to_lead()[ALL].touched == 11


def test_load_window__a_day_whose_pending_sla_fell_due_is_read_live_until_refreshed(db):
    store_fixture(db)
    midnight = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
    with db.session() as session:
        session.add(LeadRow(id="late", raw={}, received_at=midnight - timedelta(minutes=1)))
    early = midnight + timedelta(minutes=2)
    rollups.refresh(db, early, SINCE, SLA)
    assert _rolled(db, early).sla()[ALL].pending == 1
    later = midnight + timedelta(minutes=10)
    assert _same(_rolled(db, later), _live(db, later))
    assert _rolled(db, later).sla()[ALL].pending == 0
    assert rollups.refresh(db, later, SINCE, SLA) == 1


def test_load_window__another_sla_target_reads_the_days_live(db):
    store_fixture(db)
    rollups.refresh(db, NOW, SINCE, SLA)
    longer = timedelta(minutes=8)
    assert _same(_rolled(db, target=longer), _live(db, target=longer))
    assert _rolled(db, target=longer).sla()[ALL] == SlaCompliance(8, 3, 1)
