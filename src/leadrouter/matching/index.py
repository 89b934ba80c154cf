"""The account index: which account a lead belongs to, how sure we are, and why.

Built once from the accounts (`AccountIndex.build`), immutable afterwards, and consulted for every
lead (`match`). Evidence, strongest first: the registrable domain of the lead's email or website
(never a free-mail domain), the company name (read by `names`, candidates found by `lookup`,
compared word by word by `similarity`: containment, typos, joined words, initials), and
supporting fields (country, phone), weighed by `judge`; `tables` builds what they read.
Confidence at or above `strong` means the lead joins the account; between `weak` and `strong` the
match is returned with `strong=False` for the policy to decide (review, or the owner with a flag);
below `weak` nothing is matched. Ties are broken by the documented `TIE_BREAKERS` and always make
the match weak. Pure: no I/O, no clock, no randomness; the per-lead path never scans all
accounts. The tables' fields are private to this package: its modules read them, nothing outside
does.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from typing import Any

from leadrouter.collector import collection_paused
from leadrouter.matching import lookup
from leadrouter.matching.judge import MOST_ADDED, TIE_BREAKERS, MatchResult, decide, judge
from leadrouter.matching.names import company_name
from leadrouter.matching.tables import Tables, tops
from leadrouter.model import Account, Lead, Note, Reason
from leadrouter.normalize.domains import is_free_email_domain

__all__ = ["STRONG", "TIE_BREAKERS", "WEAK", "AccountIndex", "MatchResult"]

STRONG = 0.9  # default: at or above, the lead joins the account
WEAK = 0.8  # default: below, no match; in between, a grey-zone match (strong=False)
_COMPARISON, _KIND = itemgetter(0), attrgetter("kind")  # of a name hit
# `with_accounts` updates in place of a full build until this share of the names has changed.
_REBUILD_SHARE = 0.05


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class AccountIndex:
    """Accounts compiled for matching; build with `AccountIndex.build`."""

    strong: float
    weak: float
    _accounts: tuple[Account, ...]  # slot -> account; a removed account's slot stays, unreachable
    _by_id: dict[str, int]  # the live accounts' slots
    _top: array  # slot of each account's ultimate parent
    _domains: dict[str, tuple[int, ...]]
    _keys: dict[str, tuple[int, ...]]  # CompanyName.key -> entries
    _vocab: dict[str, int]  # token -> token id
    _words: tuple[str, ...]  # token id -> token
    _identifiers: set[str]  # the words that are identifiers (`names.is_identifier`)
    _weights: array  # token id -> weight (idf, common words damped)
    _postings: list[array]  # token id -> entries carrying it
    _deletes: dict[str, Any]  # a token with one letter deleted -> token id or tuple of ids
    _initials: dict[str, tuple[int, ...]]  # initials of names of three words or more -> entries
    _entry_account: array  # entry (a name or an alias) -> account slot, -1 once removed
    _entry_tokens: list[tuple[str, ...]]
    _entry_text: list[str]
    _entry_weight: array
    _unknown_weight: float  # weight of a lead word no account name has
    _live_entries: int
    _stale_entries: int  # entries added or removed since the last full build
    _parents: frozenset[str]  # ids that some account names as its parent (and maybe a few more)

    # ------------------------------------------------------------ building

    @classmethod
    def build(
        cls, accounts: Iterable[Account], *, strong: float = STRONG, weak: float = WEAK
    ) -> AccountIndex:
        """Compile accounts (a later account with the same id replaces an earlier one)."""
        if not 0.0 < weak <= strong <= 1.0:
            raise ValueError(
                f"thresholds must satisfy 0 < weak <= strong <= 1, got {weak}, {strong}"
            )
        with collection_paused():
            latest = {account.id: account for account in accounts}
            ordered = tuple(latest.values())
            by_id = {account.id: i for i, account in enumerate(ordered)}
            tables = Tables()
            for i, account in enumerate(ordered):
                tables.add(i, account)
            tables.weigh(range(len(tables.words)), range(len(tables.entry_tokens)))
            top = tops(ordered, by_id)
            parents = frozenset(a.parent for a in ordered if a.parent is not None)
            return cls(
                strong=strong,
                weak=weak,
                _accounts=ordered,
                _by_id=by_id,
                _top=top,
                _parents=parents,
                _stale_entries=0,
                **tables.freeze(),
            )

    def with_accounts(
        self, changed: Iterable[Account], removed: Iterable[str] = ()
    ) -> AccountIndex:
        """A new index with accounts added, replaced or removed; this one stays as it was.

        Incremental: only the changed accounts' names and domains are indexed again, and the
        words they carry are weighed again. The other words keep the weight they had, computed
        for the number of names at the time; once the names added or removed since the last full
        build exceed `_REBUILD_SHARE` of the index, a full build runs instead, so that no weight is
        off by more than log(1 + _REBUILD_SHARE), 0.05.
        """
        changes = {account.id: account for account in changed}
        accounts = list(self._accounts)
        by_id = dict(self._by_id)
        tables = Tables(self)
        # Ultimate parents are worked out again (a pass over all accounts) only when a parent link
        # changes or an account that is some account's parent comes or goes.
        parents = self._parents
        hierarchy_changed = False
        for account_id in removed:
            i = by_id.get(account_id)
            if i is not None and account_id not in changes:
                del by_id[account_id]
                tables.drop(i, accounts[i])
                hierarchy_changed = hierarchy_changed or account_id in parents
        for account in changes.values():
            i = by_id.get(account.id)
            if i is None:
                i = by_id[account.id] = len(accounts)
                accounts.append(account)
                hierarchy_changed = (
                    hierarchy_changed or account.parent is not None or account.id in parents
                )
            else:
                tables.drop(i, accounts[i])
                hierarchy_changed = hierarchy_changed or accounts[i].parent != account.parent
                accounts[i] = account
            tables.add(i, account)
        stale = self._stale_entries + tables.added + tables.dropped
        if stale > _REBUILD_SHARE * max(tables.live, 1):
            live = (accounts[i] for i in sorted(by_id.values()))
            return AccountIndex.build(live, strong=self.strong, weak=self.weak)
        tables.weigh(tables.touched, tables.reweighed_entries())
        ordered = tuple(accounts)
        if hierarchy_changed:
            top = tops(ordered, by_id)
            parents = parents | {a.parent for a in changes.values() if a.parent is not None}
        else:  # new accounts head their own chains
            top = array("i", self._top)
            top.extend(range(len(top), len(ordered)))
        return AccountIndex(
            strong=self.strong,
            weak=self.weak,
            _accounts=ordered,
            _by_id=by_id,
            _top=top,
            _parents=parents,
            _stale_entries=stale,
            **tables.freeze(),
        )

    # ------------------------------------------------------------ lookups

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, account_id: str) -> Account | None:
        """The account with this id, or None."""
        i = self._by_id.get(account_id)
        return None if i is None else self._accounts[i]

    def ultimate_parent(self, account_id: str) -> Account | None:
        """Top of the account's parent chain (the account itself when it has no parent)."""
        i = self._by_id.get(account_id)
        return None if i is None else self._accounts[self._top[i]]

    # ------------------------------------------------------------ matching

    def match(self, lead: Lead) -> MatchResult:
        """The lead's account with confidence and reasons, or no match with the reason why."""
        fields = lead.fields
        evidence: list[str] = []
        domain_hits = self._domain_hits(lead, evidence)
        company = fields.get("company")
        name = None
        if company:
            name = company_name(company)
            if name is None:
                evidence.append(f"company {company!r} is a placeholder: not matched")
        else:
            evidence.extend(
                f"company {w.raw!r} is a placeholder: not matched"
                for w in lead.warnings
                if w.field == "company" and w.raw
            )
        # A name alone that stays below the weak bar with every bonus cannot be a candidate nor
        # a country conflict (whose name scores at least weak): most names are not compared in
        # full, and of those compared most are not judged.
        floor = self.weak - MOST_ADDED - 0.001
        name_hits = lookup.name_hits(self, name, floor, domain_hits) if name is not None else {}
        judged = [
            judge(self, i, domain_hits.get(i), name_hits.get(i), company, name, fields)
            for i in {**domain_hits, **name_hits}
            if i in domain_hits or name_hits[i][0].score >= floor
        ]
        candidates = [c for c in judged if c.confidence >= self.weak]
        if not candidates:
            conflicts = [c for c in judged if c.country_conflict]
            if conflicts:
                c = max(conflicts, key=lambda c: (c.name_score, -c.index))
                account = self._accounts[c.index]
                why = c.evidence.form if c.evidence is not None else None
                evidence.append(
                    f"{account.name} ({account.id}) has a name like company {company!r} but is in "
                    f"{account.country}, not {fields.get('country')}, and {why}: "
                    "another company of the same name"
                )
            elif name is not None:
                evidence.append(self._unmatched_name(company, name_hits))
            if not domain_hits and not evidence:
                domains = [fields[f] for f in ("email_domain", "website_domain") if fields.get(f)]
                evidence.append(
                    f"no account has the domain {' or '.join(dict.fromkeys(domains))}"
                    if domains
                    else "the lead has no company, email domain or website to match on"
                )
            message = "no account matched: " + "; ".join(evidence)
            return MatchResult(None, (Note(Reason.ACCOUNT_NOT_MATCHED, message),))
        return decide(self, candidates, evidence)

    def _unmatched_name(self, company: str, name_hits: dict[int, lookup.Hit]) -> str:
        """Why no account's name matched the company, for the trace."""
        # Most leads that match nothing have no such name: the test runs in C.
        if "reordered" not in map(_KIND, map(_COMPARISON, name_hits.values())):
            return f"no account name resembles company {company!r}"
        reordered = [i for i, hit in name_hits.items() if hit[0].kind == "reordered"]
        i = min(reordered, key=lambda i: (-name_hits[i][0].score, i))
        account, extra = self._accounts[i], ", ".join(name_hits[i][0].lead_extra)
        other = f"the company adds {extra}" if extra else "one of them is spelt otherwise"
        return (
            f"{account.name} ({account.id}) has the words of company {company!r} in another "
            f"order, and {other}: another company of like words"
        )

    def _domain_hits(self, lead: Lead, evidence: list[str]) -> dict[int, str]:
        hits: dict[int, str] = {}
        fields = lead.fields
        for field, label in (("email_domain", "the email"), ("website_domain", "the website")):
            domain = fields.get(field)
            if not domain:
                continue
            if (field == "email_domain" and fields.get("free_email")) or is_free_email_domain(
                domain
            ):
                evidence.append(f"{domain} is a free-mail domain: not used for matching")
                continue
            for i in self._domains.get(domain, ()):
                hits.setdefault(i, f"domain {domain} of {label}")
        if "email_domain" not in fields:
            evidence.extend(
                f"email {w.raw!r} is not an email address: not used for matching"
                for w in lead.warnings
                if w.field == "email" and w.raw
            )
        return hits
