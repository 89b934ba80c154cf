"""Calling the enrichment provider crm.yaml names, in the shell, before any lead is routed:
posted to `POST /v1/leads`, sent by a CRM (both through `leads/pipeline.py`) or read from a CSV
by `leadrouter route`.

Asked only for a lead with a company domain (not a free-mail one) that lacks a field the
provider fills; answers are cached by domain (`cache_hours`), calls counted against a per-day
budget (in this process), and the wait bounded by `timeout_seconds`, whatever the connection
does: a slow or failing provider never holds routing up, the lead routes with what it has and
the trace says why (`enrichment.py`, in the core, reads what this returns from the stored lead,
after the account book has filled what it knows). The token is a setting
(`LEADROUTER_ENRICHMENT_TOKEN`), sent as a bearer token and never logged.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as NoAnswerYet
from datetime import date, datetime, timedelta
from typing import Any

import httpx

from leadrouter.enrichment import DETAIL, PREFIX, SOURCE, STATUS
from leadrouter.normalize import normalize_lead
from leadrouter.normalize.domains import is_free_email_domain
from leadrouter.policy.crm import EnrichmentProvider

CACHE_SIZE = 10_000
# (status, detail) of a call that brought no values: "timeout" or "error", and why.
Miss = tuple[str, str]
# Calls in flight at once; one past its lead's wait goes on here (within httpx's own timeouts)
# and caches what it finds for the domain's next lead.
CALLS = 8


def _path(document: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if isinstance(document, Mapping):
            document = document.get(part)
        elif isinstance(document, list) and part.isdigit() and int(part) < len(document):
            document = document[int(part)]
        else:
            return None
    return document


class Enricher:
    """The provider of one process, with its cache by domain and its day's budget."""

    def __init__(
        self, provider: EnrichmentProvider, client: httpx.Client, token: str | None = None
    ) -> None:
        self.provider = provider
        self.client = client
        self._token = token
        self._cache: OrderedDict[str, tuple[datetime, dict[str, Any]]] = OrderedDict()
        self._spent: tuple[date, int] = (date.min, 0)
        self._lock = threading.Lock()
        self._calls = ThreadPoolExecutor(CALLS, thread_name_prefix="enrichment")

    def enrich(self, lead: Mapping[str, Any], now: datetime) -> dict[str, Any]:
        """The `enrichment.*` keys to store with the lead: the values found for the fields it
        lacks, the provider's name and how it went; {} when the provider has nothing to add.
        Returns within the provider's `timeout_seconds` (and the time to start a call)."""
        p = self.provider
        # Read as routing will read it: a CSV's "Email" or a form's "Company Website" count.
        fields = normalize_lead(lead).fields
        if all(name in fields for name in p.fields.values()):
            return {}
        domain = self._domain(fields)
        if domain is None:
            return {}
        base = {SOURCE: p.name}
        with self._lock:
            cached = self._cache.get(domain)
            if cached is not None and now - cached[0] < timedelta(hours=p.cache_hours):
                self._cache.move_to_end(domain)
                return base | {STATUS: "cached"} | self._missing(fields, cached[1])
            day, spent = self._spent
            spent = spent if day == now.date() else 0
            if p.daily_budget is not None and spent >= p.daily_budget:
                detail = f"the day's budget of {p.daily_budget} calls is spent"
                return base | {STATUS: "budget", DETAIL: detail}
            self._spent = (now.date(), spent + 1)
        # httpx bounds each phase of the call (connect, each read), not the whole: the wait for
        # the answer is bounded here.
        call = self._calls.submit(self._ask, domain, now)
        try:
            found = call.result(timeout=p.timeout_seconds)
        except NoAnswerYet:
            found = self._late()
        if isinstance(found, tuple):
            return base | {STATUS: found[0], DETAIL: found[1]}
        return base | {STATUS: "ok"} | self._missing(fields, found)

    def _late(self) -> Miss:
        return "timeout", f"no answer within {self.provider.timeout_seconds:g} s"

    def _ask(self, domain: str, now: datetime) -> dict[str, Any] | Miss:
        """The provider's values for `domain` (cached), or why there are none."""
        p = self.provider
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else {}
        try:
            answer = self.client.get(
                p.url.format(domain=domain), headers=headers, timeout=p.timeout_seconds
            )
        except httpx.TimeoutException:
            return self._late()
        except httpx.HTTPError as error:
            return "error", type(error).__name__
        found: dict[str, Any] = {}
        if answer.status_code != 404:
            if not answer.is_success:
                return "error", f"HTTP {answer.status_code}"
            try:
                document = answer.json()
            except ValueError:
                return "error", "the answer is not JSON"
            for path, name in p.fields.items():
                value = _path(document, path)
                if isinstance(value, str | int | float | bool) and value != "":
                    found[name] = value
        with self._lock:
            self._cache[domain] = (now, found)
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return found

    @staticmethod
    def _missing(lead: Mapping[str, Any], found: Mapping[str, Any]) -> dict[str, Any]:
        return {PREFIX + name: value for name, value in found.items() if name not in lead}

    @staticmethod
    def _domain(fields: Mapping[str, Any]) -> str | None:
        """The company's domain: its website's, else its email's, never a free-mail one."""
        for key in ("website_domain", "email_domain"):
            domain = fields.get(key)
            if isinstance(domain, str) and domain and not is_free_email_domain(domain):
                return domain
        return None
