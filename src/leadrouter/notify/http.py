"""One HTTP POST for the HTTP channels (Slack, webhooks), mapping failures to DeliveryFailed.

Which failures are worth retrying is decided here once: network errors, timeouts, 408, 429 and
5xx are; any other non-2xx answer (a wrong URL, a revoked Slack hook) is not.
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from leadrouter.notify.message import DeliveryFailed

_RETRYABLE_STATUS = frozenset({408, 425, 429})


def post(client: httpx.Client, url: str, body: bytes, headers: Mapping[str, str]) -> None:
    """POST `body` to `url`; raise DeliveryFailed unless the answer is 2xx."""
    try:
        response = client.post(url, content=body, headers=dict(headers))
    except httpx.HTTPError as error:
        raise DeliveryFailed(
            f"POST {url}: {type(error).__name__}: {error}", retryable=True
        ) from error
    if response.is_success:
        return
    status = response.status_code
    retryable = status >= 500 or status in _RETRYABLE_STATUS
    raise DeliveryFailed(f"POST {url}: HTTP {status} {response.text[:200]}", retryable=retryable)
