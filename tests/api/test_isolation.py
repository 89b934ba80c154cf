"""One lead's failure is its own: a lead that makes the database refuse its write, in a batch
coalesced with 30 good ones, lands alone in the fallback queue (reason in its trace, listed as
an alert), and the 30 are routed as if it had never come. Both databases.

The bad lead is made bad by a trigger that refuses it, a real database error wherever the
service's edge checks stop: what matters is what happens once something still fails deeper.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from leadrouter.leads import intake
from leadrouter.leads.models import LeadRow
from leadrouter.leads.schemas import LeadCreate
from leadrouter.policies.snapshot import ConfigCache
from leadrouter.store import Database

from .conftest import TUESDAY_3PM
from .factories import REPS, lead

POISON = "poison@company99.com"
GOOD = 30
BAD_AT = 15  # the bad lead's place among the requests

_TRIGGERS = {
    "sqlite": (
        "CREATE TRIGGER poison BEFORE {event} ON leads WHEN {new}.email_key = '{email}'"
        " OR json_extract({new}.raw, '$.email') = '{email}' AND '{event}' = 'INSERT'"
        " BEGIN SELECT RAISE(ABORT, 'lead refused by trigger'); END",
    ),
    "postgresql": (
        "CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$"
        " BEGIN RAISE EXCEPTION 'lead refused by trigger'; END $$",
        "CREATE TRIGGER poison BEFORE {event} ON leads FOR EACH ROW"
        " WHEN ({new}.email_key = '{email}' OR ({new}.raw ->> 'email' = '{email}'"
        " AND '{event}' = 'INSERT'))"
        " EXECUTE FUNCTION poison()",
    ),
}
_DROP = {
    "sqlite": ("DROP TRIGGER IF EXISTS poison",),
    "postgresql": ("DROP TRIGGER IF EXISTS poison ON leads", "DROP FUNCTION IF EXISTS poison()"),
}


@pytest.fixture
def refuse(database: Database) -> Iterator[object]:
    """`refuse(event)`: from now on the database refuses the lead with email POISON when it is
    routed ("UPDATE": its decision claimed) or stored ("INSERT")."""
    dialect = database.engine.dialect.name

    def install(event: str) -> None:
        with database.engine.begin() as connection:
            for statement in _TRIGGERS[dialect]:
                connection.exec_driver_sql(statement.format(event=event, new="NEW", email=POISON))

    yield install
    with database.engine.begin() as connection:  # the PostgreSQL schema outlives the test
        for statement in _DROP[dialect]:
            connection.execute(text(statement))


def post_together(client: TestClient, bodies: list[dict]) -> list[httpx.Response]:
    """POST the bodies at the same moment, as concurrent clients would: the first request is a
    batch alone, the rest arrive while it is in the database and go together as the next."""
    transport = httpx.ASGITransport(app=client.app, raise_app_exceptions=False)
    headers = dict(client.headers)

    async def post_all() -> list[httpx.Response]:
        async with httpx.AsyncClient(
            transport=transport, base_url="http://test", headers=headers
        ) as http:
            return list(await asyncio.gather(*(http.post("/v1/leads", json=b) for b in bodies)))

    return asyncio.run(post_all())


def batch_of_31() -> list[dict]:
    bodies = [lead(n) for n in range(GOOD)]
    bodies.insert(BAD_AT, lead(99, email=POISON))
    return bodies


def counting_flushes(database: Database, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that grows by one per intake batch (each batch waits for the disk once)."""
    flushes: list[int] = []
    wait = database.wait_for_disk

    def counted() -> None:
        flushes.append(1)
        wait()

    monkeypatch.setattr(database, "wait_for_disk", counted)
    return flushes


def received(database: Database) -> int:
    with database.read() as session:
        query = select(func.count()).select_from(LeadRow).where(LeadRow.status == "received")
        return session.scalar(query) or 0


def test_intake__a_lead_the_database_refuses_falls_back_alone_and_30_are_routed(
    seeded: TestClient, database: Database, refuse, monkeypatch: pytest.MonkeyPatch
) -> None:
    refuse("UPDATE")
    flushes = counting_flushes(database, monkeypatch)
    responses = post_together(seeded, batch_of_31())

    assert len(flushes) < len(responses)  # the leads were coalesced into batches
    bad = responses.pop(BAD_AT)
    assert [r.status_code for r in responses] == [201] * GOOD
    owners = Counter(r.json()["owner"] for r in responses)
    assert owners == {rep: GOOD // len(REPS) for rep in REPS}  # round-robin exact without it
    assert bad.status_code == 201
    body = bad.json()
    assert (body["kind"], body["owner"], body["queue"], body["fallback"]) == (
        "queue",
        None,
        "unrouted",
        True,
    )
    trace = seeded.get(f"/v1/leads/{body['lead_id']}/decision").json()["trace"]
    (note,) = [n for n in trace["notes"] if n["code"] == "ROUTING_ERROR"]
    assert "lead refused by trigger" in note["message"]
    assert POISON not in note["message"] and "INSERT" not in note["message"]
    unowned = [alert["id"] for alert in seeded.get("/v1/alerts/unowned").json()]
    assert unowned == [body["lead_id"]]
    assert received(database) == 0


def test_intake__a_lead_the_database_will_not_store_fails_alone(
    seeded: TestClient, database: Database, refuse
) -> None:
    refuse("INSERT")
    responses = post_together(seeded, batch_of_31())

    bad = responses.pop(BAD_AT)
    assert [r.status_code for r in responses] == [201] * GOOD
    assert bad.status_code >= 400  # it was never stored: nothing to route, nothing held
    with database.read() as session:
        assert session.scalar(select(func.count()).select_from(LeadRow)) == GOOD
    assert received(database) == 0


@pytest.mark.postgres
@pytest.mark.parametrize("database", ["postgres"], indirect=True)
def test_intake__an_email_too_long_for_its_column_falls_back_alone(
    seeded: TestClient, database: Database
) -> None:
    # Past any length the API's edge allows (model_construct skips validation): the dedupe key
    # column, varchar(320) on PostgreSQL, refuses it when routing records the lead.
    long_email = f"{'x' * 330}@company.com"
    batch = [
        intake.Intake(LeadCreate.model_construct(lead=body["lead"]), None, TUESDAY_3PM)
        for body in [lead(0), lead(1), lead(99, email=long_email), lead(2), lead(3)]
    ]
    taken = intake.store_and_route(db=database, cache=ConfigCache(), intakes=batch)

    summaries = [t[0] for t in taken]
    assert [s.kind for s in summaries] == ["rep", "rep", "queue", "rep", "rep"]
    bad = summaries[2]
    assert (bad.queue, bad.fallback) == ("unrouted", True)
    assert any("value too long" in line for line in bad.explanation)
    assert received(database) == 0
