"""Intake in batches: leads stored and routed together decide exactly as one at a time would."""

from __future__ import annotations

import threading
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, func, select, text

from leadrouter import sequence
from leadrouter.errors import Conflict
from leadrouter.leads import intake as leads_intake
from leadrouter.leads import rotation, routing
from leadrouter.leads.models import DecisionRow, LeadRow
from leadrouter.leads.schemas import LeadCreate
from leadrouter.matching import AccountIndex
from leadrouter.model import Lead
from leadrouter.policies import service as policies
from leadrouter.policies.snapshot import ConfigCache
from leadrouter.store import Database
from leadrouter.store.round_trip import run

from .conftest import TUESDAY_3PM
from .factories import POLICY, REPS, lead

STICKY = POLICY.replace('"t1"', '"t3"').replace(
    "rules:\n", "rules:\n  - id: known\n    when: duplicate\n    route: existing owner\n"
)

LOST = {"outcome": "lost"}
WAITING_ON_ADVISORY_LOCK = text(  # routing's lock of this schema, asked for and not granted
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
    " AND objid = hashtext(current_schema())::oid"
)


def intake(database: Database, *bodies: dict, keys: tuple[str | None, ...] = ()) -> list:
    """Store and route the bodies as one batch, as the pipeline of a server process does when
    they arrive together; (summary, created) or a Conflict for each."""
    batch = [
        leads_intake.Intake(LeadCreate.model_validate(body), key, TUESDAY_3PM)
        for body, key in zip(bodies, keys or (None,) * len(bodies), strict=True)
    ]
    return leads_intake.store_and_route(db=database, cache=ConfigCache(), intakes=batch)


def count(database: Database, table: type) -> int:
    with database.read() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def test_batch__continues_the_rotation_lead_by_lead(seeded: TestClient, database: Database) -> None:
    one = intake(database, lead(0))
    batch = intake(database, *(lead(n) for n in range(1, 7)))
    owners = [summary.owner for summary, _ in one + batch]
    first = REPS.index(owners[0])
    assert owners == [REPS[(first + n) % len(REPS)] for n in range(7)]
    loads = seeded.get("/v1/reps").json()
    assert sorted(rep["open_leads"] for rep in loads) == [2, 2, 3]


def test_batch__records_each_leads_decision_in_the_order_they_came(
    seeded: TestClient, database: Database
) -> None:
    batch = [summary for summary, _ in intake(database, *(lead(n) for n in range(5)))]
    ids = [summary.decision_id for summary in batch]
    assert ids == sorted(ids) and len(set(ids)) == 5
    with database.read() as session:
        for summary in batch:
            row = session.get(LeadRow, summary.lead_id)
            decision = session.get(DecisionRow, summary.decision_id)
            assert (row.status, row.decision_id, row.owner) == (
                "routed",
                decision.id,
                summary.owner,
            )
            assert (decision.lead_id, decision.owner, decision.rule) == (
                summary.lead_id,
                summary.owner,
                summary.rule,
            )
            assert row.email_key and decision.body["rule"] == summary.rule


def test_batch__a_later_lead_duplicates_an_earlier_one_of_the_same_batch(
    seeded: TestClient, database: Database
) -> None:
    sticky(database)
    results = intake(
        database,
        lead(1, email="Jo.Doe@gmail.com"),
        lead(2),
        lead(3, email="jodoe+again@gmail.com"),
    )
    (first, _), (second, _), (again, _) = results
    assert first.rule == "smb" and second.owner != first.owner
    assert again.rule == "known" and again.owner == first.owner


def test_batch__same_key_twice_is_one_lead_and_one_decision(
    seeded: TestClient, database: Database
) -> None:
    results = intake(database, lead(1), lead(1), lead(2), keys=("k", "k", None))
    (first, created), (repeat, repeated_created), (other, _) = results
    assert (created, repeated_created) == (True, False)
    assert repeat.lead_id == first.lead_id and repeat.decision_id == first.decision_id
    assert other.lead_id != first.lead_id
    assert count(database, LeadRow) == 2
    assert count(database, DecisionRow) == 2


def test_batch__a_key_reused_for_another_payload_fails_alone(
    seeded: TestClient, database: Database
) -> None:
    intake(database, lead(1), keys=("k",))
    results = intake(database, lead(9), lead(2), keys=("k", None))
    assert isinstance(results[0], Conflict)
    summary, created = results[1]
    assert created and summary.owner in REPS


def test_batch__retry_of_a_routed_lead_answers_with_its_decision(
    seeded: TestClient, database: Database
) -> None:
    ((first, _),) = intake(database, lead(1), keys=("k",))
    (again, created), (other, _) = intake(database, lead(1), lead(2), keys=("k", None))
    assert not created and again.decision_id == first.decision_id
    assert other.decision_id != first.decision_id
    assert count(database, DecisionRow) == 2


def received(database: Database, *numbers: int) -> list[routing.StoredLead]:
    """Leads stored and not routed yet, as a routing batch holds them."""
    batch = [
        leads_intake.Intake(LeadCreate.model_validate(lead(n)), None, TUESDAY_3PM) for n in numbers
    ]
    stored = leads_intake.store(db=database, intakes=batch)
    return [s[0] for s in stored if not isinstance(s, Exception)]


def test_claiming_a_lead_routed_meanwhile__raises_already_routed(
    seeded: TestClient, database: Database
) -> None:
    stored = received(database, 1, 2)
    intake_routing(database, stored[:1])  # another request routes the first lead
    with pytest.raises(routing.AlreadyRouted):
        intake_routing(database, stored)
    assert count(database, DecisionRow) == 1  # the losing batch left nothing behind


