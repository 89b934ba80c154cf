"""The connectors a process runs, built once from settings: crm.yaml (the service's own file, or
the workspace's), the webhook secrets, and the CRM clients (only where credentials are set).

The API holds one `Connectors` (its routes take CRM records in); the worker builds the
`CrmWriter` from the same settings to write owners and tasks back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from leadrouter.connectors.sequences import SequenceWebhook
from leadrouter.connectors.writeback import CrmClient, CrmWriter
from leadrouter.errors import NotFound
from leadrouter.leads.provider import Enricher
from leadrouter.policy.crm import Crm, CrmConfig, CrmSide, load_crm
from leadrouter.settings import Settings
from leadrouter.workspace import CRM_FILE

if TYPE_CHECKING:
    # The vendors' clients are imported only where credentials are set: most services run
    # without a CRM and should not pay their import at start-up.
    from leadrouter.connectors.hubspot.client import HubSpot
    from leadrouter.connectors.salesforce.client import SalesforceOrg

# Each CRM's name and the setting that holds the secret its requests to us carry.
_INTAKE = {
    Crm.HUBSPOT: ("HubSpot", "LEADROUTER_HUBSPOT_CLIENT_SECRET"),
    Crm.SALESFORCE: ("Salesforce", "LEADROUTER_SALESFORCE_SHARED_SECRET"),
}


@dataclass(frozen=True, slots=True)
class Connectors:
    config: CrmConfig | None = None
    hubspot: HubSpot | None = None
    salesforce: SalesforceOrg | None = None
    hubspot_secret: str | None = field(default=None, repr=False)
    salesforce_secret: str | None = field(default=None, repr=False)
    public_url: str | None = None
    enricher: Enricher | None = None
    sequence_webhook: SequenceWebhook | None = None
    salesforce_organization_id: str | None = None  # whose Outbound Messages are taken

    def side(self, crm: Crm) -> CrmSide | None:
        """crm.yaml's section for `crm` (None: crm.yaml or that section is missing)."""
        return self.config.get(crm) if self.config else None

    def intake(self, crm: Crm) -> tuple[CrmSide, str]:
        """crm.yaml's section for `crm` and the secret its requests to us carry; NotFound, naming
        what to set, when either is missing."""
        secret = {Crm.HUBSPOT: self.hubspot_secret, Crm.SALESFORCE: self.salesforce_secret}[crm]
        side = self.side(crm)
        if not secret or side is None:
            name, setting = _INTAKE[crm]
            raise NotFound(
                f"the {name} connector is not configured: set {setting} and a {crm}: section in"
                " crm.yaml (docs/connectors.md)"
            )
        return side, secret

    def writer(self) -> CrmWriter | None:
        """The outbox's `crm` sender, when a CRM's client or the sequence webhooks are
        configured."""
        clients: dict[Crm, CrmClient] = {}
        if self.hubspot is not None:
            clients[Crm.HUBSPOT] = self.hubspot
        if self.salesforce is not None:
            clients[Crm.SALESFORCE] = self.salesforce
        if not clients and self.sequence_webhook is None:
            return None
        return CrmWriter(clients, self.sequence_webhook)


def crm_path(settings: Settings) -> Path | None:
    """crm.yaml as the settings name it, or the workspace's; None when there is none."""
    if settings.crm_file is not None:
        return settings.crm_file
    if settings.workspace is not None and (settings.workspace / CRM_FILE).is_file():
        return settings.workspace / CRM_FILE
    return None


def from_settings(settings: Settings, *, verify: str | bool = True) -> Connectors:
    """The connectors the settings configure; raises PolicyError for an invalid crm.yaml."""
    path = crm_path(settings)
    config = load_crm(path) if path is not None else None
    hubspot = None
    if settings.hubspot_access_token:
        from leadrouter.connectors.hubspot.client import HubSpot

        hubspot = HubSpot(
            settings.hubspot_access_token,
            base_url=settings.hubspot_base_url,
            timeout=settings.crm_timeout_seconds,
        )
    salesforce = None
    if settings.salesforce_client_id and settings.salesforce_client_secret:
        from leadrouter.connectors.salesforce.client import SalesforceOrg

        salesforce = SalesforceOrg(
            client_id=settings.salesforce_client_id,
            client_secret=settings.salesforce_client_secret,
            login_url=settings.salesforce_login_url,
            version=settings.salesforce_api_version,
            timeout=settings.crm_timeout_seconds,
            verify=verify,
        )
    enricher = None
    if config is not None and config.enrichment is not None:
        enricher = Enricher(config.enrichment, httpx.Client(), settings.enrichment_token)
    sequence_webhook = None
    if config is not None and config.sequence_webhooks and settings.sequence_webhook_secret:
        timeout = httpx.Timeout(settings.crm_timeout_seconds)
        sequence_webhook = SequenceWebhook(
            httpx.Client(timeout=timeout), settings.sequence_webhook_secret
        )
    return Connectors(
        config,
        hubspot,
        salesforce,
        settings.hubspot_client_secret,
        settings.salesforce_shared_secret,
        settings.public_url,
        enricher,
        sequence_webhook,
        settings.salesforce_organization_id,
    )
