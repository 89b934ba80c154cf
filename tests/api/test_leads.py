"""POST /v1/leads and the lead's life after it: decisions, idempotency, reroute, touches,
outcome. Every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from leadrouter.leads import intake, placement
from leadrouter.leads.models import DecisionRow, LeadRow
from leadrouter.leads.schemas import LeadCreate
from leadrouter.reps.models import RepLoadRow
from leadrouter.store import Database

from .conftest import TUESDAY_3PM, FakeClock
from .factories import REPS, lead, seed


def count(database: Database, model: type) -> int:
    with database.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_post_lead__answers_with_owner_rule_and_trace_id(seeded: TestClient) -> None:
    response = seeded.post("/v1/leads", json=lead(1))
    assert response.status_code == 201
    body = response.json()
    assert body["kind"] == "rep"
    assert body["owner"] in REPS
    assert body["pool"] == "smb"
    assert body["rule"] == "smb"
    assert body["policy_version"] == "t1"
    assert body["decision_id"] > 0
    assert body["explanation"][0].startswith("Assigned to rep")
    assert response.headers["Location"] == f"/v1/leads/{body['lead_id']}"


def test_post_lead__round_robin_gives_each_rep_a_turn(seeded: TestClient) -> None:
    owners = [seeded.post("/v1/leads", json=lead(n)).json()["owner"] for n in range(9)]
    assert Counter(owners) == {rep: 3 for rep in REPS}
    assert owners[:3] == owners[3:6] == owners[6:]


def test_post_lead__big_company_goes_to_review_queue(seeded: TestClient) -> None:
    body = seeded.post("/v1/leads", json=lead(1, employees="5000")).json()
    assert (body["kind"], body["queue"], body["rule"]) == ("review", "deal_desk", "big")


def test_post_lead__same_idempotency_key_never_creates_a_second_lead(
    seeded: TestClient, database: Database
) -> None:
    headers = {"Idempotency-Key": "form-123"}
    first = seeded.post("/v1/leads", json=lead(1), headers=headers)
    again = seeded.post("/v1/leads", json=lead(1), headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["lead_id"] == first.json()["lead_id"]
    assert again.json()["decision_id"] == first.json()["decision_id"]
    assert count(database, LeadRow) == 1
    assert count(database, DecisionRow) == 1


def test_post_lead__same_key_with_other_payload_is_a_conflict(seeded: TestClient) -> None:
    headers = {"Idempotency-Key": "form-123"}
    seeded.post("/v1/leads", json=lead(1), headers=headers)
    response = seeded.post("/v1/leads", json=lead(2), headers=headers)
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


def test_post_lead__external_id_makes_retries_safe(seeded: TestClient, database: Database) -> None:
    body = lead(1) | {"external_id": "crm-42"}
    first = seeded.post("/v1/leads", json=body).json()
    again = seeded.post("/v1/leads", json=body).json()
    assert again["lead_id"] == first["lead_id"]
    assert count(database, LeadRow) == 1


def test_post_lead__raw_payload_is_stored_and_readable(seeded: TestClient) -> None:
    body = lead(1, country="Deutschland", custom_thing="kept as sent")
    lead_id = seeded.post("/v1/leads", json=body).json()["lead_id"]
    stored = seeded.get(f"/v1/leads/{lead_id}").json()
    assert stored["raw"] == body["lead"]
    assert stored["status"] == "routed"


def test_post_lead__stored_but_unrouted_lead_is_routed_by_its_retry(
    seeded: TestClient, database: Database, clock: FakeClock
) -> None:
    # As after a crash between storing and routing: the lead exists, with no decision.
    ((stored, _),) = intake.store(
        db=database, intakes=[intake.Intake(LeadCreate.model_validate(lead(1)), "k", clock.now())]
    )
    lead_id = stored.id
    assert seeded.get(f"/v1/leads/{lead_id}").json()["status"] == "received"
    response = seeded.post("/v1/leads", json=lead(1), headers={"Idempotency-Key": "k"})
    assert response.status_code == 200
    assert response.json()["owner"] in REPS
    assert count(database, DecisionRow) == 1


def test_get_decision__explains_why_the_lead_went_there(seeded: TestClient) -> None:
    lead_id = seeded.post("/v1/leads", json=lead(1)).json()["lead_id"]
    decision = seeded.get(f"/v1/leads/{lead_id}/decision").json()
    assert decision["cause"] == "new"
    assert [r["rule"] for r in decision["trace"]["rules"]] == ["big", "smb"]
    assert any("rule 'big': no" in line for line in decision["explanation"])


def test_get_lead__unknown_id_is_404_in_the_error_shape(seeded: TestClient) -> None:
    response = seeded.get("/v1/leads/nope")
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "lead 'nope' not found",
        "errors": [],
    }


def test_reroute__appends_a_decision_and_moves_the_open_count(
    seeded: TestClient, database: Database
) -> None:
    first = seeded.post("/v1/leads", json=lead(1)).json()
    again = seeded.post(f"/v1/leads/{first['lead_id']}/reroute").json()
    assert again["owner"] != first["owner"]  # round-robin moved on
    history = seeded.get(f"/v1/leads/{first['lead_id']}/decisions").json()
    assert [d["cause"] for d in history] == ["new", "reroute"]
    with database.read() as session:
        loads = {r.rep_id: r.open for r in session.scalars(select(RepLoadRow))}
    assert loads[first["owner"]] == 0
    assert loads[again["owner"]] == 1


def test_touch__first_touch_time_is_kept(seeded: TestClient, clock: FakeClock) -> None:
    lead_id = seeded.post("/v1/leads", json=lead(1)).json()["lead_id"]
    clock.advance(timedelta(minutes=7))
    touch = seeded.post(f"/v1/leads/{lead_id}/touches", json={"channel": "call"})
    assert touch.status_code == 201
    clock.advance(timedelta(hours=1))
    seeded.post(f"/v1/leads/{lead_id}/touches", json={"channel": "email", "note": "sent deck"})
    stored = seeded.get(f"/v1/leads/{lead_id}").json()
    assert stored["first_touch_at"] == "2026-11-24T15:07:00Z"
    assert touch.json()["rep"] == stored["owner"]


def test_outcome__won_with_amount_closes_the_lead(seeded: TestClient, database: Database) -> None:
    body = seeded.post("/v1/leads", json=lead(1)).json()
    response = seeded.post(
        f"/v1/leads/{body['lead_id']}/outcome", json={"outcome": "won", "amount": 12000}
    )
    assert response.status_code == 200
    assert (response.json()["outcome"], response.json()["amount"]) == ("won", 12000)
    with database.read() as session:
        assert session.get(RepLoadRow, body["owner"]).open == 0


def test_outcome__unknown_outcome_is_422_naming_the_field(seeded: TestClient) -> None:
    lead_id = seeded.post("/v1/leads", json=lead(1)).json()["lead_id"]
    response = seeded.post(f"/v1/leads/{lead_id}/outcome", json={"outcome": "maybe"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "body.outcome"


def test_post_lead__without_active_policy_is_held_visibly_and_routed_on_activation(
    api: TestClient, database: Database
) -> None:
    with database.session() as session:
        seed(session, TUESDAY_3PM, activate=False)
    first = api.post("/v1/leads", json=lead(1), headers={"Idempotency-Key": "k1"})
    second = api.post("/v1/leads", json=lead(2))
    again = api.post("/v1/leads", json=lead(1), headers={"Idempotency-Key": "k1"})

    assert [r.status_code for r in (first, second, again)] == [202, 202, 202]
    held = first.json()
    assert held["status"] == "received" and "no active policy" in held["message"]
    assert again.json()["lead_id"] == held["lead_id"]
    waiting = api.get("/v1/leads/waiting").json()
    assert {w["lead_id"] for w in waiting} == {held["lead_id"], second.json()["lead_id"]}

    assert api.post("/v1/policies/t1/activate").status_code == 200
    for response in (first, second):
        stored = api.get(f"/v1/leads/{response.json()['lead_id']}").json()
        assert (stored["status"], stored["owner"] in REPS) == ("routed", True)
    assert api.get("/v1/leads/waiting").json() == []
    assert (
        api.post("/v1/leads", json=lead(1), headers={"Idempotency-Key": "k1"}).json()["owner"]
        in REPS
    )


def open_leads(database: Database) -> dict[str, int]:
    with database.read() as session:
        return {r.rep_id: r.open for r in session.scalars(select(RepLoadRow))}


def test_assign__moves_the_lead_and_its_open_count_to_the_new_rep(
    seeded: TestClient, database: Database, clock: FakeClock
) -> None:
    first = seeded.post("/v1/leads", json=lead(1)).json()
    other = next(r for r in REPS if r != first["owner"])
    with database.session() as session:
        placement.assign(
            session=session,
            lead_id=first["lead_id"],
            rep=other,
            queue=None,
            now=clock.now(),
            cause="sla",
        )
    assert seeded.get(f"/v1/leads/{first['lead_id']}").json()["owner"] == other
    loads = open_leads(database)
    assert (loads[first["owner"]], loads[other]) == (0, 1)
    change = seeded.get("/v1/audit", params={"entity": "lead"}).json()[0]
    assert (change["actor"], change["before"]["owner"]) == ("sla", first["owner"])


def test_assign__to_a_queue_frees_the_owner_and_keeps_the_decisions(
    seeded: TestClient, database: Database, clock: FakeClock
) -> None:
    first = seeded.post("/v1/leads", json=lead(1)).json()
    with database.session() as session:
        placement.assign(
            session=session,
            lead_id=first["lead_id"],
            rep=None,
            queue="unrouted",
            now=clock.now(),
            cause="sla",
        )
    stored = seeded.get(f"/v1/leads/{first['lead_id']}").json()
    assert (stored["kind"], stored["owner"], stored["queue"]) == ("queue", None, "unrouted")
    assert open_leads(database)[first["owner"]] == 0
    assert count(database, DecisionRow) == 1


def test_assign__a_closed_lead_changes_no_open_count(
    seeded: TestClient, database: Database, clock: FakeClock
) -> None:
    first = seeded.post("/v1/leads", json=lead(1)).json()
    seeded.post(f"/v1/leads/{first['lead_id']}/outcome", json={"outcome": "lost"})
    other = next(r for r in REPS if r != first["owner"])
    with database.session() as session:
        placement.assign(
            session=session,
            lead_id=first["lead_id"],
            rep=other,
            queue=None,
            now=clock.now(),
            cause="sla",
        )
    assert set(open_leads(database).values()) == {0}


def test_post_lead__retry_of_a_routed_lead_answers_its_decision_without_routing_again(
    seeded: TestClient, database: Database
) -> None:
    first = seeded.post("/v1/leads", json=lead(1), headers={"Idempotency-Key": "k"})
    again = seeded.post("/v1/leads", json=lead(1), headers={"Idempotency-Key": "k"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["decision_id"] == first.json()["decision_id"]
    assert sum(open_leads(database).values()) == 1
