"""PATCH /v1/leads/{id} under a policy with `reroute:` triggers: the policy, not the built-in
rule, says which changes route a lead again; each re-route is a decision on the timeline with
its reason. On SQLite and PostgreSQL."""

from __future__ import annotations

from leadrouter.policies import service as policies

from .conftest import TUESDAY_3PM
from .factories import POLICY

REROUTE_POLICY = (
    POLICY.replace('"t1"', '"r1"')
    .replace(
        "rules:",
        """mql_threshold: 50
scoring:
  fit:
    - {when: employees >= 100, points: 60}
reroute:
  - id: became-mql
    when: mql and changed contains "mql"
    from: [queue]
  - id: moved-country
    when: changed contains "country"
    from: [owned]
rules:""",
    )
    .replace("when: employees >= 1000", 'when: employees >= 1000 and country == "DE"')
    .replace("when: email is present", "when: mql")
    .replace("route: queue unrouted", "route: queue deal_desk")
)


def _activate(database) -> None:
    with database.session() as session:
        policies.upload(session=session, text=REROUTE_POLICY, actor="test", now=TUESDAY_3PM)
        policies.activate(session=session, version="r1", actor="test", now=TUESDAY_3PM)


def _post(api, lead: dict) -> dict:
    answer = api.post("/v1/leads", json={"lead": lead})
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_reroute_policy__a_change_meeting_no_trigger_keeps_the_lead(seeded, database):
    _activate(database)
    first = _post(seeded, {"email": "jo@initech.com", "employees": 10})
    assert first["queue"] == "deal_desk"

    changed = seeded.patch(f"/v1/leads/{first['lead_id']}", json={"lead": {"title": "CTO"}})

    body = changed.json()
    assert body["rerouted"] is False and "meets no reroute trigger" in body["reason"]
    assert len(seeded.get(f"/v1/leads/{first['lead_id']}/decisions").json()) == 1


def test_reroute_policy__crossing_the_mql_threshold_routes_again_with_its_reason(seeded, database):
    _activate(database)
    first = _post(seeded, {"email": "jo@initech.com", "employees": 10})

    changed = seeded.patch(f"/v1/leads/{first['lead_id']}", json={"lead": {"employees": 500}})

    body = changed.json()
    assert body["rerouted"] is True and body["trigger"] == "became-mql", body
    assert body["decision"]["owner"] in ("ana", "bob", "carl")
    causes = [d["cause"] for d in seeded.get(f"/v1/leads/{first['lead_id']}/decisions").json()]
    assert causes == ["new", "change"]
    timeline = seeded.get(f"/v1/leads/{first['lead_id']}/timeline").json()
    again = [e for e in timeline if e["kind"] == "decision" and e["data"]["cause"] == "change"]
    assert len(again) == 1 and again[0]["data"]["trigger"] == "became-mql"
    assert "became-mql" in again[0]["data"]["reason"]


def test_reroute_policy__an_owned_untouched_lead_moves_when_a_trigger_names_owned(seeded, database):
    _activate(database)
    first = _post(seeded, {"email": "jo@initech.com", "employees": 500, "country": "US"})
    assert first["owner"]

    changed = seeded.patch(
        f"/v1/leads/{first['lead_id']}", json={"lead": {"country": "DE", "employees": 5000}}
    )

    body = changed.json()
    assert body["rerouted"] is True and body["trigger"] == "moved-country"
    assert body["decision"]["queue"] == "deal_desk" and body["decision"]["kind"] == "review"


def test_reroute_policy__a_touched_lead_never_moves(seeded, database):
    _activate(database)
    first = _post(seeded, {"email": "jo@initech.com", "employees": 500, "country": "US"})
    touch = seeded.post(f"/v1/leads/{first['lead_id']}/touches", json={"channel": "call"})
    assert touch.status_code == 201, touch.text

    changed = seeded.patch(f"/v1/leads/{first['lead_id']}", json={"lead": {"country": "DE"}})

    body = changed.json()
    assert body["rerouted"] is False and "touched by" in body["reason"]
    assert seeded.get(f"/v1/leads/{first['lead_id']}").json()["owner"] == first["owner"]
