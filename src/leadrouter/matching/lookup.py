"""Which account names a lead's company name may be, and how well each fits: the name lookup.

The exact key first (same words, any order); otherwise candidates from the postings of the lead's
rarest words (read as written, with a typo, joined with the next word or split in two), and from
the initials of long names for a word that may be an acronym ("CMU"); a shortlist ranked by a
Dice estimate over the words read is then scored by `similarity.compare`, but for the
names that `bound.may_reach` shows cannot reach the bar. The per-lead path never
scans all accounts. Pure: reads an index's tables, never changes them.
"""

from __future__ import annotations

from collections.abc import Container
from itertools import pairwise, repeat
from operator import add, truediv
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz.distance import OSA

from leadrouter.matching.bound import may_reach, sketch
from leadrouter.matching.names import CompanyName, is_identifier
from leadrouter.matching.similarity import MIN_TYPO_LENGTH, Comparison, Word, compare
from leadrouter.matching.tables import typo_variants

if TYPE_CHECKING:
    from leadrouter.matching.index import AccountIndex

# Candidate generation: the rarest lead tokens' postings are read, at most this many tokens and
# only tokens carried by at most MAX_DF names (a word carried by more, such as "bank", cannot
# find a company on its own; an exact-name lookup still does). SHORTLIST candidates are scored.
SEED_TOKENS = 3
MAX_DF = 1200
MAX_POSTINGS = 2000  # postings read per lead, unless the rarest seed alone has more
SHORTLIST = 20
FEW_POSTINGS = 300  # up to this many postings read, the shortlist is ranked without numpy
_MAX_INITIALS = 8  # initials more names share than this are no clue
_MIN_SPLIT = 6  # a word read as two words has at least this many letters

# A name hit: the comparison with the best of an account's names, and that name (entry).
Hit = tuple[Comparison, int]


def name_hits(
    index: AccountIndex, name: CompanyName, floor: float = 0.0, keep: Container[int] = ()
) -> dict[int, Hit]:
    """Best comparison per account slot whose name or alias resembles `name`.

    Names that cannot score `floor` are left out unless their account is in `keep` (the accounts
    the lead's domain found, whose name comparison the reasons show whatever its score).
    """
    exact = index._keys.get(name.key)
    if exact is not None:
        # Same words; a different order ("Bank of X" / "X Bank") costs a little.
        hits: dict[int, Hit] = {}
        for e in exact:
            tokens = index._entry_tokens[e]
            score = 1.0 if tokens == name.tokens else 0.98
            comparison = Comparison(score, "equal", tokens, (), ())
            hits[index._entry_account[e]] = (comparison, e)
        return hits
    lead = lead_words(index, name.tokens)
    postings = index._postings
    seeds = sorted(
        (df, tids)
        for tids in _seed_words(index, lead)
        if 0 < (df := sum(len(postings[t]) for t in tids)) <= MAX_DF
    )
    read_tids: list[int] = []
    read = 0
    for df, tids in seeds[:SEED_TOKENS]:
        if read and read + df > MAX_POSTINGS:
            break
        read += df
        read_tids.extend(tids)
    lead_weight = sum(word[1] for word in lead)
    if read > FEW_POSTINGS:
        shortlist = shortlist_many(index, read_tids, lead_weight)
    elif read:
        shortlist = shortlist_few(index, read_tids, lead_weight)
    else:
        shortlist = []
    shortlist.extend(_by_initials(index, lead))
    hits = {}
    similar: dict[tuple[str, str], float] = {}
    drawn = sketch(lead)
    entry_account, accounts = index._entry_account, index._accounts
    for entry in dict.fromkeys(shortlist):
        i = entry_account[entry]
        if i < 0:
            continue
        if floor and i not in keep and not may_reach(index, drawn, entry, floor, similar):
            continue
        comparison = compare(index, lead, entry, similar, accounts[i].country, name.parts)
        known = hits.get(i)
        if known is None or comparison.score > known[0].score:
            hits[i] = (comparison, entry)
    return hits


def _seed_words(index: AccountIndex, lead: list[Word]) -> list[tuple[int, ...]]:
    """The vocabulary ids each lead word may stand for, one group per seed, without repeats.

    Besides each word as read (with its typos): two adjacent words written as one account word
    ("scottish power" -> "scottishpower"), and a word no account has read as two that accounts
    have ("scottishpower" -> "scottish", "power").
    """
    vocab = index._vocab
    seeds = {word[0]: word[2] for word in lead}
    for first, second in pairwise(lead):
        tid = vocab.get(first[0] + second[0])
        if tid is not None:
            seeds[first[0] + second[0]] = (tid,)
    for word in lead:
        text = word[0]
        if word[3] or word[4] or len(text) < _MIN_SPLIT:
            continue
        for cut in range(1, len(text) - 1):
            left, right = vocab.get(text[:cut]), vocab.get(text[cut:])
            if left is not None and right is not None:
                seeds[text[:cut]] = (left,)
                seeds[text[cut:]] = (right,)
    return [tids for tids in seeds.values() if tids]


