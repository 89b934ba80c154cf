"""The earlier leads of a batch being routed, for dedupe: for each lead, the most recent routed
leads sharing one of its keys (email, phone, name), read in one statement for the whole batch,
and the index the engine asks, in which the batch's own earlier leads come first."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    Select,
    String,
    bindparam,
    column,
    literal,
    or_,
    select,
    text,
    union_all,
)

from leadrouter.leads.models import ROUTED, LeadRow
from leadrouter.matching import DedupeKeys, KnownLead, LeadIndex, dedupe_keys
from leadrouter.model import Lead
from leadrouter.store.round_trip import Done, Step

# Earlier leads considered for duplicates: the most recent few are what sticky ownership needs.
KNOWN_LEADS_LIMIT = 20

_LEADS = LeadRow.__table__
_KNOWN_COLUMNS = (
    _LEADS.c.id,
    _LEADS.c.owner,
    _LEADS.c.email_key,
    _LEADS.c.phone,
    _LEADS.c.name_key,
    _LEADS.c.account_id,
)


@lru_cache(maxsize=64)
def _known_query(count: int) -> Select[Any]:
    """For each of `count` leads (its keys bound as b_email_<n>, b_phone_<n>, b_name_<n>, NULL
    for a key it lacks), the most recent routed leads sharing a key, tagged with n: one
    statement for a whole batch, one per batch size (SQLite, which has no LATERAL)."""
    parts = []
    for n in range(count):
        same = or_(
            _LEADS.c.email_key == bindparam(f"b_email_{n}", type_=String),
            _LEADS.c.phone == bindparam(f"b_phone_{n}", type_=String),
            _LEADS.c.name_key == bindparam(f"b_name_{n}", type_=String),
        )
        newest = (
            select(literal(n).label("n"), *_KNOWN_COLUMNS, _LEADS.c.received_at)
            .where(same, _LEADS.c.id != bindparam(f"b_id_{n}"), _LEADS.c.status == literal(ROUTED))
            .order_by(_LEADS.c.received_at.desc())
            .limit(KNOWN_LEADS_LIMIT)
            .subquery()
        )
        parts.append(select(newest))
    everything = union_all(*parts).subquery()
    return select(everything).order_by(everything.c.n, everything.c.received_at.desc())


# PostgreSQL: one statement for every batch size, the keys as arrays and a lateral subquery per
# lead. Planned anew for each batch (`store/database.py`), one subquery costs a fifth of what the
# union of one per lead does; the result is the same.
_KNOWN_POSTGRES = (
    text(
        """
SELECT k.n - 1, l.id, l.owner, l.email_key, l.phone, l.name_key, l.account_id, l.received_at
FROM unnest(CAST(:b_ids AS text[]), CAST(:b_emails AS text[]), CAST(:b_phones AS text[]),
            CAST(:b_names AS text[])) WITH ORDINALITY AS k(id, email, phone, name, n)
CROSS JOIN LATERAL (
    SELECT id, owner, email_key, phone, name_key, account_id, received_at FROM leads
    WHERE (email_key = k.email OR phone = k.phone OR name_key = k.name)
      AND id <> k.id AND status = :b_routed
    ORDER BY received_at DESC LIMIT :b_limit
) AS l
ORDER BY k.n, l.received_at DESC
"""
    )
    .bindparams(bindparam("b_routed", ROUTED), bindparam("b_limit", KNOWN_LEADS_LIMIT))
    .columns(
        column("n", Integer),
        *(column(c.name, c.type) for c in _KNOWN_COLUMNS),
        column("received_at", _LEADS.c.received_at.type),
    )
)


def known_step(connection: Connection, lead_ids: Sequence[str], keys: Sequence[DedupeKeys]) -> Step:
    """The query for each lead's stored routed leads sharing one of its keys."""
    if connection.dialect.name == "postgresql":
        return Step(
            _KNOWN_POSTGRES,
            {
                "b_ids": list(lead_ids),
                "b_emails": [k.email_key for k in keys],
                "b_phones": [k.phone for k in keys],
                "b_names": [k.name_key for k in keys],
            },
        )
    params: dict[str, str | None] = {}
    for n, (lead_id, lead_keys) in enumerate(zip(lead_ids, keys, strict=True)):
        params[f"b_id_{n}"] = lead_id
        params[f"b_email_{n}"] = lead_keys.email_key
        params[f"b_phone_{n}"] = lead_keys.phone
        params[f"b_name_{n}"] = lead_keys.name_key
    return Step(_known_query(len(lead_ids)), params)


def stored_known(done: Done, count: int) -> list[list[KnownLead]]:
    """For each of `count` leads, the stored routed leads sharing one of its keys, newest first."""
    found: list[list[KnownLead]] = [[] for _ in range(count)]
    for n, *known, _ in done.rows:
        found[n].append(KnownLead(*known))
    return found


class BatchKnown:
    """The earlier leads of each lead of a batch: the batch's leads routed before it (newest
    first), then the stored leads sharing one of its keys (newest first), as one index in which
    the newest answers."""

    __slots__ = ("_earlier", "_stored")

    def __init__(self, lead_ids: Sequence[str], stored: Sequence[Sequence[KnownLead]]) -> None:
        self._stored = dict(zip(lead_ids, stored, strict=True))
        self._earlier: list[KnownLead] = []

    def add(self, known: KnownLead) -> None:
        self._earlier.insert(0, known)

    def find(
        self, lead: Lead, account_id: str | None, keys: DedupeKeys | None = None
    ) -> tuple[KnownLead, str] | None:
        keys = keys if keys is not None else dedupe_keys(lead)
        if not (keys.email_key or keys.phone or keys.name_key):
            return None
        index = LeadIndex()
        for known in reversed((*self._earlier, *self._stored.get(lead.id or "", ()))):
            index.add(known)
        return index.find(lead, account_id, keys)
