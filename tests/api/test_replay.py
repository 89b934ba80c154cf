"""A replay of stored leads through the simulation's path equals live routing, decision for
decision: the service and the simulation route through the one loop (`sequence.py`)."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from leadrouter.codec import decision_to_dict
from leadrouter.experiments.simulate import replay
from leadrouter.leads.models import LeadRow
from leadrouter.policies.snapshot import ConfigCache
from leadrouter.store import Database

from .conftest import FakeClock
from .factories import lead

LEADS = 400


def _body(n: int) -> dict:
    if n % 7 == 3:  # a big company: manual review
        return lead(n, employees="5000")
    if n % 5 == 4:  # the same person as an earlier lead, written another way
        earlier = n - 4
        return lead(n, email=f"Person{earlier}+again@company{earlier}.com")
    return lead(n)


def test_replay__of_live_leads_decides_as_live_routing_did(
    seeded: TestClient, database: Database, clock: FakeClock
) -> None:
    ids = []
    for n in range(LEADS):
        clock.advance(timedelta(seconds=37))
        answer = seeded.post("/v1/leads", json=_body(n))
        assert answer.status_code == 201
        ids.append(answer.json()["lead_id"])
    live = {i: seeded.get(f"/v1/leads/{i}/decision").json() for i in ids}
    assert sum("DUPLICATE_LEAD" in str(d["trace"]) for d in live.values()) >= LEADS // 6

    with database.read() as session:
        config = ConfigCache().get(session)
        rows = list(
            session.scalars(select(LeadRow).order_by(LeadRow.received_at, LeadRow.decision_id))
        )
        replayed = replay(rows, config, config.require_policy())

    assert [row.id for row in rows] == ids
    for row, decision in zip(rows, replayed, strict=True):
        again = decision_to_dict(decision)
        was = live[row.id]
        assert (again["kind"], again["owner"], again["queue"], again["rule"]) == (
            was["kind"],
            was["owner"],
            was["queue"],
            was["rule"],
        ), row.id
        assert again["trace"] == was["trace"], row.id
        assert again["propensity"] == was["propensity"], row.id
