"""Every query gives the fixture's hand-computed answer, the same as its pure counterpart, on
SQLite and on PostgreSQL."""

from __future__ import annotations

from leadrouter.reports import figures, queries
from leadrouter.reports.figures import Conversion, FairShare, SlaCompliance, SpeedToLead
from leadrouter.reports.queries import ALL, Dimension

from .factories import FACTS, NOW, SLA, START, store_fixture


def test_count_leads__counts_only_the_window(db):
    store_fixture(db)
    with db.read() as session:
        assert queries.count_leads(session, START, NOW) == 12


def test_speed_to_lead__matches_the_hand_computed_median_and_p90(db):
    store_fixture(db)
    with db.read() as session:
        figure = queries.speed_to_lead(session, START, NOW)
    assert figure == {ALL: SpeedToLead(10, 330.0, 546.0)} == {ALL: figures.speed_to_lead(FACTS)}


def test_speed_to_lead__per_rep_matches_the_pure_figure(db):
    store_fixture(db)
    with db.read() as session:
        per_rep = queries.speed_to_lead(session, START, NOW, Dimension.REP)
    assert per_rep == {
        rep: figures.speed_to_lead([f for f in FACTS if f.owner == rep])
        for rep in ("ana", "bob", "lea")
    }
    assert per_rep["ana"] == SpeedToLead(6, 210.0, 330.0)


def test_speed_to_lead__per_day_groups_by_utc_date(db):
    store_fixture(db)
    with db.read() as session:
        per_day = queries.speed_to_lead(session, START, NOW, Dimension.DAY)
    assert per_day == {"2026-11-23": SpeedToLead(10, 330.0, 546.0)}


def test_sla_compliance__matches_the_pure_figure(db):
    store_fixture(db)
    with db.read() as session:
        figure = queries.sla_compliance(session, START, NOW, NOW, SLA)
    assert figure == {ALL: SlaCompliance(5, 6, 1)} == {ALL: figures.sla_compliance(FACTS, NOW)}


def test_sla_compliance__per_rule(db):
    store_fixture(db)
    with db.read() as session:
        per_rule = queries.sla_compliance(session, START, NOW, NOW, SLA, Dimension.RULE)
    assert per_rule == {
        "enterprise": SlaCompliance(5, 0, 0),
        "smb": SlaCompliance(0, 5, 0),
        "catch-all": SlaCompliance(0, 1, 1),
    }


def test_sla_compliance__empty_window_counts_nothing(db):
    with db.read() as session:
        figure = queries.sla_compliance(session, START, NOW, NOW, SLA)
    assert figure == {ALL: SlaCompliance(0, 0, 0)}


def test_conversion__by_each_dimension_matches_the_pure_figure(db):
    store_fixture(db)
    keys = {
        Dimension.RULE: lambda f: f.rule,
        Dimension.SOURCE: lambda f: f.source,
        Dimension.SEGMENT: lambda f: f.segment,
        Dimension.REP: lambda f: f.owner,
    }
    with db.read() as session:
        for dimension, key in keys.items():
            expected = figures.conversion_by(FACTS, key)
            assert queries.conversion(session, START, NOW, dimension) == expected, dimension
        assert queries.conversion(session, START, NOW, Dimension.RULE) == (
            Conversion("catch-all", 2, 0, 0),
            Conversion("enterprise", 5, 3, 1),
            Conversion("smb", 5, 1, 1),
        )


def test_fairness__per_pool_received_vs_weighted_share(db):
    store_fixture(db)
    with db.read() as session:
        shares = queries.fairness(session, START, NOW)
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
