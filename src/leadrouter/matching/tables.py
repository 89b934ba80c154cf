"""An account index's tables, while they are built or updated: words, postings, keys, domains.

`Tables` turns accounts into the lookup structures `AccountIndex` reads (an inverted index of name
words weighed by idf, a deletion index for typos, initials of long names, name keys, registrable
domains) and `freeze` hands them over. An update starts from an index's tables and never changes
the index it started from. Pure: no I/O.
"""

from __future__ import annotations

import math
import re
from array import array
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from leadrouter.matching.hierarchy import ultimate_parents
from leadrouter.matching.names import (
    COMMON_WORDS,
    STOPWORDS,
    is_identifier,
    name_key,
    name_tokens,
)
from leadrouter.matching.similarity import COMMON_FACTOR, MIN_TYPO_LENGTH
from leadrouter.model import Account
from leadrouter.normalize.domains import registrable_domain

if TYPE_CHECKING:
    from leadrouter.matching.index import AccountIndex

MIN_INITIALS = 3  # initials of names of three words or more ("cmu"); two letters say too little


def typo_variants(token: str) -> list[str]:
    """The token with one letter deleted, each way."""
    return [token[:i] + token[i + 1 :] for i in range(len(token))]


def initials(tokens: tuple[str, ...]) -> set[str]:
    """The initials a name is written as: of every word, and of the words but stopwords."""
    if len(tokens) < MIN_INITIALS:
        return set()
    every = "".join(t[0] for t in tokens)
    kept = "".join(t[0] for t in tokens if t not in STOPWORDS)
    return {a for a in (every, kept) if len(a) >= MIN_INITIALS and a.isalpha()}


def tops(accounts: tuple[Account, ...], by_id: dict[str, int]) -> array:
    """The slot of each live account's ultimate parent (a removed account's slot: itself)."""
    # Only accounts with a parent, and their parents, can head another account's chain: most
    # accounts have none and head their own.
    links = {
        account_id: parent
        for account_id, i in by_id.items()
        if (parent := accounts[i].parent) is not None
    }
    for parent in list(links.values()):
        if parent not in links and parent in by_id:
            links[parent] = None
    top = array("i", range(len(accounts)))
    for account_id, head in ultimate_parents(links).items():
        top[by_id[account_id]] = by_id[head]
    return top


def _append(table: dict[str, Any], key: str, value: int) -> None:
    # Values are tuples in a finished index and lists while tables are built; `Tables.freeze`
    # turns the lists back into tuples.
    known = table.get(key)
    if known is None:
        table[key] = [value]
    elif type(known) is tuple:
        table[key] = [*known, value]
    else:
        known.append(value)


def _without(table: dict[str, Any], key: str, values: set[int]) -> None:
    rest = [v for v in table.get(key, ()) if v not in values]
    if rest:
        table[key] = rest
    else:
        table.pop(key, None)


