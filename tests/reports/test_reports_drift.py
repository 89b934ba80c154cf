"""Fairness drift alerts: a pool unfair on each of the last days gets one alert per channel a day,
through the outbox; a pool fair on any of those days gets none. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from leadrouter.dashboard.demo import POOL, store_team
from leadrouter.notify.message import Channel
from leadrouter.notify.models import OutboxRow
from leadrouter.reports.drift import alert_drift, daily_fairness
from leadrouter.store import Database

from .factories import NOW, StoredLead, store_leads
from .reference import LeadFact

CHANNELS = {Channel.SLACK, Channel.WEBHOOK, Channel.EMAIL}


def _leads(owners_by_day: list[list[str]]) -> list[StoredLead]:
    leads = []
    for back, owners in enumerate(owners_by_day, start=1):
        day = NOW.replace(hour=10) - timedelta(days=back)
        for n, owner in enumerate(owners):
            fact = LeadFact(f"D{back}-{n}", day + timedelta(minutes=n), owner=owner, rule="r")
            leads.append(StoredLead(fact, f"p{back}{n}@x{back}{n}.com", f"C{back}{n}", pool=POOL))
    return leads


def _store(db: Database, owners_by_day: list[list[str]]) -> None:
    with db.session() as session:
        store_team(session, NOW)
        store_leads(session, _leads(owners_by_day))


def test_drift__a_pool_unfair_three_days_running_alerts_once_a_day(db: Database):
    # The demo pool weighs ana 2, bob, lea and sam 1: ana getting everything is unfair.
    _store(db, [["ana"] * 5, ["ana"] * 4, ["ana"] * 6])

    with db.session() as session:
        figures = daily_fairness(session, NOW, 3)[POOL]
        first = alert_drift(session, NOW, CHANNELS)
    with db.session() as session:
        again = alert_drift(session, NOW + timedelta(hours=1), CHANNELS)
        rows = list(session.scalars(select(OutboxRow)))

    assert [round(v, 2) for _, v in figures] == [1.5, 1.5, 1.5]  # all of it for a 40 % share
    assert first == again == [POOL]
    # Slack and webhook, once (the same key the second time); email has no one to write to.
    assert sorted(r.channel for r in rows) == ["slack", "webhook"]
    assert POOL in rows[0].payload["text"]


def test_drift__a_pool_fair_on_one_of_the_days_does_not_alert(db: Database):
    fair_day = ["ana", "ana", "bob", "lea", "sam"]
    _store(db, [["ana"] * 5, fair_day, ["ana"] * 6])

    with db.session() as session:
        assert alert_drift(session, NOW, CHANNELS) == []
        assert list(session.scalars(select(OutboxRow))) == []
