"""Property: no sequence of configuration calls the API accepts can make a lead come back with
neither an owner nor a queue. Calls the API refuses (a 4xx) change nothing and are part of the
sequence too, as an operator would send them."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from .factories import REPS, lead

REP_IDS = [*REPS, "dana", "ghost"]
TARGETS = [None, "unrouted", "deal_desk", "smb", "p2", "ghost"]

Call = tuple[str, str, dict[str, Any]]

pool_fields = st.fixed_dictionaries(
    {},
    optional={
        "members": st.lists(st.sampled_from(REP_IDS), min_size=1, max_size=4, unique=True),
        "strategy": st.sampled_from(["round_robin", "weighted", "load_balanced"]),
        "when_full": st.sampled_from(["queue", "pool", "least_loaded"]),
        "when_full_target": st.sampled_from(TARGETS),
        "respect_working_hours": st.booleans(),
    },
)
rep_fields = st.fixed_dictionaries(
    {},
    optional={
        "active": st.booleans(),
        "max_open": st.sampled_from([None, 0, 1]),
        "max_per_day": st.sampled_from([None, 0]),
        "working_hours": st.sampled_from([None, []]),
    },
)
calls = st.one_of(
    st.tuples(st.just("PATCH"), st.sampled_from(["/v1/pools/smb", "/v1/pools/p2"]), pool_fields),
    st.tuples(st.just("POST"), st.just("/v1/pools"), pool_fields.map(lambda f: f | {"id": "p2"})),
    st.tuples(st.just("PATCH"), st.sampled_from([f"/v1/reps/{r}" for r in REPS]), rep_fields),
    st.tuples(
        st.just("POST"),
        st.just("/v1/reps"),
        rep_fields.map(lambda f: f | {"id": "dana", "name": "Dana", "email": "d@acme.example"}),
    ),
    st.tuples(
        st.just("PATCH"),
        st.sampled_from(["/v1/queues/unrouted", "/v1/queues/deal_desk"]),
        st.fixed_dictionaries({"fallback": st.booleans()}),
    ),
)

# The sequence that lost leads before PATCH was validated like create: every rep full, and the
# pool told to overflow into a queue it does not name.
FULL_AND_NOWHERE: list[Call] = [
    *[("PATCH", f"/v1/reps/{r}", {"max_open": 0}) for r in REPS],
    ("PATCH", "/v1/pools/smb", {"when_full": "queue"}),
]


def test_config_calls__never_leave_a_lead_without_owner_or_queue(seeded: TestClient) -> None:
    numbers = iter(range(10**6))

    @given(sequence=st.lists(calls, min_size=1, max_size=6))
    @example(sequence=FULL_AND_NOWHERE)
    @settings(
        max_examples=25,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],  # one database for all: no replays
        suppress_health_check=list(HealthCheck),
    )
    def check(sequence: list[Call]) -> None:
        for method, url, body in sequence:
            status = seeded.request(method, url, json=body).status_code
            assert status < 500, (method, url, body, status)
        for fields in ({}, {"employees": "5000"}):
            response = seeded.post("/v1/leads", json=lead(next(numbers), **fields))
            assert response.status_code == 201, response.text
            decision = response.json()
            assert decision["owner"] or decision["queue"], (sequence, decision)

    check()
