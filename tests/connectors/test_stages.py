"""A stage change arriving from the CRM hands the lead off: a HubSpot `lifecyclestage` change, a
Salesforce Lead's `Status` in a callout or a poll, mapped by crm.yaml's `stages:` to the policy's
hand-off stage; a CRM retry changes nothing; the chain is on the timeline. On SQLite and
PostgreSQL (the `database` fixture)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from leadrouter.audit.models import AuditRow
from leadrouter.connectors.salesforce.poll import poll_once
from leadrouter.errors import PolicyError
from leadrouter.model import Team
from leadrouter.policies.snapshot import ConfigCache
from leadrouter.policy.crm import Crm, CrmConfig, check_crm, parse_crm

from ..api.test_lead_handoffs import _activate
from .conftest import CRM_YAML, SALESFORCE_SECRET, add_contact, add_lead, signed_post
from .crm_servers import fixture

STAGES = """\
  stages:
    salesqualifiedlead: meeting_booked
    opportunity: meeting_booked
"""
SF_STAGES = """\
  stages:
    Qualified: meeting_booked
"""
CALLOUT = "/connectors/salesforce/leads"
HEADERS = {"X-Leadrouter-Secret": SALESFORCE_SECRET}


def _with_stages(text: str) -> str:
    hubspot, salesforce = text.split("salesforce:\n")
    return hubspot + STAGES + "salesforce:\n" + salesforce + SF_STAGES


@pytest.fixture
def crm_config() -> CrmConfig:
    return parse_crm(_with_stages(CRM_YAML), "crm.yaml")


def _stage_event(contact: int, value: str, event_id: int = 7) -> list[dict]:
    event = fixture("hubspot_owner_change.json")[0]
    return [
        event
        | {"eventId": event_id, "objectId": contact}
        | {"propertyName": "lifecyclestage", "propertyValue": value}
    ]


def _hubspot_lead(api, server, clock) -> dict:
    add_contact(server, "512")
    answer = signed_post(api, fixture("hubspot_contact_creation.json"), now=clock)
    (result,) = answer.json()["results"]
    assert result["decision"]["owner"], result
    return result


def test_hubspot_lifecyclestage_change__hands_the_lead_off_once(
    crm_api, hubspot_server, clock, database
):
    _activate(database)
    lead = _hubspot_lead(crm_api, hubspot_server, clock)
    sdr = lead["decision"]["owner"]

    answer = signed_post(crm_api, _stage_event(512, "salesqualifiedlead"), now=clock)
    again = signed_post(crm_api, _stage_event(512, "salesqualifiedlead"), now=clock)

    assert answer.status_code == 200, answer.text
    (done,) = answer.json()["results"]
    assert done["stage"] == "meeting_booked" and done["already"] is False
    assert done["handoff"]["owners"] == {"sdr": sdr, "ae": "carl"}
    (retried,) = again.json()["results"]
    assert retried["already"] is True and "already" in retried["note"]
    timeline = crm_api.get(f"/v1/leads/{lead['lead_id']}/timeline").json()
    decisions = [e for e in timeline if e["kind"] == "decision"]
    assert [e["data"]["cause"] for e in decisions] == ["new", "handoff"]
    assert "sdr " + sdr + " keeps the lead" in decisions[-1]["data"]["reason"]
    with database.read() as session:
        actors = set(session.scalars(select(AuditRow.actor).where(AuditRow.action == "handoff")))
    assert actors == {"hubspot lifecyclestage=salesqualifiedlead"}


def test_hubspot_stage_value_crm_yaml_does_not_map__is_ignored_with_a_note(
    crm_api, hubspot_server, clock, database
):
    _activate(database)
    lead = _hubspot_lead(crm_api, hubspot_server, clock)

    answer = signed_post(crm_api, _stage_event(512, "customer"), now=clock)

    (result,) = answer.json()["results"]
    assert "'customer' maps to no stage" in result["note"]
    assert len(crm_api.get(f"/v1/leads/{lead['lead_id']}/decisions").json()) == 1


def test_hubspot_stage_without_a_handoff_in_the_policy__answers_why(crm_api, hubspot_server, clock):
    _hubspot_lead(crm_api, hubspot_server, clock)  # the seeded policy has no handoffs:

    answer = signed_post(crm_api, _stage_event(512, "opportunity"), now=clock)

    (result,) = answer.json()["results"]
    assert "no hand-off on stage 'meeting_booked'" in result["error"]


def test_salesforce_status_in_a_callout__hands_the_lead_off_once(
    crm_api, salesforce_server, database
):
    _activate(database)
    record = add_lead(salesforce_server, "00Q5e00000StageEAV")
    first = crm_api.post(CALLOUT, json=record, headers=HEADERS).json()["results"][0]

    qualified = record | {"Status": "Qualified"}
    answer = crm_api.post(CALLOUT, json=qualified, headers=HEADERS)
    again = crm_api.post(CALLOUT, json=[qualified], headers=HEADERS)

    (done,) = answer.json()["results"]
    assert done["lead_id"] == first["lead_id"] and done["stage"] == "meeting_booked"
    assert done["handoff"]["owners"]["ae"] == "carl"
    assert again.json()["results"][0]["already"] is True
    decisions = crm_api.get(f"/v1/leads/{first['lead_id']}/decisions").json()
    assert len(decisions) == 2


def test_salesforce_status_in_a_poll__hands_the_lead_off(
    crm_api, salesforce_server, connectors, database, clock
):
    _activate(database)
    record = add_lead(salesforce_server, "00Q5e00000PollSEAV")
    side = connectors.config.get(Crm.SALESFORCE)
    cache = ConfigCache()
    org = connectors.salesforce
    assert poll_once(db=database, cache=cache, org=org, side=side, now=clock.now()).routed == 1

    record |= {"Status": "Qualified", "LastModifiedDate": "2026-11-24T15:10:00.000+0000"}
    polled = poll_once(db=database, cache=cache, org=org, side=side, now=clock.now())
    again = poll_once(db=database, cache=cache, org=org, side=side, now=clock.now())

    assert polled.handoffs == 1 and again.handoffs == 0
    query = next(s for s in salesforce_server.state.seen if "/query" in s.path)
    assert "Status" in query.path


def test_crm_yaml_stages__checked_against_the_policys_handoffs_with_positions():
    config = parse_crm(_with_stages(CRM_YAML).replace("Qualified: meeting_booked", "Q: demo"), "c")
    with pytest.raises(PolicyError) as raised:
        check_crm(config, Team({}, {}, {}), [], ["meeting_booked"])

    (problem,) = [e for e in raised.value.errors if "stage" in e.message]
    assert "no hand-off on stage 'demo' (it has: meeting_booked)" in problem.message
    assert (problem.line, problem.column) == (_with_stages(CRM_YAML).count("\n"), 8)


def test_crm_yaml_stage_that_is_not_a_name__is_an_error_with_its_position():
    text = _with_stages(CRM_YAML).replace("opportunity: meeting_booked", "opportunity: Meeting!")

    with pytest.raises(PolicyError) as raised:
        parse_crm(text, "crm.yaml")

    (problem,) = raised.value.errors
    assert "'Meeting!' is not a stage name" in problem.message
    assert (problem.line, problem.column) == (19, 18)
