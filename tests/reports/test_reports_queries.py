"""Every figure gives the fixture's hand-computed answer, the same as its pure counterpart, on
SQLite and on PostgreSQL, read live and with yesterday rolled up (`rolled`)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from leadrouter.leads.models import LeadRow
from leadrouter.reports import queries, rollups
from leadrouter.reports.figures import Conversion, FairShare, SlaCompliance, SpeedToLead
from leadrouter.reports.window import ALL, Dimension, Window
from leadrouter.sla.models import ENDED, LATE, MET, RUNNING, SlaClockRow
from leadrouter.store import Database

from . import reference
from .factories import FACTS, NOW, SLA, START, store_fixture


@pytest.fixture(params=["live", "rolled"])
def read(request: pytest.FixtureRequest, db: Database):
    """Loads the fixture window; in the `rolled` case after storing the rollups of its days."""

    def load(now: datetime = NOW, start: datetime = START) -> Window:
        if request.param == "rolled":
            rollups.refresh(db, now, now - start, SLA)
        with db.read() as session:
            return rollups.load_window(session, start, now, now, SLA)

    return load


def test_count__counts_only_the_window(db, read):
    store_fixture(db)
    assert read().count() == 12


def test_speed_to_lead__matches_the_hand_computed_median_and_p90(db, read):
    store_fixture(db)
    figure = read().speed_to_lead()
    assert figure == {ALL: SpeedToLead(10, 330.0, 546.0)} == {ALL: reference.speed_to_lead(FACTS)}


def test_speed_to_lead__per_rep_matches_the_pure_figure(db, read):
    store_fixture(db)
    per_rep = read().speed_to_lead(Dimension.REP)
    assert per_rep == {
        rep: reference.speed_to_lead([f for f in FACTS if f.owner == rep])
        for rep in ("ana", "bob", "lea")
    }
    assert per_rep["ana"] == SpeedToLead(6, 210.0, 330.0)


def test_speed_to_lead__per_day_groups_by_utc_date(db, read):
    store_fixture(db)
    per_day = read().speed_to_lead(Dimension.DAY)
    assert per_day == {"2026-11-23": SpeedToLead(10, 330.0, 546.0)}


def test_sla_compliance__matches_the_pure_figure(db, read):
    store_fixture(db)
    figure = read().sla()
    assert figure == {ALL: SlaCompliance(5, 6, 1)} == {ALL: reference.sla_compliance(FACTS, NOW)}


def test_sla_compliance__per_rule(db, read):
    store_fixture(db)
    per_rule = read().sla(Dimension.RULE)
    assert per_rule == {
        "enterprise": SlaCompliance(5, 0, 0),
        "smb": SlaCompliance(0, 5, 0),
        "catch-all": SlaCompliance(0, 1, 1),
    }


def test_sla_compliance__empty_window_counts_nothing(read):
    assert read().sla() == {ALL: SlaCompliance(0, 0, 0)}
    assert read().speed_to_lead() == {ALL: SpeedToLead(0, None, None)}


def test_conversion__by_each_dimension_matches_the_pure_figure(db, read):
    store_fixture(db)
    keys = {
        Dimension.RULE: lambda f: f.rule,
        Dimension.SOURCE: lambda f: f.source,
        Dimension.SEGMENT: lambda f: f.segment,
        Dimension.REP: lambda f: f.owner,
    }
    window = read()
    for dimension, key in keys.items():
        expected = reference.conversion_by(FACTS, key)
        assert window.conversion(dimension) == expected, dimension
    assert window.conversion(Dimension.RULE) == (
        Conversion("catch-all", 2, 0, 0),
        Conversion("enterprise", 5, 3, 1),
        Conversion("smb", 5, 1, 1),
    )


def test_fairness__per_pool_received_vs_weighted_share(db, read):
    store_fixture(db)
    with db.read() as session:
        shares = read().fairness(queries.pool_weights(session))
    assert shares == {
        "inbound": (
            FairShare("ana", 2, 6, 4.0),
            FairShare("bob", 1, 3, 2.0),
            FairShare("lea", 1, 1, 2.0),
            FairShare("sam", 1, 0, 2.0),
        )
    }


def test_fallback_queues__size_oldest_and_median_wait(db):
    store_fixture(db)
    with db.read() as session:
        (queue,) = queries.fallback_queues(session, NOW)
    assert (queue.queue, queue.size, queue.oldest, queue.median) == (
        "unrouted",
        2,
        93600.0,
        46860.0,
    )


def _clock(lead_id: str, decision_id: int, state: str, deadline, ended_at=None) -> SlaClockRow:
    return SlaClockRow(
        decision_id=decision_id,
        lead_id=lead_id,
        sla="demo-request",
        owner="ana",
        started_at=deadline - SLA,
        deadline=deadline,
        first_touch_seconds=SLA.total_seconds(),
        clock="wall",
        timezone="UTC",
        state=state,
        ended_at=ended_at,
    )


def store_clocks(db) -> None:
    """L1 met, L2 late, L3 overdue and running, L4 running in time, L5 moved after its deadline,
    L6 moved before it; L0 (outside the window) met."""
    future, past = NOW + timedelta(minutes=1), NOW - timedelta(minutes=1)
    clocks = {
        "L1": (MET, past, None),
        "L2": (LATE, past, None),
        "L3": (RUNNING, past, None),
        "L4": (RUNNING, future, None),
        "L5": (ENDED, past, NOW),
        "L6": (ENDED, future, NOW),
        "L0": (MET, past, None),
    }
    with db.session() as session:
        decision = dict(session.execute(select(LeadRow.id, LeadRow.decision_id)).all())
        session.add_all(
            _clock(lead, decision[lead], state, deadline, ended)
            for lead, (state, deadline, ended) in clocks.items()
        )


def test_sla_clock_compliance__met_late_overdue_moved_and_pending(db, read):
    store_fixture(db)
    store_clocks(db)
    window = read()
    overall, per_rule = window.sla(), window.sla(Dimension.RULE)
    assert overall == {ALL: SlaCompliance(1, 3, 1)}
    assert per_rule == {
        "enterprise": SlaCompliance(1, 3, 1),
        "smb": SlaCompliance(0, 0, 0),
        "catch-all": SlaCompliance(0, 0, 0),
    }


def test_sla__uses_the_clocks_once_they_run_and_the_target_before(db, read):
    store_fixture(db)
    assert read().sla() == {ALL: SlaCompliance(5, 6, 1)}
    store_clocks(db)
    assert read().sla() == {ALL: SlaCompliance(1, 3, 1)}


@pytest.mark.parametrize("target", [SLA, SLA + timedelta(microseconds=250)])
def test_touched_late__agrees_with_the_rounded_seconds_at_the_millisecond_edges(db, target):
    delays = [-1, 0, 499, 500, 501, 999, 1000, 1499, 1500, 1501, 2500]  # µs past the target
    with db.session() as session:
        session.add_all(
            LeadRow(
                id=f"E{n}",
                raw={},
                received_at=START,
                first_touch_at=START + target + timedelta(microseconds=delay),
            )
            for n, delay in enumerate(delays)
        )
    with db.read() as session:
        seconds = queries.seconds_between(LeadRow.first_touch_at, LeadRow.received_at, session)
        late = set(session.scalars(select(LeadRow.id).where(queries.touched_late(target, session))))
        rounded = set(session.scalars(select(LeadRow.id).where(seconds > target.total_seconds())))
    assert late == rounded and 0 < len(late) < len(delays)
