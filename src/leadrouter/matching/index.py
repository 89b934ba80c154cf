"""The account index: which account a lead belongs to, how sure we are, and why.

Built once from the accounts (`AccountIndex.build`), immutable afterwards, and consulted for every
lead (`match`). Evidence, strongest first: the registrable domain of the lead's email or website
(never a free-mail domain), the company name (normalized by `names`, candidates found through an
inverted index of name tokens and a deletion index for typos, then scored with rapidfuzz), and
supporting fields (country, phone). Confidence at or above `strong` means the lead joins the
account; between `weak` and `strong` the match is returned with `strong=False` for the policy to
decide (review, or the owner with a flag); below `weak` nothing is matched. Ties are broken by the
documented `TIE_BREAKERS` and always make the match weak. Pure: no I/O, no clock, no randomness;
the per-lead path never scans all accounts.
"""

from __future__ import annotations

import gc
import math
import re
from array import array
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import repeat
from operator import add
from typing import Any

import numpy as np
from rapidfuzz.distance import OSA

from leadrouter.matching.hierarchy import ultimate_parents
from leadrouter.matching.names import (
    COMMON_WORDS,
    PLACES,
    CompanyName,
    company_name,
    is_identifier,
    name_key,
    name_tokens,
    read_company_name,
)
from leadrouter.model import Account, AccountMatch, AccountType, Lead, Note, Reason
from leadrouter.normalize.domains import is_free_email_domain, registrable_domain

STRONG = 0.9  # default: at or above, the lead joins the account
WEAK = 0.8  # default: below, no match; in between, a grey-zone match (strong=False)

# Confidence of each kind of evidence. A registrable domain is the company's own: with a company
# name that resembles the account 0.99, without a usable company name 0.95, with one that does not
# resemble 0.91. A name can be shared by unrelated companies, so a name alone scores its similarity
# capped at 0.97. Then the country adds 0.02 when it agrees and, for name matches, takes 0.15 when
# it differs, or 0.2 when the legal forms differ too (see `_judge`); an agreeing phone adds 0.05;
# nothing exceeds 0.99.
_DOMAIN_AND_NAME = 0.99
_DOMAIN_ONLY = 0.95
_DOMAIN_NAME_DIFFERS = 0.91
_DOMAIN_NAME_ELSEWHERE = 0.8  # the company name points to another account: weak, for review
_NAME_CAP = 0.97
_COUNTRY_AGREES = 0.02
_COUNTRY_DIFFERS = 0.15
_COUNTRY_AND_FORM_DIFFER = 0.2  # a name match alone stays below WEAK, with a phone it is grey
# A name is distinctive when its words weigh this much together (idf, common words damped): two
# words that each about one name in 1,500 carries (ln 1500 = 7.3), or one that only a handful of
# names carry and another word. Weights are measured on the account book, which is small next to
# all the world's companies, so a single rare word never reaches this: "Acme" in another country is
# as likely another Acme.
_DISTINCTIVE = 15.0
_PHONE_AGREES = 0.05
_NAME_RESEMBLES = 0.8  # name score from which a name supports a domain match
_TIE_MARGIN = 0.015  # candidates closer than this are a tie

# Tie-breakers, in order, between candidates of (nearly) equal confidence.
TIE_BREAKERS = (
    "domain over name",
    "parent over subsidiary",  # a group-wide domain, no other clue: the group's own account
    "customer over prospect",
    "same country",
    "most recent activity",
    "lowest id",
)
_TYPE_RANK = {AccountType.CUSTOMER: 0, AccountType.PROSPECT: 1, AccountType.PARTNER: 2}

