"""A local enrichment provider on 127.0.0.1 answering like Clearbit's company API, and an
`Enricher` pointed at it: for the tests of every way a lead comes in."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import MappingProxyType

import httpx

from leadrouter.leads.provider import Enricher
from leadrouter.policy.crm import EnrichmentProvider

COMPANY = {  # the shape of Clearbit's Company API answer (a few of its fields)
    "name": "Northwind Traders",
    "domain": "northwind-traders.com",
    "category": {"industry": "Retail", "sector": "Consumer Discretionary"},
    "geo": {"countryCode": "US", "state": "California"},
    "metrics": {"employees": 1200, "annualRevenue": 250000000},
}
PATH = "/v2/companies/find?domain={domain}"
FIELDS = {
    "metrics.employees": "employees",
    "category.industry": "industry",
    "geo.countryCode": "country",
}


class Provider:
    """What the provider was asked, and how long it takes to answer."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.delay = 0.0


@contextmanager
def serving() -> Iterator[tuple[Provider, str]]:
    """The provider's state and its base URL, while it runs."""
    state = Provider()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            state.calls.append(self.path)
            time.sleep(state.delay)
            body = json.dumps(COMPANY).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            # The timeout tests' client gives up waiting, as it should: no traceback for that.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def enricher(url: str, **options: object) -> Enricher:
    config = EnrichmentProvider(
        "clearbit",
        url + PATH,
        MappingProxyType(FIELDS),
        **options,  # type: ignore[arg-type]
    )
    return Enricher(config, httpx.Client(), token="provider-token")
