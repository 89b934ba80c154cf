"""Checking HubSpot's `X-HubSpot-Signature-v3`: base64 of HMAC-SHA256, keyed with the app's
client secret, over method + URI + body + timestamp, with the timestamp
(`X-HubSpot-Request-Timestamp`, milliseconds) at most 5 minutes old.

The digest is the official client's (`hubspot.utils.signature`); the age is checked here against
the service's clock (the client's own check reads the system clock and accepts any future time).
Failures say what is wrong and never echo the secret or the expected signature.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from datetime import datetime, timedelta

from hubspot.utils.signature import Signature

from leadrouter.errors import IntegrationError

SIGNATURE_HEADER = "X-HubSpot-Signature-v3"
TIMESTAMP_HEADER = "X-HubSpot-Request-Timestamp"
MAX_AGE = timedelta(minutes=5)


class BadSignature(IntegrationError):
    """A webhook whose signature does not check out: answered 401."""


# HubSpot decodes these in the URI before signing (its "Validating requests" guide).
_DECODED = {
    "%3A": ":", "%2F": "/", "%3F": "?", "%40": "@", "%21": "!", "%24": "$", "%27": "'",
    "%28": "(", "%29": ")", "%2A": "*", "%2C": ",", "%3B": ";",
}  # fmt: skip


def signed_uri(uri: str) -> str:
    """The URI as HubSpot signs it: the listed escapes decoded, in either case."""
    for escaped, char in _DECODED.items():
        uri = uri.replace(escaped, char).replace(escaped.lower(), char)
    return uri


def _header(headers: Mapping[str, str], name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name.lower()), None)


def sign(secret: str, method: str, uri: str, body: bytes, timestamp_ms: int) -> str:
    """The v3 signature HubSpot sends for this request (tests and the docs use it to sign)."""
    return Signature.get_signature(
        secret, body.decode("utf-8"), "v3", signed_uri(uri), method, str(timestamp_ms)
    )


def verify(
    secret: str, method: str, uri: str, body: bytes, headers: Mapping[str, str], now: datetime
) -> None:
    """Raise BadSignature unless the request is signed with `secret` within MAX_AGE of `now`."""
    signature = _header(headers, SIGNATURE_HEADER)
    stamp = _header(headers, TIMESTAMP_HEADER)
    if not signature or not stamp:
        raise BadSignature(
            f"unsigned request: HubSpot sends {SIGNATURE_HEADER} and {TIMESTAMP_HEADER}"
        )
    if not stamp.isdigit():
        raise BadSignature(f"{TIMESTAMP_HEADER} is not a time in milliseconds")
    age = now.timestamp() - int(stamp) / 1000
    if abs(age) > MAX_AGE.total_seconds():
        raise BadSignature(
            f"{TIMESTAMP_HEADER} is {age:.0f} s from now: older than 5 minutes (a replay?) "
            "or the clocks disagree"
        )
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadSignature("the body is not UTF-8: it cannot carry a valid signature") from None
    expected = Signature.get_signature(secret, text, "v3", signed_uri(uri), method, stamp)
    if not hmac.compare_digest(expected.encode(), signature.strip().encode()):
        raise BadSignature(
            f"{SIGNATURE_HEADER} does not match: check the app's client secret "
            "(LEADROUTER_HUBSPOT_CLIENT_SECRET) and, behind a proxy, LEADROUTER_PUBLIC_URL"
        )