def _by_initials(index: AccountIndex, lead: list[Word]) -> list[int]:
    """Names whose initials spell a lead word no account uses ("cmu"), if few names share them."""
    found: list[int] = []
    for text, _, _, known, identifier in lead:
        if known or identifier or not 3 <= len(text) <= 8:
            continue
        entries = index._initials.get(text, ())
        if len(entries) <= _MAX_INITIALS:
            found.extend(entries)
    return found


# The shortlist: the names that carry the seed words read, ranked by a Dice estimate over those
# words only, best first, ties in the order the names were found (the first list's order, then
# each later list's new names in its order); at most SHORTLIST of them. Two ways to the same list:
# a dict for the few names most leads find, numpy for the couple of thousand a lead with only
# frequent words finds (about ten times faster there).


def shortlist_few(index: AccountIndex, tids: list[int], lead_weight: float) -> list[int]:
    """The shortlist, ranked in Python: for the few names most leads find."""
    found: dict[int, float] = {}
    postings, weights = index._postings, index._weights
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
    # The estimates and their ranking worked out in C (map, sort by position): the same floats in
    # the same order as w / (lead_weight + entry_weight[e]) name by name.
    entries = list(found)
    totals = map(add, repeat(lead_weight), map(index._entry_weight.__getitem__, entries))
    estimates = list(map(truediv, found.values(), totals))
    ranked = sorted(range(len(entries)), key=estimates.__getitem__, reverse=True)
    return [entries[k] for k in ranked[:SHORTLIST]]


def shortlist_many(index: AccountIndex, tids: list[int], lead_weight: float) -> list[int]:
    """The shortlist, ranked with numpy: for the thousands of names frequent words find."""
    postings = index._postings
    lists = [np.frombuffer(postings[tid], dtype=np.int32) for tid in tids]
    carried = np.concatenate(lists)
    weight = np.repeat(np.array([index._weights[tid] for tid in tids]), [len(a) for a in lists])
    # Sums per name in the order the lists were read, as the dict adds them: same floats.
    entries, first, where = np.unique(carried, return_index=True, return_inverse=True)
    sums = np.bincount(where, weights=weight, minlength=len(entries))
    estimates = sums / (lead_weight + np.frombuffer(index._entry_weight)[entries])
    if len(entries) > SHORTLIST:
        lowest = np.partition(estimates, len(entries) - SHORTLIST)[-SHORTLIST]
        kept = np.flatnonzero(estimates >= lowest)
        entries, first, estimates = entries[kept], first[kept], estimates[kept]
    ranked = np.lexsort((first, -estimates))[:SHORTLIST]
    return entries[ranked].tolist()


def lead_words(index: AccountIndex, tokens: tuple[str, ...]) -> list[Word]:
    """Each lead word with its weight, the vocabulary words it stands for, and whether known."""
    resolved: dict[str, Word] = {}
    out = []
    vocab, weights = index._vocab, index._weights
    for token in tokens:
        word = resolved.get(token)
        if word is None:
            tid = vocab.get(token)
            if tid is not None:
                identifier = token in index._identifiers
                word = (token, weights[tid], (tid,), True, identifier)
            else:
                identifier = is_identifier(token)
                tids = () if identifier else typo_tokens(index, token)
                weight = max((weights[t] for t in tids), default=index._unknown_weight)
                word = (token, weight, tids, False, identifier)
            resolved[token] = word
        out.append(word)
    return out


def typo_tokens(index: AccountIndex, token: str) -> tuple[int, ...]:
    """Vocabulary words one edit (insert, delete, substitute, swap) away from `token`.

    `token` is no identifier: "Fund 12" is not a typo of "Fund 2".
    """
    if len(token) < MIN_TYPO_LENGTH - 1:
        return ()
    found: set[int] = set()
    variants = typo_variants(token)
    vocab, deletes = index._vocab, index._deletes
    for variant in variants:
        tid = vocab.get(variant)
        if tid is not None:
            found.add(tid)
    for variant in (token, *variants):
        known = deletes.get(variant)
        if isinstance(known, int):
            found.add(known)
        elif known is not None:
            found.update(known)
    # Deletions on both sides also meet for words two edits apart: keep only one edit.
    words = index._words
    return tuple(sorted(t for t in found if OSA.distance(token, words[t], score_cutoff=1) <= 1))
