"""A/B tests of live routing through the API, on SQLite and PostgreSQL: leads split by arm at the
set share, each decision recording its arm, a duplicate staying in its arm, the per-arm report,
and the guard rail stopping an arm that breaches its SLAs."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from .conftest import FakeClock
from .factories import POLICY_V2, lead

# Big companies: arm a (t1) reviews them at the deal desk, arm b (t2) gives them to Ana.
BIG = {"employees": "5000"}


def _start(client: TestClient, **extra) -> dict:
    assert client.post("/v1/policies", json={"text": POLICY_V2}).status_code == 201
    answer = client.post(
        "/v1/abtests",
        json={"id": "big-to-ana", "version_a": "t1", "version_b": "t2", "share_b": 0.5, **extra},
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_abtest__splits_leads_by_arm_and_each_decision_records_its_arm(
    seeded: TestClient, clock: FakeClock
):
    _start(seeded)
    arms = {}
    for n in range(60):
        clock.advance(timedelta(minutes=1))
        body = seeded.post("/v1/leads", json=lead(n, **BIG)).json()
        decision = seeded.get(f"/v1/leads/{body['lead_id']}/decision").json()
        chance = decision["propensity"]
        assert chance["experiment"] == "big-to-ana" and chance["probability"] == 0.5
        assert decision["policy_version"] == {"a": "t1", "b": "t2"}[chance["arm"]]
        assert (decision["owner"] == "ana") == (chance["arm"] == "b")
        arms[n] = chance["arm"]
    assert 15 < sum(arm == "b" for arm in arms.values()) < 45

    # The same person again, written another way: the same arm.
    clock.advance(timedelta(minutes=1))
    again = lead(7, **BIG)
    again["lead"]["email"] = again["lead"]["email"].upper()
    body = seeded.post("/v1/leads", json=again).json()
    assert (
        seeded.get(f"/v1/leads/{body['lead_id']}/decision").json()["propensity"]["arm"] == arms[7]
    )

    report = seeded.get("/v1/abtests/big-to-ana/report").json()
    assert sum(arm["leads"] for arm in report["arms"]) == 61
    assert {r["metric"] for r in report["rates"]} == {"sla_met", "qualified", "won"}


def test_abtest__guard_rail_stops_the_arm_that_breaches_and_the_other_takes_every_lead(
    seeded: TestClient, clock: FakeClock
):
    _start(seeded, guard_margin=0.2)
    for n in range(80):
        clock.advance(timedelta(minutes=1))
        body = seeded.post("/v1/leads", json=lead(n, **BIG)).json()
        if body["policy_version"] == "t1":  # arm a's leads are called at once, arm b's never
            seeded.post(f"/v1/leads/{body['lead_id']}/touches", json={"channel": "call"})
    clock.advance(timedelta(hours=1))

    verdict = seeded.post("/v1/abtests/big-to-ana/guard").json()

    assert verdict["guard"]["stop_arm"] == "b"
    assert verdict["test"]["stopped_arm"] == "b"
    assert "guard rail" in verdict["test"]["stop_reason"]
    rates = {r["metric"]: r for r in verdict["rates"]}
    assert rates["sla_met"]["p_value"] < 0.001
    versions = set()
    for n in range(100, 120):
        clock.advance(timedelta(minutes=1))
        versions.add(seeded.post("/v1/leads", json=lead(n, **BIG)).json()["policy_version"])
    assert versions == {"t1"}


def test_abtest__a_second_test_while_one_runs_is_a_conflict_and_stop_ends_it(
    seeded: TestClient, clock: FakeClock
):
    _start(seeded)
    again = {"id": "other", "version_a": "t1", "version_b": "t2"}
    assert seeded.post("/v1/abtests", json=again).status_code == 409
    stopped = seeded.post("/v1/abtests/big-to-ana/stop", json={"reason": "done"}).json()
    assert stopped["stopped_at"] is not None
    clock.advance(timedelta(minutes=1))
    assert seeded.post("/v1/leads", json=lead(1, **BIG)).json()["policy_version"] == "t1"
    assert seeded.post("/v1/abtests", json=again).status_code == 201
    assert [t["id"] for t in seeded.get("/v1/abtests").json()] == ["other", "big-to-ana"]


def test_abtest__of_a_version_not_stored_is_refused(seeded: TestClient):
    answer = seeded.post("/v1/abtests", json={"id": "x", "version_a": "t1", "version_b": "nope"})
    assert answer.status_code in (404, 409)


def _selected(decision: dict) -> str:
    """How the pool picked the rep, as its trace words it."""
    (chosen,) = (c for c in decision["trace"]["reps"] if c["reason"] == "REP_SELECTED")
    return chosen["detail"]


def test_abtest__of_two_strategies_of_one_pool_splits_one_policy_version_by_arm(
    seeded: TestClient, clock: FakeClock
):
    answer = seeded.post(
        "/v1/abtests",
        json={
            "id": "smb-strategy",
            "version_a": "t1",
            "pool": "smb",
            "strategy_a": "round_robin",
            "strategy_b": "load_balanced",
            "share_b": 0.5,
        },
    )
    assert answer.status_code == 201, answer.text
    test = answer.json()
    assert (test["version_b"], test["pool"], test["strategy_b"]) == ("t1", "smb", "load_balanced")

    arms = {}
    for n in range(40):
        clock.advance(timedelta(minutes=1))
        body = seeded.post("/v1/leads", json=lead(n)).json()
        decision = seeded.get(f"/v1/leads/{body['lead_id']}/decision").json()
        chance = decision["propensity"]
        assert chance["experiment"] == "smb-strategy" and decision["policy_version"] == "t1"
        # Each arm's pick is its strategy's: load-balanced names the lowest load.
        assert ("lowest load" in _selected(decision)) == (chance["arm"] == "b")
        arms[n] = chance["arm"]
    assert 8 < sum(arm == "b" for arm in arms.values()) < 32

    report = seeded.get("/v1/abtests/smb-strategy/report").json()
    assert {a["arm"]: (a["strategy"], a["leads"]) for a in report["arms"]} == {
        "a": ("round_robin", sum(arm == "a" for arm in arms.values())),
        "b": ("load_balanced", sum(arm == "b" for arm in arms.values())),
    }


def test_abtest__of_strategies_refuses_an_unknown_pool_or_strategy_and_equal_arms(
    seeded: TestClient,
):
    def start(**body) -> int:
        test = {"id": "s", "version_a": "t1", "strategy_a": "round_robin", **body}
        return seeded.post("/v1/abtests", json=test).status_code

    assert start(pool="nope", strategy_b="weighted") == 422
    assert start(pool="smb", strategy_b="fastest") == 422
    assert start(pool="smb", strategy_b="round_robin") == 409
    assert seeded.get("/v1/abtests").json() == []


def test_abtest__of_strategies_routes_both_arms_with_the_team_as_it_changes(
    seeded: TestClient, clock: FakeClock
):
    test = {"id": "s", "version_a": "t1", "pool": "smb", "strategy_b": "load_balanced"}
    assert seeded.post("/v1/abtests", json={**test, "strategy_a": "round_robin"}).status_code == 201
    for n in range(6):  # the service holds the split, its arms' teams with it
        clock.advance(timedelta(minutes=1))
        seeded.post("/v1/leads", json=lead(n)).raise_for_status()
    seeded.patch("/v1/reps/ana", json={"active": False}).raise_for_status()

    owners, arms = set(), set()
    for n in range(6, 26):
        clock.advance(timedelta(minutes=1))
        body = seeded.post("/v1/leads", json=lead(n)).json()
        decision = seeded.get(f"/v1/leads/{body['lead_id']}/decision").json()
        owners.add(decision["owner"])
        arms.add(decision["propensity"]["arm"])
    assert arms == {"a", "b"} and owners == {"bob", "carl"}
