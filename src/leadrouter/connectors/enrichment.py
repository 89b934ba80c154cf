"""Calling the enrichment provider crm.yaml names, before a CRM record is routed.

Asked only for a lead with a company domain (not a free-mail one) that lacks a field the
provider fills; answers are cached by domain (`cache_hours`), calls counted against a per-day
budget (in this process), and the request bounded by `timeout_seconds`: a slow or failing
provider never holds routing up, the lead routes with what it has and the trace says why
(`enrichment.py` reads what this returns, from the stored lead). The token is a setting
(`LEADROUTER_ENRICHMENT_TOKEN`), sent as a bearer token and never logged.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

import httpx

from leadrouter.enrichment import DETAIL, PREFIX, SOURCE, STATUS
from leadrouter.normalize.domains import is_free_email_domain, registrable_domain
from leadrouter.policy.crm import EnrichmentProvider

CACHE_SIZE = 10_000


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
    def __init__(
        self, provider: EnrichmentProvider, client: httpx.Client, token: str | None = None
    ) -> None:
        self.provider = provider
        self.client = client
        self._token = token
        self._cache: OrderedDict[str, tuple[datetime, dict[str, Any]]] = OrderedDict()
        self._spent: tuple[date, int] = (date.min, 0)
        self._lock = threading.Lock()

    def enrich(self, lead: Mapping[str, Any], now: datetime) -> dict[str, Any]:
        """The `enrichment.*` keys to store with the lead: the values found for the fields it
        lacks, the provider's name and how it went; {} when the provider has nothing to add."""
        p = self.provider
        if all(name in lead for name in p.fields.values()):
            return {}
        domain = self._domain(lead)
        if domain is None:
            return {}
        base = {SOURCE: p.name}
        with self._lock:
            cached = self._cache.get(domain)
            if cached is not None and now - cached[0] < timedelta(hours=p.cache_hours):
                self._cache.move_to_end(domain)
                return base | {STATUS: "cached"} | self._missing(lead, cached[1])
            day, spent = self._spent
            spent = spent if day == now.date() else 0
            if p.daily_budget is not None and spent >= p.daily_budget:
                detail = f"the day's budget of {p.daily_budget} calls is spent"
                return base | {STATUS: "budget", DETAIL: detail}
            self._spent = (now.date(), spent + 1)
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else {}
        try:
            answer = self.client.get(
                p.url.format(domain=domain), headers=headers, timeout=p.timeout_seconds
            )
        except httpx.TimeoutException:
            detail = f"no answer within {p.timeout_seconds:g} s"
            return base | {STATUS: "timeout", DETAIL: detail}
        except httpx.HTTPError as error:
            return base | {STATUS: "error", DETAIL: f"{type(error).__name__}"}
        if answer.status_code == 404:
            found: dict[str, Any] = {}
        elif not answer.is_success:
            return base | {STATUS: "error", DETAIL: f"HTTP {answer.status_code}"}
        else:
            try:
                document = answer.json()
            except ValueError:
                return base | {STATUS: "error", DETAIL: "the answer is not JSON"}
            found = {}
            for path, name in p.fields.items():
                value = _path(document, path)
                if isinstance(value, str | int | float | bool) and value != "":
                    found[name] = value
        with self._lock:
            self._cache[domain] = (now, found)
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return base | {STATUS: "ok"} | self._missing(lead, found)

    @staticmethod
    def _missing(lead: Mapping[str, Any], found: Mapping[str, Any]) -> dict[str, Any]:
        return {PREFIX + name: value for name, value in found.items() if name not in lead}

    @staticmethod
    def _domain(lead: Mapping[str, Any]) -> str | None:
        for key in ("website", "email"):
            text = lead.get(key)
            if isinstance(text, str) and text:
                domain = registrable_domain(text.rpartition("@")[2] if key == "email" else text)
                if domain and not is_free_email_domain(domain):
                    return domain
        return None
