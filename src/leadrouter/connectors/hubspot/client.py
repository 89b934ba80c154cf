"""HubSpot's CRM v3 API through the official `hubspot-api-client`: read a contact's properties,
write its owner (`hubspot_owner_id`), create a task for the owner associated with the contact,
enroll the contact in a sequence (the Sequences API v4, which the client has no module for:
sent through the contacts API's own HTTP client, its auth, pool and errors).

`base_url` is https://api.hubapi.com for a live portal; tests point it at a local server that
implements the same endpoints. Every failure leaves as a DeliveryFailed (retryable or not, with
the Retry-After HubSpot sent), never with the access token in its text.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

import urllib3
from hubspot import Client
from hubspot.crm.contacts import SimplePublicObjectInput
from hubspot.crm.objects.tasks import SimplePublicObjectInputForCreate
from urllib3.util.retry import Retry

from leadrouter.connectors.errors import crm_failure
from leadrouter.notify.message import DeliveryFailed

# HubSpot-defined association type of a task to a contact (CRM associations v4 reference).
TASK_TO_CONTACT = 204
ENROLLMENTS = "/automation/v4/sequences/enrollments"


class HubSpot:
    def __init__(self, access_token: str, *, base_url: str, timeout: float = 10.0) -> None:
        self._token = access_token
        self.timeout = timeout
        # No retry inside a call: urllib3 would sleep out a 429's Retry-After in the request
        # (a webhook's or the worker's); HubSpot's redelivery and the outbox retry instead.
        retry = Retry(
            total=2, connect=2, read=0, redirect=2, status=0, raise_on_status=False,
            respect_retry_after_header=False,
        )  # fmt: skip
        client = Client.create(access_token=access_token, host=base_url.rstrip("/"), retry=retry)
        # Each property of the discovery builds a new API client: kept, for connection reuse.
        self._contacts = client.crm.contacts.basic_api
        self._tasks = client.crm.objects.tasks.basic_api

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self._token,)

    def contact(self, contact_id: str, properties: Collection[str]) -> dict[str, Any]:
        """The contact's properties (those asked for, as HubSpot returns them: text or null)."""
        found = self._call(
            "read contact",
            lambda: self._contacts.get_by_id(
                contact_id, properties=sorted(properties), _request_timeout=self.timeout
            ),
        )
        return dict(found.properties or {})

    def set_owner(self, contact_id: str, owner_id: str, prop: str = "hubspot_owner_id") -> None:
        self._call(
            "write owner",
            lambda: self._contacts.update(
                contact_id,
                SimplePublicObjectInput(properties={prop: owner_id}),
                _request_timeout=self.timeout,
            ),
        )

    def create_task(
        self, contact_id: str, owner_id: str, subject: str, body: str, due: datetime
    ) -> str:
        """Create a task for the owner on the contact; its HubSpot id."""
        task = SimplePublicObjectInputForCreate(
            properties={
                "hs_timestamp": due.isoformat().replace("+00:00", "Z"),
                "hs_task_subject": subject,
                "hs_task_body": body,
                "hs_task_status": "NOT_STARTED",
                "hubspot_owner_id": owner_id,
            },
            associations=[
                {
                    "to": {"id": contact_id},
                    "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 204}],
                }
            ],
        )
        created = self._call(
            "create task",
            lambda: self._tasks.create(task, _request_timeout=self.timeout),
        )
        return str(created.id)

    def enroll(self, contact_id: str, sequence_id: str, user_id: str, sender_email: str) -> str:
        """Enroll the contact in the sequence, sent by the user (`userId`, their connected
        inbox `senderEmail`); the enrollment's id."""
        api = self._contacts.api_client
        created = self._call(
            "enroll in sequence",
            lambda: api.call_api(
                ENROLLMENTS,
                "POST",
                query_params=[("userId", user_id)],
                header_params={"Content-Type": "application/json", "Accept": "application/json"},
                body={
                    "contactId": contact_id,
                    "sequenceId": sequence_id,
                    "senderEmail": sender_email,
                },
                response_types_map={200: "object", 201: "object"},
                auth_settings=["oauth2"],
                _return_http_data_only=True,
                _request_timeout=self.timeout,
            ),
        )
        return str(created.get("id", "")) if isinstance(created, dict) else ""

    def _call(self, action: str, call: Any) -> Any:
        try:
            return call()
        except urllib3.exceptions.HTTPError as error:
            raise crm_failure("HubSpot", action, None, type(error).__name__, None) from None
        except DeliveryFailed:
            raise
        except Exception as error:  # the generated client's ApiException, one class per API
            status = getattr(error, "status", None)
            if status is None:
                raise
            headers: Mapping[str, str] | None = getattr(error, "headers", None)
            body = getattr(error, "body", None) or getattr(error, "reason", "") or ""
            if isinstance(body, bytes):
                body = body.decode("utf-8", "replace")
            raise crm_failure("HubSpot", action, status, str(body), headers) from None
