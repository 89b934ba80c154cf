"""Distribution through the service, on SQLite and PostgreSQL: rep attributes set over the API,
least-recently-assigned order and calibration baselines that survive between requests (stored
with the pool's rotation row), and the split between teams recorded on each lead."""

from __future__ import annotations

from collections import Counter

from fastapi.testclient import TestClient

from .factories import lead

TEAM_REPS = (
    ("ana", ["en", "de"]),
    ("bob", ["en"]),
    ("cat", ["en", "fr"]),
)

POLICY = """\
version: "d1"
fallback_queue: unrouted
distribution:
  seed: 3
  pools:
    inbound:
      eligible: rep.languages contains language or rep.region == country
      otherwise_eligible: everyone
  splits:
    world: {emea: 75, amer: 90}
rules:
  - id: split
    when: source == "split"
    route: split world
  - id: inbound
    when: email is present
    route: pool inbound
  - id: catch-all
    route: queue unrouted
"""


def _setup(api: TestClient) -> None:
    for rep_id, languages in TEAM_REPS:
        body = {
            "id": rep_id,
            "name": rep_id.title(),
            "email": f"{rep_id}@acme.example",
            "languages": languages,
            "attributes": {"region": "ES"} if rep_id == "bob" else {},
        }
        assert api.post("/v1/reps", json=body).status_code == 201
    assert (
        api.post(
            "/v1/queues", json={"id": "unrouted", "name": "Unrouted", "fallback": True}
        ).status_code
        == 201
    )
    for pool_id, members, strategy in (
        ("inbound", ["ana", "bob", "cat"], "least_recently_assigned"),
        ("emea", ["ana", "cat"], "round_robin"),
        ("amer", ["bob"], "round_robin"),
    ):
        body = {"id": pool_id, "name": pool_id, "members": members, "strategy": strategy}
        answer = api.post("/v1/pools", json=body)
        assert answer.status_code == 201, answer.text
    assert api.post("/v1/policies", json={"text": POLICY}).status_code == 201
    assert api.post("/v1/policies/d1/activate").status_code == 200


def _owner(api: TestClient, n: int, **fields: str) -> str:
    answer = api.post("/v1/leads", json=lead(n, **fields))
    assert answer.status_code == 201, answer.text
    return answer.json()["owner"]


def test_distribution__rep_attributes_least_recent_and_calibration_hold_across_requests(
    api: TestClient,
) -> None:
    _setup(api)
    # Eligibility reads the rep's languages and the region set over the API.
    assert _owner(api, 1, language="de") == "ana"
    assert _owner(api, 2, country="Spain") == "bob"
    # Least recently assigned: cat was never assigned, then ana (lead 1), then bob (lead 2).
    assert [_owner(api, n) for n in range(3, 9)] == ["cat", "ana", "bob", "cat", "ana", "bob"]
    # A newcomer is calibrated to the others' average: one lead per round, not every lead.
    members = {"members": ["ana", "bob", "cat", "dan"]}
    body = {"id": "dan", "name": "Dan", "email": "dan@acme.example", "languages": ["en"]}
    assert api.post("/v1/reps", json=body).status_code == 201
    assert api.patch("/v1/pools/inbound", json=members).status_code == 200
    answer = api.post("/v1/leads", json=lead(9))
    assert answer.json()["owner"] == "dan"
    trace = api.get(f"/v1/leads/{answer.json()['lead_id']}/decision").json()
    assert "CALIBRATED" in str(trace)
    owners = Counter(_owner(api, n) for n in range(10, 22))
    assert owners == {"ana": 3, "bob": 3, "cat": 3, "dan": 3}
    # The fair-share figures: dan started at the others' average of the 8 leads before him.
    shares = {s["rep"]: s for s in api.get("/v1/pools/inbound").json()["fair_shares"]}
    assert shares["dan"]["received"] == 4 and shares["dan"]["calibration"] == 3
    counts = [s["fair_share_count"] for s in shares.values()]
    assert all(abs(count - sum(counts) / len(counts)) <= 1 for count in counts)


def test_distribution__a_split_between_teams_follows_capacities_and_records_the_team(
    api: TestClient,
) -> None:
    _setup(api)
    pools = Counter()
    for n in range(165):
        answer = api.post("/v1/leads", json=lead(n, source="split"))
        got = api.get(f"/v1/leads/{answer.json()['lead_id']}").json()
        pools[got["pool"]] += 1
    assert pools == {"emea": 75, "amer": 90}
