"""Lead-to-account matching and lead dedupe.

`AccountIndex.build(accounts)` compiles the accounts once; `.match(lead)` says which account a lead
belongs to, how sure it is and why. `load_accounts_csv(path)` reads an accounts file and reports its
problems by row. `LeadIndex` finds the earlier lead a new one duplicates. Pure: nothing here reads
the clock or does I/O, except `load_accounts_csv`, which reads the one file it is given.
"""

from leadrouter.matching.accounts_file import RowProblem, load_accounts_csv
from leadrouter.matching.dedupe import DedupeKeys, KnownLead, LeadIndex, dedupe_keys
from leadrouter.matching.index import STRONG, TIE_BREAKERS, WEAK, AccountIndex, MatchResult

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
