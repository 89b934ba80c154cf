"""POST /v1/policies/<v>/backtest and POST /v1/whatif over stored leads, on SQLite and
PostgreSQL: the active version against itself changes nothing; a version that changes one rule
moves exactly that rule's leads; a rep away hands their leads to the rest of the pool."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from .conftest import FakeClock
from .factories import POLICY_V2, lead

LEADS = 36


def _send(client: TestClient, clock: FakeClock) -> list[dict]:
    answers = []
    for n in range(LEADS):
        clock.advance(timedelta(minutes=3))
        body = lead(n, employees="5000") if n % 4 == 0 else lead(n)
        answer = client.post("/v1/leads", json=body)
        assert answer.status_code == 201, answer.text
        answers.append(answer.json())
    for answer in answers[1::3]:  # touched 90 s after arrival, by whoever had it
        clock.advance(timedelta(seconds=1))
        client.post(f"/v1/leads/{answer['lead_id']}/touches", json={"channel": "call"})
    return answers


def test_backtest__of_the_active_version_reports_no_change(seeded: TestClient, clock: FakeClock):
    _send(seeded, clock)

    answer = seeded.post("/v1/policies/t1/backtest", json={"since": "7d"})

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["leads"], body["changed"], body["reshuffled"]) == (LEADS, 0, 0)
    assert body["speed"]["recorded"]["touched"] == LEADS // 3
    assert body["tests"] == {"passed": 0, "failed": []}
    smb = next(p for p in body["candidate"]["pools"] if p["pool"] == "smb")
    assert sum(m["leads"] for m in smb["members"]) == smb["leads"] == LEADS - LEADS // 4


def test_backtest__of_a_version_changing_one_rule_moves_exactly_its_leads(
    seeded: TestClient, clock: FakeClock
):
    answers = _send(seeded, clock)
    assert seeded.post("/v1/policies", json={"text": POLICY_V2}).status_code == 201

    body = seeded.post("/v1/policies/t2/backtest", json={"since": "7d", "examples": 50}).json()

    big = {a["lead_id"] for a in answers if a["rule"] == "big"}
    (change,) = body["changes"]
    assert (change["from_rule"], change["to_rule"], change["count"]) == ("big", "big", len(big))
    assert {e["lead_id"] for e in change["examples"]} == big
    assert body["moves"] == [{"from": "review:deal_desk", "to": "ana", "count": len(big)}]
    assert body["changed"] == len(big) and body["reshuffled"] == 0
    assert {r["rep"]: r["delta"] for r in body["absorbed"]} == {"ana": len(big)}


def test_backtest__of_the_last_leads_only(seeded: TestClient, clock: FakeClock):
    _send(seeded, clock)
    body = seeded.post("/v1/policies/t1/backtest", json={"last": 10}).json()
    assert body["leads"] == 10


def test_whatif__a_rep_away_hands_their_leads_to_the_rest_of_the_pool(
    seeded: TestClient, clock: FakeClock
):
    _send(seeded, clock)

    answer = seeded.post(
        "/v1/whatif", json={"changes": ["ooo ana 2026-11-01..2026-12-31"], "since": "7d"}
    )

    assert answer.status_code == 200, answer.text
    body = answer.json()
    absorbed = {r["rep"]: (r["before"], r["after"]) for r in body["absorbed"]}
    assert absorbed["ana"][1] == 0 and absorbed["ana"][0] > 0
    assert sum(after - before for before, after in absorbed.values()) == 0
    assert body["changes_applied"] == ["ooo ana 2026-11-01..2026-12-31"]


def test_whatif__a_change_that_cannot_apply_is_refused_with_its_reason(seeded: TestClient):
    answer = seeded.post("/v1/whatif", json={"changes": ["ooo nobody 2026-11-01..2026-11-02"]})
    assert answer.status_code == 422
    assert "no rep 'nobody'" in answer.text


def test_backtest__of_a_version_not_stored_is_a_conflict(seeded: TestClient):
    assert seeded.post("/v1/policies/nope/backtest").status_code in (404, 409)


def test_simulate__counts_rotation_reshuffles_apart_from_moved_leads(
    seeded: TestClient, clock: FakeClock
):
    answers = _send(seeded, clock)
    to_pool = POLICY_V2.replace('"t2"', '"t3"').replace("rep ana", "pool smb")
    assert seeded.post("/v1/policies", json={"text": to_pool}).status_code == 201

    body = seeded.post("/v1/policies/t3/simulate?last=100").json()

    big = [a for a in answers if a["rule"] == "big"]
    assert body["moved"] == len(big) and body["by_rule"] == {"big": len(big)}
    assert body["reshuffled"] > 0  # the pool's turn moved for the leads after each big one
