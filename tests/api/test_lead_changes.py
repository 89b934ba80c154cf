"""PATCH /v1/leads/{id}: a change re-routes a lead that waits in a queue (a new decision on its
timeline, with its reason) and never moves a lead a rep owns."""

from __future__ import annotations


def post(api, lead: dict) -> dict:
    answer = api.post("/v1/leads", json={"lead": lead})
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_change__reroutes_a_lead_waiting_in_a_queue(seeded):
    first = post(seeded, {"name": "Jo Park", "company": "Initech"})
    assert first["queue"] == "unrouted"

    answer = seeded.patch(
        f"/v1/leads/{first['lead_id']}", json={"lead": {"email": "jo@initech.com"}}
    )

    assert answer.status_code == 200, answer.text
    changed = answer.json()
    assert changed["rerouted"] is True and changed["decision"]["owner"] in ("ana", "bob", "carl")
    assert "waiting in queue unrouted" in changed["reason"]
    causes = [d["cause"] for d in seeded.get(f"/v1/leads/{first['lead_id']}/decisions").json()]
    assert causes == ["new", "change"]
    lead = seeded.get(f"/v1/leads/{first['lead_id']}").json()
    assert (
        lead["raw"]["email"] == "jo@initech.com" and lead["owner"] == changed["decision"]["owner"]
    )


def test_change__never_moves_an_owned_lead(seeded):
    first = post(seeded, {"email": "jo@initech.com"})
    assert first["owner"]

    answer = seeded.patch(f"/v1/leads/{first['lead_id']}", json={"lead": {"employees": 5000}})

    changed = answer.json()
    assert changed["rerouted"] is False and "keeps it" in changed["reason"]
    assert len(seeded.get(f"/v1/leads/{first['lead_id']}/decisions").json()) == 1
    assert seeded.get(f"/v1/leads/{first['lead_id']}").json()["raw"]["employees"] == 5000


def test_change__with_nothing_new_changes_nothing(seeded):
    first = post(seeded, {"name": "Jo Park"})

    changed = seeded.patch(f"/v1/leads/{first['lead_id']}", json={"lead": {"name": "Jo Park"}})

    assert changed.json() == {
        "lead_id": first["lead_id"],
        "rerouted": False,
        "reason": "nothing changed",
        "decision": None,
        "trigger": None,
    }


def test_change__of_an_unknown_lead_or_bad_field_is_a_4xx(seeded):
    assert seeded.patch("/v1/leads/nope", json={"lead": {"a": 1}}).status_code == 404
    first = post(seeded, {"name": "Jo Park"})
    bad = seeded.patch(f"/v1/leads/{first['lead_id']}", json={"lead": {"a": {"b": 1}}})
    assert bad.status_code == 422
