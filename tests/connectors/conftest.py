"""Fixtures for the connectors: local HubSpot and Salesforce servers, the service wired to them
(on SQLite and PostgreSQL, as the API tests), and a worker that writes back to them."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from leadrouter.app import create_app
from leadrouter.connectors.hubspot.client import HubSpot
from leadrouter.connectors.hubspot.signature import sign
from leadrouter.connectors.runtime import Connectors
from leadrouter.connectors.salesforce.client import SalesforceOrg
from leadrouter.notify.deliver import Deliverer, Endpoints
from leadrouter.notify.retry import RetryPolicy
from leadrouter.notify.templates import Templates
from leadrouter.notify.webhook import WebhookConfig
from leadrouter.policy.crm import CrmConfig, parse_crm
from leadrouter.settings import Settings
from leadrouter.store import Database
from leadrouter.worker import Worker

from ..api.conftest import FakeClock, clock, database, make_key, postgres_url  # noqa: F401
from ..api.factories import seed
from .crm_servers import HubSpotHandler, Running, SalesforceHandler, self_signed, serve

HUBSPOT_SECRET = "hubspot-app-client-secret"
HUBSPOT_TOKEN = "pat-na1-test-access-token"
SALESFORCE_SECRET = "salesforce-shared-secret"
SALESFORCE_TOKEN = "00D5e000000AbCd!AQ0AQtesttoken"
WEBHOOK = "http://testserver/connectors/hubspot/webhook"

CRM_YAML = """\
hubspot:
  fields:
    email: email
    firstname: first_name
    lastname: last_name
    company: company
    country: country
    numemployees: employees
  owners:
    ana: "1001"
    bob: "1002"
    carl: 1003
  tasks:
    - pool: smb
      subject: "Call {first_name} at {company}"
      due_in_hours: 4
salesforce:
  fields:
    Email: email
    FirstName: first_name
    LastName: last_name
    Company: company
    Country: country
    NumberOfEmployees: employees
  owners:
    ana: 0055e000001AnaaAAA
    bob: 0055e000001BobbAAA
    carl: 0055e000001CarlAAA
  queues:
    deal_desk: 00G5e000000DeskAAA
"""

OWNERS = {
    "hubspot": {"ana": "1001", "bob": "1002", "carl": "1003"},
    "salesforce": {
        "ana": "0055e000001AnaaAAA",
        "bob": "0055e000001BobbAAA",
        "carl": "0055e000001CarlAAA",
    },
}


@pytest.fixture
def crm_config() -> CrmConfig:
    return parse_crm(CRM_YAML, "crm.yaml")


@pytest.fixture
def hubspot_server() -> Iterator[Running]:
    with serve(HubSpotHandler, HUBSPOT_TOKEN) as running:
        yield running


@pytest.fixture(scope="session")
def tls(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def salesforce_server(tls) -> Iterator[Running]:  # type: ignore[no-untyped-def]
    with serve(SalesforceHandler, SALESFORCE_TOKEN, tls[0]) as running:
        yield running


@pytest.fixture
def connectors(
    crm_config: CrmConfig, hubspot_server: Running, salesforce_server: Running, tls
) -> Connectors:  # type: ignore[no-untyped-def]
    return Connectors(
        config=crm_config,
        hubspot=HubSpot(HUBSPOT_TOKEN, base_url=hubspot_server.url, timeout=5),
        salesforce=SalesforceOrg(
            client_id=SalesforceHandler.client_id,
            client_secret=SalesforceHandler.client_secret,
            login_url=salesforce_server.url,
            timeout=5,
            verify=str(tls[1]),
        ),
        hubspot_secret=HUBSPOT_SECRET,
        salesforce_secret=SALESFORCE_SECRET,
    )


@pytest.fixture
def crm_api(database: Database, clock: FakeClock, connectors: Connectors) -> Iterator[TestClient]:  # noqa: F811
    """The service wired to the local CRMs, with the test team and policy active."""
    with database.session() as session:
        seed(session, clock.now())
    app = create_app(Settings(db=database.url), database=database, clock=clock, crm=connectors)
    with TestClient(app) as client:
        client.headers["Authorization"] = f"Bearer {make_key(database, 'admin', 'admin')}"
        yield client


class Receiver:
    """The team's webhook endpoint, as a list of what it received (alerts)."""

    def __init__(self) -> None:
        self.events: list[dict] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.events.append(json.loads(request.content))
        return httpx.Response(200)


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
def worker(
    database: Database,  # noqa: F811
    clock: FakeClock,  # noqa: F811
    connectors: Connectors,
    receiver: Receiver,
) -> Iterator[Worker]:
    """A worker that writes back to the local CRMs and alerts through a webhook."""
    client = httpx.Client(transport=httpx.MockTransport(receiver.handler))
    endpoints = Endpoints(
        webhook=WebhookConfig("https://alerts.example/hook", "alert-secret"),
        crm=connectors.writer(),
    )
    yield Worker(
        database,
        clock=clock,
        deliverer=Deliverer(endpoints, client),
        templates=Templates(),
        crm=connectors.config,
        retry=RetryPolicy(max_attempts=3),
        rng=random.Random(7),
    )
    client.close()


def signed_post(
    client: TestClient,
    events: list[dict],
    *,
    secret: str = HUBSPOT_SECRET,
    at_ms: int | None = None,
    now: FakeClock | None = None,
) -> httpx.Response:
    """POST `events` as HubSpot does: compact JSON, v3 signature of method+URI+body+timestamp."""
    body = json.dumps(events).encode()
    if at_ms is not None:
        stamp = at_ms
    else:
        stamp = int((now.now().timestamp() if now is not None else time.time()) * 1000)
    headers = {
        "Content-Type": "application/json",
        "X-HubSpot-Signature-v3": sign(secret, "POST", WEBHOOK, body, stamp),
        "X-HubSpot-Request-Timestamp": str(stamp),
    }
    return client.post(WEBHOOK, content=body, headers=headers)


def add_contact(server: Running, contact_id: str, **properties: str | None) -> None:
    from .crm_servers import fixture

    record = fixture("hubspot_contact.json")
    record["id"] = contact_id
    record["properties"] |= {"hs_object_id": contact_id, **properties}
    server.state.records[contact_id] = record


def add_lead(server: Running, lead_id: str, **fields: object) -> dict:
    from .crm_servers import fixture

    record = fixture("salesforce_lead.json")
    record["Id"] = lead_id
    record["attributes"]["url"] = f"/services/data/v59.0/sobjects/Lead/{lead_id}"
    record |= fields
    server.state.records[lead_id] = record
    return record
