"""One HTTP POST for the HTTP channels (Slack, webhooks), mapping failures to DeliveryFailed.

Which failures are worth retrying is decided here once: network errors, timeouts, 408, 429 and
5xx are; any other non-2xx answer (a wrong URL, a revoked Slack hook) is not. The failure's text
never holds the URL's path or query (a Slack hook's URL is its credential): `notify.redact`.
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from leadrouter.notify.message import DeliveryFailed
from leadrouter.notify.redact import redact

_RETRYABLE_STATUS = frozenset({408, 425, 429})


def post(client: httpx.Client, url: str, body: bytes, headers: Mapping[str, str]) -> None:
    """POST `body` to `url`; raise DeliveryFailed unless the answer is 2xx."""
    try:
        response = client.post(url, content=body, headers=dict(headers))
    except httpx.HTTPError as error:
        text = f"POST {url}: {type(error).__name__}: {error}"
        raise DeliveryFailed(redact(text), retryable=True) from error
    if response.is_success:
        return
    status = response.status_code
    retryable = status >= 500 or status in _RETRYABLE_STATUS
    text = f"POST {url}: HTTP {status} {response.text[:200]}"
    raise DeliveryFailed(redact(text), retryable=retryable)
