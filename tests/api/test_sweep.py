"""The worker's sweep: leads left `received` (an intake that failed on the database, leads held
while no policy was active) are routed once they are older than the grace, never before, and
never twice. Both databases."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select, text

from leadrouter.leads import intake
from leadrouter.leads.models import LeadRow
from leadrouter.leads.schemas import LeadCreate
from leadrouter.notify.deliver import Deliverer, Endpoints
from leadrouter.notify.templates import Templates
from leadrouter.policies import service as policies
from leadrouter.store import Database
from leadrouter.worker import SWEEP_AFTER, Worker

from .conftest import TUESDAY_3PM, FakeClock
from .factories import REPS, lead, seed


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


def stored_only(database: Database, *bodies: dict) -> list[str]:
    """Leads stored as an intake stores them, whose routing never happened (a crash, or the
    database failing between the two transactions)."""
    batch = [intake.Intake(LeadCreate.model_validate(b), None, TUESDAY_3PM) for b in bodies]
    return [s[0].id for s in intake.store(db=database, intakes=batch) if isinstance(s, tuple)]


def statuses(database: Database, ids: list[str]) -> list[tuple[str, str | None]]:
    with database.read() as session:
        rows = {r.id: r for r in session.scalars(select(LeadRow).where(LeadRow.id.in_(ids)))}
    return [(rows[i].status, rows[i].owner) for i in ids]


def test_sweep__routes_leads_left_received_once_past_the_grace(
    database: Database, clock: FakeClock, worker: Worker
) -> None:
    with database.session() as session:
        seed(session, TUESDAY_3PM)
    ids = stored_only(database, lead(0), lead(1), lead(2))

    clock.advance(SWEEP_AFTER / 2)
    assert worker.run_once().swept == 0  # an intake may still be routing them
    assert {status for status, _ in statuses(database, ids)} == {"received"}

    clock.advance(SWEEP_AFTER)
    done = worker.run_once()
    assert (done.swept, done.started) == (3, 3)  # routed, and their SLA clocks taken in
    assert sorted(owner for _, owner in statuses(database, ids)) == sorted(REPS)
    assert worker.run_once().swept == 0


def test_sweep__holds_leads_while_no_policy_is_active_then_routes_them(
    database: Database, clock: FakeClock, worker: Worker
) -> None:
    with database.session() as session:
        seed(session, TUESDAY_3PM, activate=False)
    ids = stored_only(database, lead(0), lead(1))
    clock.advance(SWEEP_AFTER * 2)
    assert worker.run_once().swept == 0
    with database.read() as session:
        assert [h.lead_id for h in intake.waiting(session=session, limit=10)] != []

    with database.session() as session:
        policies.activate(session=session, version="t1", actor="test", now=clock.now())
    assert worker.run_once().swept == 2
    assert all(status == "routed" for status, _ in statuses(database, ids))


def test_sweep__a_lead_that_fails_again_goes_to_the_fallback_queue_alone(
    database: Database, clock: FakeClock, worker: Worker
) -> None:
    with database.session() as session:
        seed(session, TUESDAY_3PM)
    ids = stored_only(database, lead(0), lead(1, email="refused@company1.com"), lead(2))
    refuse = {
        "sqlite": [
            "CREATE TRIGGER refuse BEFORE UPDATE ON leads"
            " WHEN NEW.email_key = 'refused@company1.com'"
            " BEGIN SELECT RAISE(ABORT, 'refused by trigger'); END"
        ],
        "postgresql": [
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$"
            " BEGIN RAISE EXCEPTION 'refused by trigger'; END $$",
            "CREATE TRIGGER refuse BEFORE UPDATE ON leads FOR EACH ROW"
            " WHEN (NEW.email_key = 'refused@company1.com') EXECUTE FUNCTION refuse()",
        ],
    }[database.engine.dialect.name]
    with database.engine.begin() as connection:
        for statement in refuse:
            connection.exec_driver_sql(statement)
    try:
        clock.advance(SWEEP_AFTER * 2)
        assert worker.run_once().swept == 3
    finally:
        with database.engine.begin() as connection:
            if database.postgres:
                connection.execute(text("DROP TRIGGER IF EXISTS refuse ON leads"))
                connection.execute(text("DROP FUNCTION IF EXISTS refuse()"))
            else:
                connection.execute(text("DROP TRIGGER IF EXISTS refuse"))
    good, bad, other = statuses(database, ids)
    assert bad == ("routed", None)
    assert good[1] in REPS and other[1] in REPS
    with database.read() as session:
        row = session.get(LeadRow, ids[1])
        assert (row.kind, row.queue) == ("queue", "unrouted")