class Tables:
    """An index's tables while they are built or updated; `freeze` makes them an index.

    An update starts from shallow copies of an index's tables and copies each posting list before
    changing it, so that the index it started from never changes.
    """

    def __init__(self, index: AccountIndex | None = None) -> None:
        self.domains: dict[str, Any] = dict(index._domains) if index else {}
        self.keys: dict[str, Any] = dict(index._keys) if index else {}
        self.vocab: dict[str, int] = dict(index._vocab) if index else {}
        self.words: list[str] = list(index._words) if index else []
        self.identifiers: set[str] = set(index._identifiers) if index else set()
        self.weights = array("d", index._weights) if index else array("d")
        self.postings: list[array] = list(index._postings) if index else []
        self.deletes: dict[str, Any] = dict(index._deletes) if index else {}
        self.initials: dict[str, Any] = dict(index._initials) if index else {}
        self.entry_account = array("i", index._entry_account) if index else array("i")
        self.entry_tokens: list[tuple[str, ...]] = list(index._entry_tokens) if index else []
        self.entry_text: list[str] = list(index._entry_text) if index else []
        self.entry_weight = array("d", index._entry_weight) if index else array("d")
        self.live = index._live_entries if index else 0
        self.added = self.dropped = 0
        self.touched: set[int] = set()  # words whose posting lists changed
        self._shared = len(self.postings)  # posting lists below this id belong to `index`
        self._copied: set[int] = set()
        # Keys whose entries changed in an update; a build freezes every key.
        self._updating = index is not None
        self._changed_domains: set[str] = set()
        self._changed_keys: set[str] = set()
        self._changed_initials: set[str] = set()

    def _postings_to_change(self, tid: int) -> array:
        postings = self.postings[tid]
        if tid < self._shared and tid not in self._copied:
            postings = self.postings[tid] = array("i", postings)
            self._copied.add(tid)
        self.touched.add(tid)
        return postings

    def _new_word(self, token: str) -> int:
        tid = self.vocab[token] = len(self.words)
        self.words.append(token)
        self.postings.append(array("i"))
        self.weights.append(0.0)
        if is_identifier(token):
            self.identifiers.add(token)
        elif len(token) >= MIN_TYPO_LENGTH:
            deletes = self.deletes
            # A set: a doubled letter ("accel") gives the same deletion twice.
            for variant in set(typo_variants(token)):
                known = deletes.get(variant)
                if known is None:
                    deletes[variant] = tid
                elif isinstance(known, int):
                    deletes[variant] = (known, tid)
                else:
                    deletes[variant] = (*known, tid)
        return tid

    def add(self, i: int, account: Account) -> None:
        """Index account slot i: its domains and each distinct name (name and aliases)."""
        # Runs once per account of a build: locals, and no change tracking outside updates.
        updating = self._updating
        for domain in account_domains(account):
            _append(self.domains, domain, i)
            if updating:
                self._changed_domains.add(domain)
        texts = (account.name, *account.aliases) if account.aliases else (account.name,)
        seen: set[str] = set()
        vocab, words, all_postings = self.vocab, self.words, self.postings
        entry_tokens, shared = self.entry_tokens, self._shared
        for text in texts:
            tokens = name_tokens(text)
            if tokens is None:
                continue
            key = name_key(tokens)
            if key in seen:
                continue
            seen.add(key)
            entry = len(entry_tokens)
            tids = []
            # `_postings_to_change` inlined: this loop runs once per word of every account name.
            for token in tokens:
                tid = vocab.get(token)
                if tid is None:
                    tid = self._new_word(token)
                elif tid < shared:
                    self._postings_to_change(tid)
                postings = all_postings[tid]
                if not postings or postings[-1] != entry:  # a word twice in a name: posted once
                    postings.append(entry)
                tids.append(tid)
            # The vocabulary's copy of each word: one string object per distinct word.
            entry_tokens.append(tuple(map(words.__getitem__, tids)))
            self.entry_account.append(i)
            self.entry_text.append(text)
            self.entry_weight.append(0.0)
            _append(self.keys, key, entry)
            for written in initials(tokens):
                _append(self.initials, written, entry)
                if updating:
                    self._changed_initials.add(written)
            if updating:
                self.touched.update(tids)
                self._changed_keys.add(key)
        self.live += len(seen)
        self.added += len(seen)

    def drop(self, i: int, account: Account) -> None:
        """Unindex account slot i, whose account was `account`."""
        for domain in account_domains(account):
            _without(self.domains, domain, {i})
            self._changed_domains.add(domain)
        for text in (account.name, *account.aliases):
            tokens = name_tokens(text)
            if tokens is None:
                continue
            key = name_key(tokens)
            entries = {e for e in self.keys.get(key, ()) if self.entry_account[e] == i}
            if not entries:
                continue  # an alias with the same key as the name: dropped with the name
            _without(self.keys, key, entries)
            self._changed_keys.add(key)
            for entry in entries:
                for token in set(self.entry_tokens[entry]):
                    self._postings_to_change(self.vocab[token]).remove(entry)
                self.entry_account[entry] = -1
                self.live -= 1
                self.dropped += 1

    def weigh(self, tids: Iterable[int], entries: Iterable[int]) -> None:
        """Weigh the words (idf, common words damped), then the names (sum of their words)."""
        total = self.live + 1
        weights, words, postings = self.weights, self.words, self.postings
        for tid in tids:
            # +0.1: no word weighs nothing; a word no name carries any more weighs as unknown.
            weight = math.log(total / (len(postings[tid]) or 1)) + 0.1
            weights[tid] = weight * COMMON_FACTOR if words[tid] in COMMON_WORDS else weight
        vocab, tokens = self.vocab, self.entry_tokens
        for entry in entries:
            self.entry_weight[entry] = sum(
                map(weights.__getitem__, map(vocab.__getitem__, set(tokens[entry])))
            )

    def reweighed_entries(self) -> set[int]:
        """The names that carry a word whose weight changed."""
        return {entry for tid in self.touched for entry in self.postings[tid]}

    def freeze(self) -> dict[str, Any]:
        """The tables as `AccountIndex` fields; the tables must not be used afterwards."""
        tables = (
            (self.domains, self._changed_domains),
            (self.keys, self._changed_keys),
            (self.initials, self._changed_initials),
        )
        for table, changed in tables:
            for key in changed if self._updating else list(table):
                if key in table:
                    table[key] = tuple(table[key])
        return {
            "_domains": self.domains,
            "_keys": self.keys,
            "_vocab": self.vocab,
            "_words": tuple(self.words),
            "_identifiers": self.identifiers,
            "_weights": self.weights,
            "_postings": self.postings,
            "_deletes": self.deletes,
            "_initials": self.initials,
            "_entry_account": self.entry_account,
            "_entry_tokens": self.entry_tokens,
            "_entry_text": self.entry_text,
            "_entry_weight": self.entry_weight,
            "_unknown_weight": math.log(self.live + 1) + 0.1,
            "_live_entries": self.live,
        }


# A lower-case host: a label, then the rest ("acme" + "co.uk").
_BARE_DOMAIN = re.compile(r"[a-z0-9-]+\.([a-z]+(?:\.[a-z]+)*)")


@lru_cache(maxsize=4096)
def _is_public_suffix(rest: str) -> bool:
    """True when any label before `rest` is a registrable domain ("co.uk": yes; "kobe.jp": no)."""
    # Probed once per suffix with a made-up label; a wildcard rule ("*.kobe.jp") makes the probe a
    # suffix itself, so such suffixes take the full lookup for every domain.
    probe = f"x.{rest}"
    return registrable_domain(probe) == probe


def account_domains(account: Account) -> list[str]:
    """The account's registrable domains.

    Free-mail domains are kept: `match` never looks a free-mail domain up, and testing each
    account's domain against the free-mail list here would cost a suffix-list lookup per account,
    a third of the build of a large account book.
    """
    out = []
    for text in account.domains:
        # "acme.com" and "acme.co.uk" are their own registrable domains: one suffix-list lookup
        # per suffix instead of one per account halves the build of a large account book (the
        # accounts file stores domains this way).
        bare = _BARE_DOMAIN.fullmatch(text)
        domain = text if bare and _is_public_suffix(bare[1]) else registrable_domain(text)
        if domain is not None and domain not in out:
            out.append(domain)
    return out
