"""Managing reps, pools, queues, accounts and policies through the API, each change audited."""

from __future__ import annotations

from fastapi.testclient import TestClient

from .factories import POLICY, POLICY_V2, lead


def test_create_rep__is_listed_and_audited_with_the_key_name(api: TestClient) -> None:
    rep = {"id": "dana", "name": "Dana", "email": "dana@acme.example", "max_open": 10}
    assert api.post("/v1/reps", json=rep).status_code == 201
    assert [r["id"] for r in api.get("/v1/reps").json()] == ["dana"]
    change = api.get("/v1/audit", params={"entity": "rep"}).json()[0]
    assert (change["actor"], change["action"], change["entity_id"]) == ("admin", "create", "dana")
    assert change["before"] is None
    assert change["after"]["max_open"] == 10


def test_update_rep__records_before_and_after(seeded: TestClient) -> None:
    response = seeded.patch("/v1/reps/ana", json={"active": False, "max_per_day": 5})
    assert response.status_code == 200
    change = seeded.get("/v1/audit", params={"entity": "rep", "entity_id": "ana"}).json()[0]
    assert change["before"]["active"] is True
    assert (change["after"]["active"], change["after"]["max_per_day"]) == (False, 5)


def test_deactivated_rep__gets_no_more_leads(seeded: TestClient) -> None:
    seeded.patch("/v1/reps/ana", json={"active": False})
    owners = {seeded.post("/v1/leads", json=lead(n)).json()["owner"] for n in range(6)}
    assert owners == {"bob", "carl"}


def test_out_of_office_rep__is_skipped(seeded: TestClient) -> None:
    away = {"start": "2026-11-20T00:00:00Z", "end": "2026-11-30T00:00:00Z", "note": "vacation"}
    seeded.patch("/v1/reps/bob", json={"out_of_office": [away]})
    owners = {seeded.post("/v1/leads", json=lead(n)).json()["owner"] for n in range(6)}
    assert "bob" not in owners


def test_rep_with_bad_time_zone__is_422(api: TestClient) -> None:
    rep = {"id": "x", "name": "X", "email": "x@acme.example", "timezone": "Mars/Olympus"}
    response = api.post("/v1/reps", json=rep)
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "body.timezone"


def test_pool_with_unknown_member__is_422_naming_it(seeded: TestClient) -> None:
    pool = {"id": "p2", "name": "P2", "members": ["ana", "zed"]}
    response = seeded.post("/v1/pools", json=pool)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"path": "body.members[1]", "message": "unknown rep 'zed'"}
    ]


def test_duplicate_queue__is_409(seeded: TestClient) -> None:
    response = seeded.post("/v1/queues", json={"id": "unrouted", "name": "again"})
    assert response.status_code == 409


def test_account_import__json_creates_then_updates(seeded: TestClient) -> None:
    accounts = [{"id": "a1", "name": "Acme Corp", "domains": ["acme.com"], "owner": "ana"}]
    first = seeded.post("/v1/accounts/import", json=accounts).json()
    assert (first["created"], first["updated"]) == (1, 0)
    accounts[0]["owner"] = "bob"
    again = seeded.post("/v1/accounts/import", json=accounts).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 1, 0)
    assert seeded.get("/v1/accounts/a1").json()["owner"] == "bob"