def intake_routing(database: Database, leads: list[routing.StoredLead]) -> None:
    cache = ConfigCache()
    with database.read() as session:  # built, as the service does before routing
        cache.get(session)
    database.write_core(
        lambda connection: routing.decide(
            connection, cache, leads, TUESDAY_3PM, cause="new", lock=False
        )
    )


def sticky(database: Database) -> None:
    with database.session() as session:
        policies.upload(session=session, text=STICKY, actor="test", now=TUESDAY_3PM)
        policies.activate(session=session, version="t3", actor="test", now=TUESDAY_3PM)


def test_batch__each_lead_finds_its_own_stored_duplicate(
    seeded: TestClient, database: Database
) -> None:
    sticky(database)
    stored = [s for s, _ in intake(database, lead(1, phone="+1 415 555 0101"), lead(2), lead(3))]
    later = intake(
        database,
        lead(4),  # nobody's duplicate
        lead(5, email="PERSON3@company3.com"),
        lead(6, phone="(415) 555-0101", country="US"),
    )
    (new, _), (third, _), (first, _) = later
    assert new.rule == "smb"
    assert (third.rule, third.owner) == ("known", stored[2].owner)
    assert (first.rule, first.owner) == ("known", stored[0].owner)


def test_reroute__a_lead_is_not_its_own_duplicate(seeded: TestClient, database: Database) -> None:
    sticky(database)
    lead_id = seeded.post("/v1/leads", json=lead(1)).json()["lead_id"]
    assert seeded.post(f"/v1/leads/{lead_id}/reroute").json()["rule"] == "smb"


def test_load_moved_by_an_outcome_meanwhile__the_batch_is_routed_again_locking(
    seeded: TestClient, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not database.postgres:
        pytest.skip("SQLite serializes writers: nothing can move a load between read and write")
    (earlier, _), *_ = intake(database, lead(0))
    # The routing loop's call of the engine, for the batch's first lead.
    route, closed = sequence.route, []

    def route_after_an_outcome(*args: object, **kwargs: object) -> object:
        if not closed:  # between this batch's read of the loads and its write
            closed.append(seeded.post(f"/v1/leads/{earlier.lead_id}/outcome", json=LOST))
        return route(*args, **kwargs)

    reading, locked = rotation.reading, []

    def reading_noting_locks(connection: Connection, *, lock: bool) -> object:
        locked.append(lock)
        return reading(connection, lock=lock)

    monkeypatch.setattr(sequence, "route", route_after_an_outcome)
    monkeypatch.setattr(rotation, "reading", reading_noting_locks)
    batch = intake(database, lead(1), lead(2), lead(3))
    assert closed[0].status_code == 200
    assert locked == [False, True]  # the batch, then the batch again locking
    assert sorted(summary.owner for summary, _ in batch) == sorted(REPS)  # exact rotation
    loads = seeded.get("/v1/reps").json()
    assert sorted(rep["open_leads"] for rep in loads) == [1, 1, 1]  # the lost lead let go


def test_routing_transactions__take_turns_on_postgresql(
    seeded: TestClient, database: Database
) -> None:
    if not database.postgres:
        pytest.skip("SQLite's writers take turns by BEGIN IMMEDIATE")
    decided: list[list] = []
    with database.engine.connect() as other:  # another server process in the middle of routing
        run(other, rotation.reading(other, lock=False))  # its turn taken, the state read
        waiting = threading.Thread(target=lambda: decided.append(intake(database, lead(1))))
        waiting.start()
        with database.engine.connect() as observer:
            while not observer.scalar(WAITING_ON_ADVISORY_LOCK):  # the intake waits its turn
                assert waiting.is_alive() and not decided
                time.sleep(0.01)
        other.commit()
    waiting.join(timeout=30)
    assert decided[0][0][0].owner in REPS


def test_batch_with_a_lead_routed_meanwhile__routes_the_others_and_keeps_its_decision(
    seeded: TestClient, database: Database
) -> None:
    stored = received(database, 1, 2, 3)
    (first,) = leads_intake.route_stored(
        db=database, cache=ConfigCache(), leads=stored[:1], now=TUESDAY_3PM
    )
    summaries = leads_intake.route_stored(
        db=database, cache=ConfigCache(), leads=stored, now=TUESDAY_3PM
    )
    assert summaries[0].decision_id == first.decision_id
    assert [s.lead_id for s in summaries] == [lead.id for lead in stored]
    assert count(database, DecisionRow) == 3


def test_batch__a_lead_whose_account_matching_fails_goes_to_the_fallback_queue(
    seeded: TestClient, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    accounts = [{"id": "a1", "name": "Acme Corp", "domains": ["acme.com"], "owner": "ana"}]
    seeded.post("/v1/accounts/import", json=accounts)
    match = AccountIndex.match

    def match_failing_for_acme(index: AccountIndex, found: Lead) -> object:
        if found.fields.get("email_domain") == "acme.com":
            raise RuntimeError("index corrupted")
        return match(index, found)

    monkeypatch.setattr(AccountIndex, "match", match_failing_for_acme)
    (failed, _), (other, _) = intake(database, lead(1, email="jo@acme.com"), lead(2))
    assert (failed.kind, failed.queue, failed.fallback) == ("queue", "unrouted", True)
    assert other.owner in REPS  # the rest of the batch is routed as usual
