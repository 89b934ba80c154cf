"""Enrichment before routing (pure): fill the fields a lead lacks, first from its matched account,
then from what an enrichment provider answered, and say in the trace what was filled from where.

The provider is called in the shell before routing (`leads/provider.py`), never here: its
answer travels with the stored lead as `enrichment.*` keys of the raw payload (a field's value,
`enrichment.source`, `enrichment.status`), so a lead routed later (a sweep, a reroute) is decided
from the same data. A field the lead has is never overwritten; a provider that timed out or had
no budget left leaves a note, and the lead routes with what it has.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from leadrouter.model import AccountMatch, Note, Reason
from leadrouter.normalize import normalize_lead

PREFIX = "enrichment."
SOURCE = PREFIX + "source"
STATUS = PREFIX + "status"
DETAIL = PREFIX + "detail"
# Fields the account book fills, as (lead field, account attribute); its values are normalized
# when the book is loaded (`matching/accounts_file.py`), so nothing is parsed per lead.
ACCOUNT_FIELDS = (("country", "country"), ("employees", "employees"), ("industry", "industry"))
# What normalization derives from a field, filled with it.
_DERIVED = {
    "employees": ("employees_min", "employees_max"),
    "revenue": ("revenue_min", "revenue_max"),
}


def enrich(ctx: dict[str, Any], raw: Mapping[str, Any], match: AccountMatch | None) -> list[Note]:
    """Fill the missing fields of `ctx` from the account, then the provider; the notes saying
    what was filled, from where (and why the provider gave nothing, when it did not)."""
    notes: list[Note] = []
    if match is not None:
        account = match.account
        filled = {}
        for name, attribute in ACCOUNT_FIELDS:
            value = getattr(account, attribute)
            if name not in ctx and value is not None:
                ctx[name] = value
                filled[name] = value
                for derived in _DERIVED.get(name, ()):  # one head count: both bounds
                    ctx.setdefault(derived, value)
        if filled:
            notes.append(_note(f"account {account.name} ({account.id})", filled))
    if SOURCE not in raw:
        return notes
    source = str(raw[SOURCE])
    status = str(raw.get(STATUS, "ok"))
    if status not in ("ok", "cached"):
        detail = raw.get(DETAIL) or status
        notes.append(
            Note(
                Reason.ENRICHMENT_MISSED,
                f"provider {source}: {detail}; routed with what the lead had",
                {"source": source, "status": status},
            )
        )
        return notes
    given = {k[len(PREFIX) :]: v for k, v in raw.items() if k.startswith(PREFIX)}
    for key in ("source", "status", "detail"):
        given.pop(key, None)
    clean = normalize_lead(given).fields if given else {}
    filled = {}
    for name, value in clean.items():
        if name not in ctx and name not in _derived_names():
            ctx[name] = value
            filled[name] = value
            for derived in _DERIVED.get(name, ()):
                if derived in clean and derived not in ctx:
                    ctx[derived] = clean[derived]
    if filled:
        notes.append(
            _note(f"provider {source}" + (" (cached)" if status == "cached" else ""), filled)
        )
    return notes


def _derived_names() -> frozenset[str]:
    return frozenset(d for pair in _DERIVED.values() for d in pair)


def _note(source: str, filled: Mapping[str, Any]) -> Note:
    shown = ", ".join(f"{k} = {_show(v)}" for k, v in filled.items())
    return Note(Reason.ENRICHED, f"filled from {source}: {shown}", {"source": source, **filled})


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
