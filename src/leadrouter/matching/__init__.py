"""Lead-to-account matching and lead dedupe.

`AccountIndex.build(accounts)` compiles the accounts once; `.match(lead)` says which account a lead
belongs to, how sure it is and why. `load_accounts_csv(path)` reads an accounts file and reports its
problems by row. `LeadIndex` finds the earlier lead a new one duplicates. Pure: nothing here reads
the clock or does I/O, except `load_accounts_csv`, which reads the one file it is given.

Each name is imported from its module when first asked for: `policy check` reads the accounts file
without building an index, and should not pay for numpy, which only the index uses.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from leadrouter.matching.accounts_file import RowProblem, load_accounts_csv
    from leadrouter.matching.dedupe import DedupeKeys, KnownLead, LeadIndex, dedupe_keys
    from leadrouter.matching.index import (
        STRONG,
        TIE_BREAKERS,
        WEAK,
        AccountIndex,
        MatchResult,
    )

# name -> the module that defines it
_MODULES = {
    "RowProblem": "accounts_file",
    "load_accounts_csv": "accounts_file",
    "DedupeKeys": "dedupe",
    "KnownLead": "dedupe",
    "LeadIndex": "dedupe",
    "dedupe_keys": "dedupe",
    "STRONG": "index",
    "TIE_BREAKERS": "index",
    "WEAK": "index",
    "AccountIndex": "index",
    "MatchResult": "index",
}

__all__ = [
    "STRONG",
    "TIE_BREAKERS",
    "WEAK",
    "AccountIndex",
    "DedupeKeys",
    "KnownLead",
    "LeadIndex",
    "MatchResult",
    "RowProblem",
    "dedupe_keys",
    "load_accounts_csv",
]


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_MODULES[name]}"), name)