def test_account_import__csv_is_read_like_the_cli_file(seeded: TestClient) -> None:
    csv = "id,name,domains,owner,type\na1,Acme Corp,acme.com,ana,customer\n"
    response = seeded.post(
        "/v1/accounts/import", content=csv.encode(), headers={"Content-Type": "text/csv"}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["created"] == 1
    assert seeded.get("/v1/accounts/a1").json()["type"] == "customer"


def test_account_import__bad_row_is_422_and_nothing_is_stored(seeded: TestClient) -> None:
    accounts = [{"id": "a1", "name": "Good"}, {"id": "a2", "name": ""}]
    response = seeded.post("/v1/accounts/import", json=accounts)
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "body[1].name"
    assert seeded.get("/v1/accounts").json() == []


def test_policy_upload__invalid_policy_is_422_with_positions(seeded: TestClient) -> None:
    bad = POLICY.replace('"t1"', '"t9"').replace("route: pool smb", "route: pool nowhere")
    response = seeded.post("/v1/policies", json={"text": bad})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "policy_invalid"
    error = body["errors"][0]
    assert error["line"] == bad.splitlines().index("    route: pool nowhere") + 1
    assert "nowhere" in error["message"]


def test_policy_versions__list_diff_activate_rollback(seeded: TestClient) -> None:
    assert seeded.post("/v1/policies", json={"text": POLICY_V2}).status_code == 201
    listed = {v["version"]: v["active"] for v in seeded.get("/v1/policies").json()}
    assert listed == {"t1": True, "t2": False}

    diff = seeded.get("/v1/policies/diff", params={"old": "t1", "new": "t2"}).json()["diff"]
    assert "-    route: review deal_desk" in diff
    assert "+    route: rep ana" in diff

    assert seeded.post("/v1/policies/t2/activate").json()["active"] is True
    assert seeded.post("/v1/leads", json=lead(1, employees="5000")).json()["owner"] == "ana"

    assert seeded.post("/v1/policies/rollback").json()["version"] == "t1"
    assert seeded.post("/v1/leads", json=lead(2, employees="5000")).json()["queue"] == "deal_desk"
    actions = [c["action"] for c in seeded.get("/v1/audit", params={"entity": "policy"}).json()]
    assert actions[:2] == ["activate", "activate"]


def test_policy_simulate__counts_moves_by_rule_and_target(seeded: TestClient) -> None:
    for n in range(3):
        seeded.post("/v1/leads", json=lead(n, employees="5000"))
    for n in range(3, 7):
        seeded.post("/v1/leads", json=lead(n))
    seeded.post("/v1/policies", json={"text": POLICY_V2})
    result = seeded.post("/v1/policies/t2/simulate", params={"last": 100}).json()
    assert (result["leads"], result["moved"], result["against"]) == (7, 3, "t1")
    assert result["by_rule"] == {"big": 3}
    assert result["moves"] == [{"from": "review:deal_desk", "to": "ana", "count": 3}]


def test_policy_simulate__finds_duplicates_among_the_replayed_leads(seeded: TestClient) -> None:
    # The same person twice: a candidate that sends duplicates to a queue moves the second.
    seeded.post("/v1/leads", json={"lead": {"email": "jo@tinyco.io", "country": "US"}})
    seeded.post("/v1/leads", json={"lead": {"email": "Jo+again@tinyco.io", "country": "US"}})
    sticky = POLICY.replace('"t1"', '"t3"').replace(
        "rules:\n", "rules:\n  - id: dupes\n    when: duplicate\n    route: queue unrouted\n"
    )
    assert seeded.post("/v1/policies", json={"text": sticky}).status_code == 201

    result = seeded.post("/v1/policies/t3/simulate", params={"last": 10}).json()

    assert (result["leads"], result["moved"], result["by_rule"]) == (2, 1, {"dupes": 1})


def test_openapi__is_served_with_every_router(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/leads", "/v1/reps", "/v1/policies/{version}/simulate", "/v1/audit"} <= set(paths)
    assert client.get("/docs").status_code == 200


def test_policy_upload__invalid_sla_section_is_422_with_positions(seeded: TestClient) -> None:
    bad = POLICY_V2 + "sla:\n  - id: standard\n    first_touch: 5m\n    escalation:\n"
    bad += "      - {after: 10m, do: reassign nobody}\n"
    response = seeded.post("/v1/policies", json={"text": bad})
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["line"] == len(bad.splitlines())
    assert "nobody" in error["message"]
    assert [v["version"] for v in seeded.get("/v1/policies").json()] == ["t1"]


# Activation runs the policy's own tests (issue 14, item 9).

FAILING = (
    POLICY.replace('"t1"', '"t9"')
    + """\
tests:
  - name: big companies go to the deal desk
    lead: {email: a@big.example, employees: "5000"}
    at: "2026-11-24T15:00:00Z"
    expect: {rule: big, queue: deal_desk}
  - name: small companies go to the deal desk too (wrong)
    lead: {email: b@small.example, employees: "10"}
    at: "2026-11-24T15:00:00Z"
    expect: {queue: deal_desk}
"""
)


def test_activate__policy_whose_tests_fail__is_409_listing_the_failures(
    seeded: TestClient,
) -> None:
    assert seeded.post("/v1/policies", json={"text": FAILING}).status_code == 201
    response = seeded.post("/v1/policies/t9/activate")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "policy_tests_failed"
    assert [e["path"] for e in body["errors"]] == [
        "tests[small companies go to the deal desk too (wrong)]"
    ]
    assert "expected queue 'deal_desk'" in body["errors"][0]["message"]
    assert seeded.get("/v1/policies/t1").json()["active"] is True


def test_activate__forced__activates_and_the_audit_log_says_so(seeded: TestClient) -> None:
    seeded.post("/v1/policies", json={"text": FAILING})
    response = seeded.post("/v1/policies/t9/activate", params={"force": "true"})
    assert response.status_code == 200
    assert response.json()["active"] is True
    change = seeded.get("/v1/audit", params={"entity": "policy", "entity_id": "t9"}).json()[0]
    assert change["action"] == "activate"
    assert change["after"]["forced"] is True
    assert len(change["after"]["failing_tests"]) == 1


def test_activate__policy_whose_tests_pass__is_not_marked_forced(seeded: TestClient) -> None:
    passing = FAILING.replace("expect: {queue: deal_desk}", "expect: {queue: unrouted}")
    seeded.post("/v1/policies", json={"text": passing})
    assert seeded.post("/v1/policies/t9/activate").status_code == 200
    change = seeded.get("/v1/audit", params={"entity": "policy", "entity_id": "t9"}).json()[0]
    assert "forced" not in change["after"]
