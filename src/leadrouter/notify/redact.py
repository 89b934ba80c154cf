"""Masking secrets in any text that may be stored, logged or shown: delivery errors first of all.

A Slack incoming-webhook URL is itself the credential, a webhook URL may carry a token in its
path or query, and an SMTP server may echo a login. So every text that leaves a channel sender
goes through `redact` before it can reach the outbox's `last_error`, a log line or an API answer:
the known secrets of the configured endpoints are masked wherever they appear, and every URL is
cut to its scheme and host (enough to tell which endpoint failed), with user-info, path and query
masked. Tokens that look like credentials (API keys, bearer tokens, `password=` pairs) are masked
too, known or not. Pure: no settings, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "[redacted]"

# scheme://[userinfo@]host[:port][path?query#fragment], the path ending before whitespace or a
# trailing punctuation mark (the "POST <url>: HTTP 404" of an error message keeps its colon).
_URL = re.compile(
    r"(?P<scheme>\b[a-z][a-z0-9+.-]*://)(?P<userinfo>[^\s/?#@]*@)?(?P<host>[^\s/?#:]*(?::\d+)?)"
    r"(?P<rest>[^\s]*?)(?=[\"'),;:.\]]*(?:\s|$))",
    re.IGNORECASE,
)
_CREDENTIALS = (
    re.compile(r"\blr_[A-Za-z0-9_-]{16,}"),  # leadrouter API keys
    re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{8,}"),  # Slack tokens
    re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"),
    re.compile(r"(?i)\b(password|passwd|secret|token|api_key|apikey)=[^\s&,;\"']+"),
)


def _url(match: re.Match[str]) -> str:
    hidden = match["userinfo"] or match["rest"] not in ("", "/")
    return f"{match['scheme']}{match['host']}/{MASK}" if hidden else match[0]


def _credential(match: re.Match[str]) -> str:
    if match.lastindex:  # "Bearer <token>", "password=<value>": keep the word, mask the value
        word = match[1]
        return f"{word} {MASK}" if word.lower() in ("bearer", "basic") else f"{word}={MASK}"
    return MASK


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """`text` with each of `secrets`, every URL's path and every credential-like token masked."""
    text = _URL.sub(_url, text)  # first: a failed endpoint stays named by its host
    # Longest first: a secret is masked whole before any shorter secret inside it is.
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    for pattern in _CREDENTIALS:
        text = pattern.sub(_credential, text)
    return text
