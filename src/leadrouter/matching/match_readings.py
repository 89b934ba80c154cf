"""A lead's account match as plain values, to cross to another process.

A backtest's two processes (`experiments/sides`) each match half the leads to the same account
book and swap what they found. What crosses the pipe names each account by its id, and notes as
tuples and dicts, which pickle writes and reads in C; the receiver rebuilds the very MatchResult
`AccountIndex.match` made, with the accounts of its own copy of the index (the same objects a
match there would hold). Never for two different books: an id names an account in one book only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from leadrouter.matching.judge import MatchResult
from leadrouter.model import Account, AccountMatch, Note

if TYPE_CHECKING:
    from leadrouter.matching.index import AccountIndex

# (account id, confidence, method, reason, strong, ultimate parent id, runner-up id)
Found = tuple[str, float, str, str, bool, str | None, str | None]
# (the match or None, the notes as (code, message, data or None))
MatchReadings = tuple[Found | None, list[tuple[Any, str, dict[str, Any] | None]]]


def match_readings(result: MatchResult) -> MatchReadings:
    """What matching a lead found, as plain values."""
    m = result.match
    found = None
    if m is not None:
        top, runner = m.ultimate_parent, m.runner_up
        found = (
            m.account.id,
            m.confidence,
            m.method,
            m.reason,
            m.strong,
            top.id if top is not None else None,
            runner.id if runner is not None else None,
        )
    notes = [(n.code, n.message, dict(n.data) if n.data else None) for n in result.notes]
    return found, notes


def match_from(readings: MatchReadings, index: AccountIndex) -> MatchResult:
    """The MatchResult that `match_readings` was given, made again with `index`'s accounts."""
    found, notes = readings
    match = None
    if found is not None:
        account, confidence, method, reason, strong, top, runner = found
        match = AccountMatch(
            _account(index, account),
            confidence,
            method,
            reason,
            strong,
            _account(index, top) if top is not None else None,
            _account(index, runner) if runner is not None else None,
        )
    # A note without data holds the shared empty mapping, as the matcher's own do.
    made = [Note(c, m, data) if data else Note(c, m) for c, m, data in notes]
    return MatchResult(match, tuple(made))


def _account(index: AccountIndex, account_id: str) -> Account:
    account = index.get(account_id)
    if account is None:  # the other process matched with another book: a programming error
        raise LookupError(f"account {account_id!r} is not in this process's index")
    return account
