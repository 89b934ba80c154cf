"""POST /v1/leads/{id}/stage: a stage change hands the lead to the next role by the policy's
`handoffs:` rules, keeping the SDR as its sdr owner, the chain on its timeline. On SQLite and
PostgreSQL."""

from __future__ import annotations

from leadrouter.policies import service as policies
from leadrouter.pools import service as pools
from leadrouter.pools.schemas import PoolCreate

from .conftest import TUESDAY_3PM
from .factories import POLICY

HANDOFF_POLICY = POLICY.replace('"t1"', '"h1"').replace(
    "rules:",
    """handoffs:
  - stage: meeting_booked
    from: sdr
    to: ae
    rules:
      - {id: ae-big, when: employees >= 500, route: rep carl, otherwise: pool ae}
      - {id: ae-any, route: pool ae}
rules:""",
)


def _activate(database) -> None:
    with database.session() as session:
        pools.create(
            session=session,
            pool_in=PoolCreate(id="ae", name="AEs", members=["carl"]),
            actor="test",
            now=TUESDAY_3PM,
        )
        policies.upload(session=session, text=HANDOFF_POLICY, actor="test", now=TUESDAY_3PM)
        policies.activate(session=session, version="h1", actor="test", now=TUESDAY_3PM)


def _sdr_lead(api) -> dict:
    answer = api.post("/v1/leads", json={"lead": {"email": "jo@initech.com", "employees": 50}})
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_stage__meeting_booked_hands_the_lead_to_an_ae_keeping_the_sdr(seeded, database):
    _activate(database)
    first = _sdr_lead(seeded)
    sdr = first["owner"]
    assert sdr in ("ana", "bob", "carl")

    answer = seeded.post(f"/v1/leads/{first['lead_id']}/stage", json={"stage": "Meeting Booked"})

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["stage"] == "meeting_booked" and body["decision"]["rule"] == "ae-any"
    assert body["owners"] == {"sdr": sdr, "ae": "carl"}
    lead = seeded.get(f"/v1/leads/{first['lead_id']}").json()
    assert lead["owner"] == "carl" and lead["owners"] == {"sdr": sdr, "ae": "carl"}
    timeline = seeded.get(f"/v1/leads/{first['lead_id']}/timeline").json()
    chain = [e["data"]["cause"] for e in timeline if e["kind"] == "decision"]
    assert chain == ["new", "handoff"]
    handoff = [e for e in timeline if e["kind"] == "decision"][-1]
    assert f"sdr {sdr} keeps the lead" in handoff["data"]["reason"]


def test_stage__a_second_handoff_on_the_same_stage_is_a_conflict(seeded, database):
    _activate(database)
    first = _sdr_lead(seeded)
    url = f"/v1/leads/{first['lead_id']}/stage"
    assert seeded.post(url, json={"stage": "meeting_booked"}).status_code == 200

    again = seeded.post(url, json={"stage": "meeting_booked"})

    assert again.status_code == 409 and "already" in again.text
    assert len(seeded.get(f"/v1/leads/{first['lead_id']}/decisions").json()) == 2


def test_stage__without_a_handoff_for_the_stage_is_a_conflict_saying_which_exist(seeded, database):
    _activate(database)
    first = _sdr_lead(seeded)

    answer = seeded.post(f"/v1/leads/{first['lead_id']}/stage", json={"stage": "qualified"})

    assert answer.status_code == 409 and "meeting_booked" in answer.text
