"""Lead dedupe: is this lead a person who already arrived as an earlier lead?

Three keys, each a plain string so that the store can look earlier leads up by them in a database:
the email normalized the way mail providers deliver it (case, "+tag" plus-addressing, dots in
Gmail addresses, googlemail.com = gmail.com), the phone in E.164, and the folded first and last
name, which only counts together with the same account. The policy decides what a duplicate means
(keep the existing owner, merge, route anew); nothing here deletes or merges anything.
`LeadIndex` is mutable and owned by the shell; this module must never do I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from leadrouter.matching.names import words
from leadrouter.model import Lead
from leadrouter.model.frozen import quick_init

# Providers that ignore dots in the local part and share one mailbox between their domains.
_GMAIL = "gmail.com"
_DOMAIN_ALIASES = {"googlemail.com": _GMAIL}


@quick_init
@dataclass(frozen=True, slots=True)
class KnownLead:
    """An earlier lead as the store remembers it, with its dedupe keys."""

    id: str
    owner: str | None
    email_key: str | None
    phone: str | None
    name_key: str | None
    account_id: str | None


@quick_init
@dataclass(frozen=True, slots=True)
class DedupeKeys:
    email_key: str | None
    phone: str | None
    name_key: str | None


def email_key(email: str) -> str | None:
    """The mailbox an address delivers to: "Jo.Doe+news@GoogleMail.com" -> "jodoe@gmail.com"."""
    local, at, domain = email.strip().casefold().rpartition("@")
    if not at or not local or not domain:
        return None
    local = local.split("+", 1)[0]
    domain = _DOMAIN_ALIASES.get(domain, domain)
    if domain == _GMAIL:
        local = local.replace(".", "")
    return f"{local}@{domain}" if local else None


def name_key(lead: Lead) -> str | None:
    """Folded "first last" of the lead (or its full name), None without both parts."""
    fields = lead.fields
    first, last = fields.get("first_name"), fields.get("last_name")
    if first and last:
        parts = _inner_words(first) + _inner_words(last)
    else:
        parts = _inner_words(fields.get("name") or "")
    if parts[:1] == ("the",):  # as `words` reads a whole name: a leading "the" is dropped
        parts = parts[1:]
    return " ".join(parts) if len(parts) >= 2 else None


@lru_cache(maxsize=8192)
def _inner_words(part: str) -> tuple[str, ...]:
    """`words` of part of a name as they read inside the name: a leading "the" is kept.

    Remembered per part, not per whole name, because first and last names each repeat far more
    than the pairs do; folding is per character, so a name's words are its parts' words joined.
    """
    # `words` drops a leading "the" only: a word before the part keeps the part's first word.
    return tuple(words(f"x {part}")[1:])


def dedupe_keys(lead: Lead) -> DedupeKeys:
    """The lead's dedupe keys; a key the lead lacks is None."""
    email = lead.fields.get("email")
    return DedupeKeys(
        email_key=email_key(email) if email else None,
        phone=lead.fields.get("phone") or None,
        name_key=name_key(lead),
    )


def _email_reason(email: str) -> str:
    local, _, domain = email.casefold().rpartition("@")
    changes = []
    if "+" in local:
        changes.append("plus-addressing removed")
    if _DOMAIN_ALIASES.get(domain, domain) == _GMAIL and "." in local.split("+", 1)[0]:
        changes.append("dots ignored, as Gmail does")
    if domain in _DOMAIN_ALIASES:
        changes.append(f"{domain} is {_DOMAIN_ALIASES[domain]}")
    return f"same email ({', '.join(changes)})" if changes else "same email"


class LeadIndex:
    """Earlier leads by their dedupe keys; `find` returns the one added last that matches.

    Leads are added oldest first, so a duplicate finds the most recent lead of the same person
    (whose owner is the one that counts now), as the store's newest-first lookup does.
    """

    __slots__ = ("_by_email", "_by_name", "_by_phone", "_count")

    def __init__(self) -> None:
        self._by_email: dict[str, KnownLead] = {}
        self._by_phone: dict[str, KnownLead] = {}
        self._by_name: dict[tuple[str, str], KnownLead] = {}
        self._count = 0

    def add(self, known: KnownLead) -> None:
        """Remember a lead newer than every one added before it."""
        if known.email_key:
            self._by_email[known.email_key] = known
        if known.phone:
            self._by_phone[known.phone] = known
        if known.name_key and known.account_id:
            self._by_name[(known.name_key, known.account_id)] = known
        self._count += 1

    def find(
        self, lead: Lead, account_id: str | None, keys: DedupeKeys | None = None
    ) -> tuple[KnownLead, str] | None:
        """The earlier lead this one duplicates and why (email, then phone, then name+account).

        `keys` are the lead's `dedupe_keys`, when the caller already has them (the batch needs
        them again to remember the lead), so that they are computed once per lead.
        """
        if keys is None:
            keys = dedupe_keys(lead)
        if keys.email_key and (known := self._by_email.get(keys.email_key)):
            return known, _email_reason(lead.fields["email"])
        if keys.phone and (known := self._by_phone.get(keys.phone)):
            return known, f"same phone {keys.phone}"
        if keys.name_key and account_id:
            known = self._by_name.get((keys.name_key, account_id))
            if known is not None:
                return known, "same name at the same account"
        return None

    def __len__(self) -> int:
        return self._count
