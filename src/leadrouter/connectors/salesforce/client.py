"""Salesforce's REST API through `simple-salesforce`: read a Lead, write its `OwnerId` (a user's
or a queue's id), create a Task for the owner, query Leads changed since a time (polling).

Authentication is OAuth 2.0's client-credentials flow against `login_url` (a connected app's
consumer key and secret): its token endpoint answers an access token and the org's
`instance_url`, which the client then calls; a token that expires (401) is fetched again once.
Tests point `login_url` at a local server over TLS that implements the same endpoints. Every
failure leaves as a DeliveryFailed with the Retry-After the org sent, never with a secret.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceError, SalesforceExpiredSession

from leadrouter.connectors.errors import crm_failure
from leadrouter.notify.message import DeliveryFailed

T = TypeVar("T")


class _Session(requests.Session):
    """A requests session with a default timeout that remembers each thread's last answer's
    headers (simple-salesforce's exceptions keep the status and body, not the Retry-After)."""

    def __init__(self, timeout: float, verify: str | bool) -> None:
        super().__init__()
        self.timeout = timeout
        self.verify = verify
        self.seen = threading.local()

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs.setdefault("timeout", self.timeout)
        # Explicit: requests lets REQUESTS_CA_BUNDLE override a session's own CA file.
        kwargs.setdefault("verify", self.verify)
        response = super().request(method, url, *args, **kwargs)
        self.seen.headers = dict(response.headers)
        return response


class SalesforceOrg:
    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        login_url: str = "https://login.salesforce.com",
        version: str = "59.0",
        timeout: float = 10.0,
        verify: str | bool = True,
    ) -> None:
        self._client_id = client_id
        self._client_secret = client_secret
        self.login_url = login_url.rstrip("/")
        self.version = version
        self._http = _Session(timeout, verify)
        self._sf: Salesforce | None = None
        self._token = ""
        self._lock = threading.Lock()

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self._client_secret, self._token) if s)

    def lead(self, lead_id: str) -> dict[str, Any]:
        """The Lead record's fields."""
        return dict(self._call("read lead", lambda sf: sf.Lead.get(lead_id)))

    def set_owner(self, lead_id: str, owner_id: str, prop: str = "OwnerId") -> None:
        """Write the Lead's owner: a user's id (005...) or a queue's (00G...)."""
        self._call("write owner", lambda sf: sf.Lead.update(lead_id, {prop: owner_id}))

    def create_task(
        self, lead_id: str, owner_id: str, subject: str, body: str, due: datetime
    ) -> str:
        task = {
            "OwnerId": owner_id,
            "WhoId": lead_id,
            "Subject": subject[:255],
            "Description": body,
            "ActivityDate": due.date().isoformat(),
            "Status": "Not Started",
            "Priority": "High",
        }
        created = self._call("create task", lambda sf: sf.Task.create(task))
        return str(created.get("id", ""))

    def changed_leads(self, fields: Sequence[str], since: str, limit: int) -> list[dict[str, Any]]:
        """Leads modified after `since` (an ISO time), oldest first, with `fields`."""
        wanted = ", ".join(dict.fromkeys(["Id", "OwnerId", "LastModifiedDate", *fields]))
        soql = (
            f"SELECT {wanted} FROM Lead WHERE LastModifiedDate >= {since} "
            f"ORDER BY LastModifiedDate, Id LIMIT {int(limit)}"
        )
        found = self._call("query leads", lambda sf: sf.query_all(soql))
        return [dict(r) for r in found.get("records", [])]

    # ---------------------------------------------------------------- plumbing

    def _org(self, renew: bool = False) -> Salesforce:
        with self._lock:
            if self._sf is None or renew:
                token = self._fetch_token()
                self._token = token["access_token"]
                self._sf = Salesforce(
                    session_id=self._token,
                    instance_url=token["instance_url"],
                    version=self.version,
                    session=self._http,
                )
            return self._sf

    def _fetch_token(self) -> dict[str, str]:
        url = f"{self.login_url}/services/oauth2/token"
        form = {
            "grant_type": "client_credentials",
            "client_id": self._client_id,
            "client_secret": self._client_secret,
        }
        try:
            response = self._http.post(url, data=form)
        except requests.RequestException as error:
            raise crm_failure("Salesforce", "sign in", None, type(error).__name__, None) from None
        if response.status_code != 200:
            raise crm_failure(
                "Salesforce", "sign in", response.status_code, response.text, response.headers
            )
        token = response.json()
        if (
            not isinstance(token, dict)
            or "access_token" not in token
            or "instance_url" not in token
        ):
            raise DeliveryFailed(
                "Salesforce sign in: no access token in the answer", retryable=False
            )
        return token

    def _call(self, action: str, call: Callable[[Salesforce], T]) -> T:
        for attempt in (0, 1):
            try:
                return call(self._org(renew=attempt == 1))
            except SalesforceExpiredSession:
                if attempt == 1:
                    raise crm_failure("Salesforce", action, 401, "session expired", None) from None
            except SalesforceError as error:
                headers = getattr(self._http.seen, "headers", None)
                raise crm_failure(
                    "Salesforce", action, error.status, str(error.content), headers
                ) from None
            except requests.RequestException as error:
                raise crm_failure("Salesforce", action, None, type(error).__name__, None) from None
        raise AssertionError("unreachable")
