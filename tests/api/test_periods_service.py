"""Issue 17 through the service, on SQLite and PostgreSQL: a grace delay holds a young lead
until the worker routes it (the trace and the timeline show the wait), a rep's weekly cap and
a pool's fairness period survive between requests, and net-new companies stay with one rep."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from leadrouter.leads.models import LeadRow
from leadrouter.notify.deliver import Deliverer, Endpoints
from leadrouter.notify.templates import Templates
from leadrouter.policies import service as policies
from leadrouter.pools.models import PoolStateRow
from leadrouter.reps.models import RepLoadRow
from leadrouter.sla.timeline import timeline
from leadrouter.store import Database
from leadrouter.worker import Worker

from .conftest import TUESDAY_3PM, FakeClock
from .factories import POLICY, lead, seed


@pytest.fixture
def worker(database: Database, clock: FakeClock) -> Iterator[Worker]:
    with httpx.Client(timeout=5) as client:
        yield Worker(
            database,
            clock=clock,
            deliverer=Deliverer(Endpoints(), client),
            templates=Templates(),
            name="test-worker",
        )


def _activate(database: Database, text: str, version: str) -> None:
    with database.session() as session:
        policies.upload(session=session, text=text, actor="test", now=TUESDAY_3PM)
        policies.activate(session=session, version=version, actor="test", now=TUESDAY_3PM)


@pytest.fixture
def graced(api: TestClient, database: Database) -> TestClient:
    with database.session() as session:
        seed(session, TUESDAY_3PM)
    grace = POLICY.replace('"t1"', '"g1"').replace(
        "rules:", "grace: {delay: 10m, when: industry is missing}\nrules:"
    )
    _activate(database, grace, "g1")
    return api


def test_grace__a_young_lead_is_held_then_routed_by_the_worker_when_due(
    graced: TestClient, database: Database, clock: FakeClock, worker: Worker
) -> None:
    answer = graced.post("/v1/leads", json=lead(1))
    assert answer.status_code == 202, answer.text
    held = answer.json()
    assert held["status"] == "received"
    assert held["route_after"].startswith("2026-11-24T15:10:00")
    enriched = graced.post("/v1/leads", json=lead(2, industry="software"))
    assert enriched.json()["owner"] is not None  # not held: the grace's `when` is false

    clock.advance(timedelta(minutes=5))
    assert worker.run_once().swept == 0  # not due yet
    clock.advance(timedelta(minutes=5, seconds=1))
    assert worker.run_once().swept == 1

    lead_id = held["lead_id"]
    decision = graced.get(f"/v1/leads/{lead_id}").json()
    assert decision["status"] == "routed"
    with database.read() as session:
        entries = timeline(session, lead_id)
    codes = [e.code for e in entries]
    assert codes[:2] == ["received", "held"]
    routed = next(e for e in entries if e.kind == "decision")
    assert any("grace delay 10m" in line and "waited until" in line for line in routed.lines)


def test_weekly_cap_and_fairness_period__persist_between_requests(
    api: TestClient, database: Database, clock: FakeClock
) -> None:
    with database.session() as session:
        seed(session, TUESDAY_3PM)
    for rep_id in ("ana", "bob", "carl"):
        cap = {"max_per_week": 1} if rep_id == "ana" else {}
        assert api.patch(f"/v1/reps/{rep_id}", json=cap).status_code == 200
    assert api.patch("/v1/pools/smb", json={"reset": "weekly"}).status_code == 200

    owners = [api.post("/v1/leads", json=lead(n)).json()["owner"] for n in range(4)]
    assert owners == ["ana", "bob", "carl", "bob"]  # ana's one lead this week is taken

    with database.read() as session:
        load = session.get(RepLoadRow, "ana")
        state = session.get(PoolStateRow, "smb")
    assert load is not None and load.periods is not None
    assert (load.periods["week"], load.periods["week_count"]) == ("2026-11-23", 1)
    assert state is not None and state.period == "2026-W48"

    clock.advance(timedelta(days=7))  # a new week: ana takes leads again, the rotation restarts
    assert api.post("/v1/leads", json=lead(9)).json()["owner"] == "ana"


def test_net_new_company__colleagues_go_to_one_rep_across_requests(
    api: TestClient, database: Database
) -> None:
    with database.session() as session:
        seed(session, TUESDAY_3PM)
    sticky = POLICY.replace('"t1"', '"n1"').replace(
        "rules:", "net_new_companies: {window: 30d}\nrules:"
    )
    _activate(database, sticky, "n1")
    first = api.post("/v1/leads", json={"lead": {"email": "jo@initech.io"}}).json()
    other = api.post("/v1/leads", json={"lead": {"email": "kim@globex.io"}}).json()
    again = api.post("/v1/leads", json={"lead": {"email": "lu@initech.io"}}).json()
    assert again["owner"] == first["owner"] != other["owner"]
    with database.read() as session:
        assert session.scalars(select(LeadRow.route_after)).all() == [None, None, None]
