"""How a CRM call failed, as the outbox understands it: retry (429, 5xx, the network) after the
delay the CRM asked for, or give up (a bad id, a revoked token), with the CRM's own words.

`crm_failure` turns what a vendor client raised into a DeliveryFailed; the vendors' exception
types differ, so it reads their common attributes (status, headers or the response).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from leadrouter.notify.message import DeliveryFailed

_RETRYABLE_STATUS = frozenset({408, 425, 429})


def retryable(status: int | None) -> bool:
    """A status worth trying again: none (the network failed), 408, 425, 429, or a 5xx."""
    return status is None or status == 0 or status >= 500 or status in _RETRYABLE_STATUS


def retry_after(headers: Mapping[str, str] | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not headers:
        return None
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if value is None:
        return None
    value = str(value).strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def crm_failure(
    crm: str, action: str, status: int | None, detail: str, headers: Mapping[str, str] | None
) -> DeliveryFailed:
    """The outbox's failure for a CRM call that answered `status` (None: no answer)."""
    what = f"HTTP {status}" if status else "no answer"
    return DeliveryFailed(
        f"{crm} {action}: {what}: {detail[:300]}",
        retryable=retryable(status),
        retry_after=retry_after(headers),
    )