# Candidate generation: the rarest lead tokens' postings are read, at most this many tokens and
# only tokens carried by at most _MAX_DF names (a word carried by more, such as "bank", cannot
# find a company on its own; an exact-name lookup still does). _SHORTLIST candidates are scored.
_SEED_TOKENS = 3
_MAX_DF = 1200
_MAX_POSTINGS = 2000  # postings read per lead, unless the rarest seed alone has more
_SHORTLIST = 20
_FEW_POSTINGS = 300  # up to this many postings read, the shortlist is ranked without numpy
_MIN_TYPO_LENGTH = 5  # shorter words are too easily another word after one edit
# `with_accounts` updates in place of a full build until this share of the names has changed.
_REBUILD_SHARE = 0.05
_COMMON_FACTOR = 0.5
_IDENTIFIER_PENALTY = 0.6
_CONFLICT = 0.05  # per unit of word weight (idf) that both names keep unpaired
# Per unit of word weight either name keeps unpaired: in a long name one unexplained rare word
# ("Feeder", "Co-Investment") is as telling as in a short one, where Dice alone would notice it.
# A common word counts its full weight here, not the damped one: it adds little to a match, but on
# one side only it names another entity ("MFS International Growth Fund" / "MFS Growth Fund").
# A rare word (idf 6 or more) on one side only costs 0.24: the related entity ("X Feeder Fund" for
# "X Fund") falls below the weak threshold. Measured on GLEIF (150k accounts): wrong matches of
# non-accounts 0.8% -> 0.5%, recall -0.07%.
_UNPAIRED = 0.04
_ABBREVIATION_CREDIT = 0.8
_INFLECTION_CREDIT = 0.9


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The account a lead matched (None when none) and the notes that explain it."""

    match: AccountMatch | None
    notes: tuple[Note, ...]


@dataclass(frozen=True, slots=True)
class _Candidate:
    index: int
    confidence: float
    method: str
    reasons: tuple[str, ...]
    domain: bool
    name_score: float
    country_agrees: bool
    country_conflict: bool = False  # only the country kept this name match below the weak bar


# A lead word: (text, weight, vocabulary ids it stands for, known to the account book, an
# identifier: see `names.is_identifier`).
_Word = tuple[str, float, tuple[int, ...], bool, bool]


def _word_similarity(word: str, other: str, known: bool) -> float:
    """Similarity of two different words, 0 when unrelated (see `AccountIndex._similarity`).

    `other` is an account's word and never an identifier.
    """
    score = 0.0
    if len(word) >= 4 and len(other) >= 4:
        # One slip of the keyboard (a letter missing, extra, wrong, or two swapped); two only in
        # long words: "oakfield" / "lakefield" are two companies, not a typo.
        longest = max(len(word), len(other))
        limit = 1 if longest < 10 else 2
        edits = OSA.distance(word, other, score_cutoff=limit)
        if edits <= limit:
            score = 1.0 - edits / longest
        elif longest >= 7 and _shared_prefix(word, other) >= max(6, longest - 3):
            score = _INFLECTION_CREDIT  # "technology" / "technologies", "industry" / "industries"
    if len(word) >= 3 and len(other) > len(word) and word[0] == other[0]:
        # A prefix ("ins" / "insurance") is an abbreviation even when some account uses the short
        # word; a contraction ("ptrs" / "partners") only when none does, since short real words
        # hide in long ones ("port" / "properties").
        if other.startswith(word) and len(other) >= len(word) + 3:
            score = max(score, _ABBREVIATION_CREDIT)
        elif not known:
            letters = iter(other)
            if all(ch in letters for ch in word):
                score = max(score, _ABBREVIATION_CREDIT)
    return score


def _shared_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _typo_variants(token: str) -> list[str]:
    return [token[:i] + token[i + 1 :] for i in range(len(token))]


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
        with _no_cycle_collection():
            latest = {account.id: account for account in accounts}
            ordered = tuple(latest.values())
            by_id = {account.id: i for i, account in enumerate(ordered)}
            tables = _Tables()
            for i, account in enumerate(ordered):
                tables.add(i, account)
            tables.weigh(range(len(tables.words)), range(len(tables.entry_tokens)))
            top = _tops(ordered, by_id)
            parents = frozenset(a.parent for a in ordered if a.parent is not None)
            return tables.freeze(strong, weak, ordered, by_id, top, parents, stale=0)

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
        tables = _Tables(self)
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
            top = _tops(ordered, by_id)
            parents = parents | {a.parent for a in changes.values() if a.parent is not None}
        else:  # new accounts head their own chains
            top = array("i", self._top)
            top.extend(range(len(top), len(ordered)))
        return tables.freeze(self.strong, self.weak, ordered, by_id, top, parents, stale=stale)

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
        name_hits = self._name_hits(name) if name is not None else {}

        judged = [
            self._judge(i, domain_hits.get(i), name_hits.get(i), company, name, fields)
            for i in {**domain_hits, **name_hits}
        ]
        candidates = [c for c in judged if c.confidence >= self.weak]
        if not candidates:
            conflicts = [c for c in judged if c.country_conflict]
            if conflicts:
                c = max(conflicts, key=lambda c: (c.name_score, -c.index))
                account = self._accounts[c.index]
                evidence.append(
                    f"{account.name} ({account.id}) has a name like company {company!r} but is in "
                    f"{account.country}, not {fields.get('country')}, with another legal form: "
                    "another company of the same name"
                )
            elif name is not None:
                evidence.append(f"no account name resembles company {company!r}")
            if not domain_hits and not evidence:
                domains = [fields[f] for f in ("email_domain", "website_domain") if fields.get(f)]
                evidence.append(
                    f"no account has the domain {' or '.join(dict.fromkeys(domains))}"
                    if domains
                    else "the lead has no company, email domain or website to match on"
                )
            message = "no account matched: " + "; ".join(evidence)
            return MatchResult(None, (Note(Reason.ACCOUNT_NOT_MATCHED, message),))
        return self._decide(candidates, evidence)

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

    def _name_hits(self, name: CompanyName) -> dict[int, tuple[float, int]]:
        """Best (score, entry) per account whose name or alias resembles `name`."""
        exact = self._keys.get(name.key)
        if exact is not None:
            # Same words; a different order ("Bank of X" / "X Bank") costs a little.
            return {
                self._entry_account[e]: (
                    1.0 if self._entry_tokens[e] == name.tokens else 0.98,
                    e,
                )
                for e in exact
            }
        lead = self._lead_words(name.tokens)
        postings = self._postings
        seeds = sorted(
            (df, tids)
            for _, _, tids, _, _ in {word[0]: word for word in lead}.values()
            if 0 < (df := sum(len(postings[t]) for t in tids)) <= _MAX_DF
        )
        read_tids: list[int] = []
        read = 0
        for df, tids in seeds[:_SEED_TOKENS]:
            if read and read + df > _MAX_POSTINGS:
                break
            read += df
            read_tids.extend(tids)
        if not read:
            return {}
        lead_weight = sum(word[1] for word in lead)
        if read > _FEW_POSTINGS:
            shortlist = self._shortlist_many(read_tids, lead_weight)
        else:
            shortlist = self._shortlist_few(read_tids, lead_weight)
        hits: dict[int, tuple[float, int]] = {}
        similar: dict[tuple[str, str], float] = {}
        for entry in shortlist:
            score = self._similarity(lead, entry, similar)
            i = self._entry_account[entry]
            if score > hits.get(i, (0.0, 0))[0]:
                hits[i] = (score, entry)
        return hits

    # The shortlist: the names that carry the seed words read, ranked by a Dice estimate over
    # those words only, best first, ties in the order the names were found (the first list's
    # order, then each later list's new names in its order); at most _SHORTLIST of them. Two ways
    # to the same list: a dict for the few names most leads find, numpy for the couple of
    # thousand a lead with only frequent words finds (about ten times faster there).

    def _shortlist_few(self, tids: list[int], lead_weight: float) -> list[int]:
        found: dict[int, float] = {}
        postings, weights = self._postings, self._weights
        for tid in tids:
            entries, weight = postings[tid], weights[tid]
            if not found:
                found = dict.fromkeys(entries, weight)
                continue
            # found[e] += weight for each entry, in C (an entry is posted once per word).
            found.update(
                zip(
                    entries,
                    map(add, map(found.get, entries, repeat(0.0)), repeat(weight)),
                    strict=True,
                )
            )
        entry_weight = self._entry_weight
        estimate = {e: w / (lead_weight + entry_weight[e]) for e, w in found.items()}
        return sorted(estimate, key=estimate.__getitem__, reverse=True)[:_SHORTLIST]

    def _shortlist_many(self, tids: list[int], lead_weight: float) -> list[int]:
        postings = self._postings
        lists = [np.frombuffer(postings[tid], dtype=np.int32) for tid in tids]
        carried = np.concatenate(lists)
        weight = np.repeat(np.array([self._weights[tid] for tid in tids]), [len(a) for a in lists])
        # Sums per name in the order the lists were read, as the dict adds them: same floats.
        entries, first, where = np.unique(carried, return_index=True, return_inverse=True)
        sums = np.bincount(where, weights=weight, minlength=len(entries))
        estimates = sums / (lead_weight + np.frombuffer(self._entry_weight)[entries])
        if len(entries) > _SHORTLIST:
            lowest = np.partition(estimates, len(entries) - _SHORTLIST)[-_SHORTLIST]
            kept = np.flatnonzero(estimates >= lowest)
            entries, first, estimates = entries[kept], first[kept], estimates[kept]
        ranked = np.lexsort((first, -estimates))[:_SHORTLIST]
        return entries[ranked].tolist()

    def _lead_words(self, tokens: tuple[str, ...]) -> list[_Word]:
        """Each lead word with its weight, the vocabulary words it stands for, and whether known."""
        resolved: dict[str, _Word] = {}
        out = []
        for token in tokens:
            word = resolved.get(token)
            if word is None:
                tid = self._vocab.get(token)
                if tid is not None:
                    identifier = token in self._identifiers
                    word = (token, self._weights[tid], (tid,), True, identifier)
                else:
                    identifier = is_identifier(token)
                    tids = () if identifier else self._typo_tokens(token)
                    weight = max((self._weights[t] for t in tids), default=self._unknown_weight)
                    word = (token, weight, tids, False, identifier)
                resolved[token] = word
            out.append(word)
        return out

    def _typo_tokens(self, token: str) -> tuple[int, ...]:
        """Vocabulary words one edit (insert, delete, substitute, swap) away from `token`.

        `token` is no identifier: "Fund 12" is not a typo of "Fund 2".
        """
        if len(token) < _MIN_TYPO_LENGTH - 1:
            return ()
        found: set[int] = set()
        variants = _typo_variants(token)
        for variant in variants:
            tid = self._vocab.get(variant)
            if tid is not None:
                found.add(tid)
        for variant in (token, *variants):
            known = self._deletes.get(variant)
            if isinstance(known, int):
                found.add(known)
            elif known is not None:
                found.update(known)
        # Deletions on both sides also meet for words two edits apart: keep only one edit.
        words = self._words
        return tuple(sorted(t for t in found if OSA.distance(token, words[t], score_cutoff=1) <= 1))

    def _similarity(
        self, lead: list[_Word], entry: int, similar: dict[tuple[str, str], float]
    ) -> float:
        """How well a lead name and an account name agree, 0..1.

        Words pair up, equal words first, then the heaviest remaining lead word with its most
        similar remaining account word: one edit apart by rapidfuzz's OSA distance (a typo
        changes letters inside a word; Jaro-Winkler or a ratio over whole names would also pair
        different words with a shared prefix or suffix, "international" / "internet", "oakfield"
        / "lakefield"), another ending of the same word ("technology" / "technologies"), or an
        abbreviation: a prefix ("ins" / "insurance") or, for a word no
        account uses, a contraction ("ptrs" / "partners"). The sum
        is a Dice coefficient over word weights, so a missing rare word costs much and a missing
        "group" little; every unpaired word also costs in proportion to its undamped weight,
        however long the names. When both sides keep unpaired words ("Growth Fund" / "Value
        Fund"), the names conflict, and the conflicting weight costs more: that is how sibling
        entities stay apart. Places on one side only mark a sibling too ("Acme UK" / "Acme").
        Numbers, roman numerals and single letters must agree exactly. `similar` remembers word
        similarities across the names scored for one lead, which share many words.
        """
        tokens = self._entry_tokens[entry]
        weights, vocab, identifiers = self._weights, self._vocab, self._identifiers
        entry_weights = [weights[vocab[t]] for t in tokens]
        free = list(range(len(tokens)))
        shared = lead_total = lead_missing = unpaired = 0.0
        pending: list[_Word] = []
        for word in lead:
            text = word[0]
            for k, j in enumerate(free):
                if tokens[j] == text:
                    del free[k]
                    shared += 2 * entry_weights[j]
                    lead_total += entry_weights[j]
                    break
            else:
                pending.append(word)
        identifiers_agree = True
        for text, weight, _, known, identifier in sorted(pending, key=lambda w: -w[1]):
            best, best_k = 0.0, -1
            if identifier:
                identifiers_agree = False
            else:
                first, size = text[0], len(text)
                for k, j in enumerate(free):
                    other = tokens[j]
                    # Words that differ in the first letter and in length by more than two
                    # letters are neither a typo nor an abbreviation of each other.
                    if (other[0] != first and not -3 < len(other) - size < 3) or (
                        other in identifiers
                    ):
                        continue
                    score = similar.get((text, other))
                    if score is None:
                        score = similar[text, other] = _word_similarity(text, other, known)
                    if score > best:
                        best, best_k = score, k
            if best_k < 0:
                lead_total += weight
                lead_missing += weight
                unpaired += weight / _COMMON_FACTOR if text in COMMON_WORDS else weight
                if text in PLACES:
                    identifiers_agree = False
                continue
            j = free.pop(best_k)
            # A word no account uses borrows the weight of the word it stands for.
            weight = weight if known else entry_weights[j]
            shared += best * (weight + entry_weights[j])
            lead_total += weight
        entry_missing = 0.0
        for j in free:
            entry_missing += entry_weights[j]
            weight = entry_weights[j]
            unpaired += weight / _COMMON_FACTOR if tokens[j] in COMMON_WORDS else weight
            if identifiers_agree and (tokens[j] in identifiers or tokens[j] in PLACES):
                identifiers_agree = False
        score = shared / (lead_total + sum(entry_weights))
        score -= _CONFLICT * min(lead_missing, entry_missing)
        score -= _UNPAIRED * unpaired
        if not identifiers_agree:
            score *= _IDENTIFIER_PENALTY
        return max(0.0, min(score, 1.0))

    def _judge(
        self,
        i: int,
        domain: str | None,
        name_hit: tuple[float, int] | None,
        company: str | None,
        name: CompanyName | None,
        fields: Any,
    ) -> _Candidate:
        """Confidence that the lead belongs to account i, with the reasons in words.

        `name` is the lead's company read as a name, None when there is none or a placeholder.
        A name match in another country than the account's is another company of the same name
        as often as the account's office abroad, for review: it stays in the grey zone, unless
        the lead also writes another legal form ("Acme GmbH" in Germany is not "Acme Ltd" in
        Brazil: two registers, two companies), which puts it below the weak bar; a distinctive
        name (`_DISTINCTIVE`) or an agreeing phone keeps it in the grey zone all the same.
        """
        if name is None:
            company = None
        account = self._accounts[i]
        reasons: list[str] = []
        name_score = name_hit[0] if name_hit else 0.0
        if name_hit is not None:
            shown = self._entry_text[name_hit[1]]
            reasons.append(f"company {company!r} ~ {shown!r} (score {name_score:.2f})")
        if domain is not None:
            reasons.insert(0, f"{domain} belongs to {account.name} ({account.id})")
            if company is None:
                confidence, method = _DOMAIN_ONLY, "domain"
            elif name_score >= _NAME_RESEMBLES:
                confidence, method = _DOMAIN_AND_NAME, "name+domain"
            else:
                confidence, method = _DOMAIN_NAME_DIFFERS, "domain"
                if name_hit is None:
                    reasons.append(f"company {company!r} does not resemble {account.name!r}")
        else:
            confidence, method = min(name_score, _NAME_CAP), "name"
        lead_country, country = fields.get("country"), account.country
        country_agrees = bool(lead_country) and lead_country == country
        country_conflict = False
        if country_agrees:
            confidence += _COUNTRY_AGREES
            reasons.append(f"country {country} agrees")
        elif lead_country and country and domain is None:
            # A global company's staff write from everywhere: only a name match pays for this.
            reasons.append(f"country {lead_country} differs from the account's {country}")
            form = self._other_legal_form(name_hit, name) if name_hit and name else None
            if form is None:
                confidence -= _COUNTRY_DIFFERS
            else:
                confidence -= _COUNTRY_AND_FORM_DIFFER
                reasons.append(form)
                country_conflict = True
        phone = fields.get("phone")
        if phone and phone == account.phone:
            confidence += _PHONE_AGREES
            reasons.append(f"phone {phone} agrees")
        confidence = round(min(confidence, _DOMAIN_AND_NAME), 3)
        return _Candidate(
            i,
            confidence,
            method,
            tuple(reasons),
            domain is not None,
            name_score,
            country_agrees,
            country_conflict and confidence < self.weak and name_score >= self.weak,
        )

    def _other_legal_form(self, name_hit: tuple[float, int], name: CompanyName) -> str | None:
        """Why the lead is another company than the account of a name match, or None.

        Both names written with a legal form and the forms sharing no word ("GmbH" / "Ltd", but
        not "Pvt Ltd" / "Ltd" or "SA de CV" / "SA"), for a name that is not distinctive.
        """
        entry = name_hit[1]
        if not name.legal_form or self._entry_weight[entry] >= _DISTINCTIVE:
            return None
        # The account's legal form is read again only here: a build keeps no form per name.
        written = read_company_name(self._entry_text[entry])
        if written is None or not written.legal_form:
            return None
        if (set(name.legal_form.split()) & set(written.legal_form.split())) - {"&"}:
            return None
        return f"legal form {name.legal_form!r} differs from the account's {written.legal_form!r}"

    def _tie_key(self, c: _Candidate) -> tuple[Any, ...]:
        account = self._accounts[c.index]
        activity = account.last_activity.timestamp() if account.last_activity else -math.inf
        return (
            not c.domain,
            self._top[c.index] != c.index,
            _TYPE_RANK.get(account.type, 3),
            not c.country_agrees,
            -activity,
            account.id,
        )

    def _decide(self, candidates: list[_Candidate], evidence: list[str]) -> MatchResult:
        # Domain over name: a lead writing from acme.com belongs to Acme whatever the company field
        # says; a name pointing elsewhere only makes the match weak.
        by_domain = [c for c in candidates if c.domain]
        pool = by_domain or candidates
        pool.sort(key=lambda c: (-c.confidence, self._tie_key(c)))
        best = pool[0]
        notes: list[Note] = []
        others = [c for c in candidates if c is not best]
        tied = [c for c in pool[1:] if best.confidence - c.confidence < _TIE_MARGIN]
        rival = None
        if by_domain:
            rival = max(
                (c for c in candidates if not c.domain and c.name_score > best.name_score),
                key=lambda c: c.confidence,
                default=None,
            )
            if rival is not None and rival.confidence >= self.strong:
                rival_account = self._accounts[rival.index]
                best = replace(
                    best,
                    confidence=min(best.confidence, _DOMAIN_NAME_ELSEWHERE),
                    reasons=(
                        *best.reasons,
                        f"but the company name points to {rival_account.name} ({rival_account.id})",
                    ),
                )
            else:
                rival = None
        if tied:
            group = [best, *tied]
            keys = [self._tie_key(c) for c in group]
            rule = next(
                (TIE_BREAKERS[k] for k in range(len(TIE_BREAKERS)) if keys[0][k] != keys[1][k]),
                TIE_BREAKERS[-1],
            )
            listed = ", ".join(
                f"{self._accounts[c.index].name} ({self._accounts[c.index].id}, {c.confidence:.2f})"
                for c in group
            )
            rivals = ", ".join(self._accounts[c.index].id for c in tied)
            best = replace(best, reasons=(*best.reasons, f"tied with {rivals}: chose by {rule}"))
            notes.append(
                Note(
                    Reason.ACCOUNT_AMBIGUOUS,
                    f"{len(group)} accounts fit equally well: {listed}; chose "
                    f"{self._accounts[best.index].id} by {rule}; not a strong match",
                    {
                        "candidates": tuple(
                            (self._accounts[c.index].id, c.confidence) for c in group
                        ),
                        "tie_breaker": rule,
                    },
                )
            )
        if rival is not None:
            rival_account = self._accounts[rival.index]
            notes.append(
                Note(
                    Reason.ACCOUNT_AMBIGUOUS,
                    f"email domain says {self._accounts[best.index].name}, company name says "
                    f"{rival_account.name} ({rival_account.id}); domain wins, not a strong match",
                    {"candidates": ((rival_account.id, rival.confidence),)},
                )
            )
        account = self._accounts[best.index]
        strong = best.confidence >= self.strong and not tied and rival is None
        runner = min(others, key=lambda c: (-c.confidence, self._tie_key(c)), default=None)
        reason = "; ".join((*best.reasons, *evidence))
        top = self._accounts[self._top[best.index]]
        match = AccountMatch(
            account=account,
            confidence=best.confidence,
            method=best.method,
            reason=reason,
            strong=strong,
            ultimate_parent=top,
            runner_up=self._accounts[runner.index] if runner is not None else None,
        )
        grade = "strong" if strong else "weak: grey zone"
        notes.insert(
            0,
            Note(
                Reason.ACCOUNT_MATCHED,
                f"matched {account.name} ({account.id}) by {best.method}, confidence "
                f"{best.confidence:.2f} ({grade}): {reason}",
                {
                    "account": account.id,
                    "confidence": best.confidence,
                    "method": best.method,
                    "strong": strong,
                    "candidates": tuple(
                        (self._accounts[c.index].id, c.confidence)
                        for c in sorted(candidates, key=lambda c: -c.confidence)[:5]
                    ),
                },
            ),
        )
        return MatchResult(match, tuple(notes))


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector, as for a bulk load.

    A build allocates a few million tuples, lists and sets that all live on and form no cycles;
    the collector would walk them, and everything else the process holds, again and again to find
    nothing: a fifth of the build of a large account book in a process that holds little else,
    more in one that holds more. Reference counting still frees everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _tops(accounts: tuple[Account, ...], by_id: dict[str, int]) -> array:
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
    # Values are tuples in a finished index and lists while tables are built; `_Tables.freeze`
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


class _Tables:
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
        elif len(token) >= _MIN_TYPO_LENGTH:
            deletes = self.deletes
            # A set: a doubled letter ("accel") gives the same deletion twice.
            for variant in set(_typo_variants(token)):
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
        for domain in _account_domains(account):
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
            if updating:
                self.touched.update(tids)
                self._changed_keys.add(key)
        self.live += len(seen)
        self.added += len(seen)

    def drop(self, i: int, account: Account) -> None:
        """Unindex account slot i, whose account was `account`."""
        for domain in _account_domains(account):
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
            weights[tid] = weight * _COMMON_FACTOR if words[tid] in COMMON_WORDS else weight
        vocab, tokens = self.vocab, self.entry_tokens
        for entry in entries:
            self.entry_weight[entry] = sum(
                map(weights.__getitem__, map(vocab.__getitem__, set(tokens[entry])))
            )

    def reweighed_entries(self) -> set[int]:
        """The names that carry a word whose weight changed."""
        return {entry for tid in self.touched for entry in self.postings[tid]}

    def freeze(
        self,
        strong: float,
        weak: float,
        accounts: tuple[Account, ...],
        by_id: dict[str, int],
        top: array,
        parents: frozenset[str],
        *,
        stale: int,
    ) -> AccountIndex:
        if self._updating:
            for table, changed in (
                (self.domains, self._changed_domains),
                (self.keys, self._changed_keys),
            ):
                for key in changed:
                    if key in table:
                        table[key] = tuple(table[key])
        else:
            self.domains = {key: tuple(entries) for key, entries in self.domains.items()}
            self.keys = {key: tuple(entries) for key, entries in self.keys.items()}
        return AccountIndex(
            strong=strong,
            weak=weak,
            _accounts=accounts,
            _by_id=by_id,
            _top=top,
            _domains=self.domains,
            _keys=self.keys,
            _vocab=self.vocab,
            _words=tuple(self.words),
            _identifiers=self.identifiers,
            _weights=self.weights,
            _postings=self.postings,
            _deletes=self.deletes,
            _entry_account=self.entry_account,
            _entry_tokens=self.entry_tokens,
            _entry_text=self.entry_text,
            _entry_weight=self.entry_weight,
            _unknown_weight=math.log(self.live + 1) + 0.1,
            _live_entries=self.live,
            _stale_entries=stale,
            _parents=parents,
        )


# A lower-case host: a label, then the rest ("acme" + "co.uk").
_BARE_DOMAIN = re.compile(r"[a-z0-9-]+\.([a-z]+(?:\.[a-z]+)*)")


@lru_cache(maxsize=4096)
def _is_public_suffix(rest: str) -> bool:
    """True when any label before `rest` is a registrable domain ("co.uk": yes; "kobe.jp": no)."""
    # Probed once per suffix with a made-up label; a wildcard rule ("*.kobe.jp") makes the probe a
    # suffix itself, so such suffixes take the full lookup for every domain.
    probe = f"x.{rest}"
    return registrable_domain(probe) == probe


def _account_domains(account: Account) -> list[str]:
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
