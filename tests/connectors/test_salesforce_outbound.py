"""Salesforce Outbound Messages (SOAP): the documented `notifications` envelope becomes a routed
lead whose OwnerId the worker writes back, acknowledged with `<Ack>true</Ack>` only once stored;
a redelivery changes nothing; another org, a DTD (entity expansion) or a non-Lead is a 4xx fault
that names the problem. On SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy import select

from leadrouter.connectors.runtime import Connectors
from leadrouter.leads.models import LeadRow

from .conftest import OWNERS, SALESFORCE_SECRET, add_lead

URL = f"/connectors/salesforce/outbound?token={SALESFORCE_SECRET}"
ORG = "00D5e000000KQ2eEAG"
EXAMPLE = (Path(__file__).parent / "fixtures" / "salesforce_outbound_lead.xml").read_bytes()
XML = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'}


@pytest.fixture
def connectors(connectors: Connectors) -> Connectors:
    return dataclasses.replace(connectors, salesforce_organization_id=ORG[:15])


def test_outbound_message__routes_the_lead_acks_and_writes_owner_id_back(
    crm_api, salesforce_server, worker, database
):
    add_lead(salesforce_server, "00Q5e00000OutMsEAV")  # the record the write-back updates

    answer = crm_api.post(URL, content=EXAMPLE, headers=XML)

    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/xml")
    assert "<Ack>true</Ack>" in answer.text
    with database.read() as session:
        lead = session.scalars(select(LeadRow)).one()
    assert lead.external_id == "salesforce:00Q5e00000OutMsEAV"
    assert lead.raw["company"] == "Northwind Traders" and lead.raw["employees"] == "120"
    worker.run_once()
    (write,) = salesforce_server.state.writes("PATCH")
    assert write.path.endswith("/sobjects/Lead/00Q5e00000OutMsEAV")
    assert write.body["OwnerId"] in OWNERS["salesforce"].values()


def test_outbound_message_redelivered__acks_without_a_second_lead(crm_api, database):
    first = crm_api.post(URL, content=EXAMPLE, headers=XML)
    again = crm_api.post(URL, content=EXAMPLE, headers=XML)

    assert first.status_code == again.status_code == 200
    assert "<Ack>true</Ack>" in again.text
    with database.read() as session:
        assert len(session.scalars(select(LeadRow)).all()) == 1


def test_outbound_message_from_another_org__is_a_403_naming_it(crm_api):
    other = EXAMPLE.replace(ORG.encode(), b"00D5e000000ZZZZEAG")

    answer = crm_api.post(URL, content=other, headers=XML)

    assert answer.status_code == 403
    assert "OrganizationId 00D5e000000ZZZZEAG is not this org's" in answer.text
    assert "<Ack>" not in answer.text


@pytest.mark.parametrize(
    "doctype",
    [
        b'<!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>',
        b'<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',
    ],
)
def test_outbound_message_with_a_dtd__is_refused_before_any_expansion(crm_api, database, doctype):
    declared = EXAMPLE.replace(b"?>\n", b"?>\n" + doctype + b"\n", 1)

    answer = crm_api.post(URL, content=declared.replace(b"Northwind", b"&b;"), headers=XML)

    assert answer.status_code == 400
    assert "document type declaration is refused" in answer.text
    with database.read() as session:
        assert session.scalars(select(LeadRow)).first() is None


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        (b"{not xml", 400, "not XML"),
        (b"<a/>", 400, "expected a SOAP 1.1 Envelope"),
        (EXAMPLE.replace(b'"sf:Lead"', b'"sf:Account"'), 400, "a Account, not a Lead"),
        (EXAMPLE.replace(b"00Q5e00000OutMsEAV", b"0015e00000OutMsEAV"), 400, "Lead id"),
    ],
)
def test_outbound_message_that_is_not_a_lead_envelope__is_a_fault_saying_why(
    crm_api, body, status, says
):
    answer = crm_api.post(URL, content=body, headers=XML)

    assert answer.status_code == status and says in answer.text, answer.text
    assert "<faultstring>" in answer.text and "<Ack>" not in answer.text


def test_outbound_message_lead_with_no_mapped_value__is_not_acknowledged(crm_api, database):
    empty = EXAMPLE
    for field in (b"Company", b"Country", b"Email", b"FirstName", b"LastName"):
        empty = empty.replace(b"<sf:" + field + b">", b"<sf:X" + field + b">")
        empty = empty.replace(b"</sf:" + field + b">", b"</sf:X" + field + b">")
    empty = empty.replace(b"NumberOfEmployees>120<", b"NumberOfEmployees><")

    answer = crm_api.post(URL, content=empty, headers=XML)

    assert answer.status_code == 400 and "none of the properties crm.yaml maps" in answer.text


def test_outbound_message_without_an_org_configured__is_a_404(crm_api, monkeypatch):
    app_connectors = crm_api.app.state.connectors
    monkeypatch.setattr(
        crm_api.app.state,
        "connectors",
        dataclasses.replace(app_connectors, salesforce_organization_id=None),
    )

    answer = crm_api.post(URL, content=EXAMPLE, headers=XML)

    assert answer.status_code == 404 and "LEADROUTER_SALESFORCE_ORGANIZATION_ID" in answer.text


@pytest.mark.parametrize("query", ["", "?token=", "?token=guessed"])
def test_outbound_message_without_the_url_token__is_a_401_and_takes_nothing(
    crm_api, database, query
):
    answer = crm_api.post("/connectors/salesforce/outbound" + query, content=EXAMPLE, headers=XML)

    assert answer.status_code == 401 and "token" in answer.text
    assert SALESFORCE_SECRET not in answer.text
    with database.read() as session:
        assert session.scalars(select(LeadRow)).all() == []
