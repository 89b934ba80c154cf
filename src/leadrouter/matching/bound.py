"""Which account names cannot reach the bar: a cheap bound, checked before the full comparison.

A lead finds a couple of dozen names through its rarest words; most share one word with it and
nothing else ("Banco de Portugal" for "Capgemini Portugal"). `may_reach` says, much faster than
`similarity.compare`, when a name must score below a floor, so that only the others are compared
in full. It is a bound, never an estimate: when it says False, `compare` would have scored the
name below the floor (a property test holds it to that), so the matcher's decisions do not
change. Pure: reads an index's tables, never changes them.
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

from leadrouter.matching.containment import distinctive, may_contain
from leadrouter.matching.names import STOPWORDS
from leadrouter.matching.similarity import DIFFERS_CAP, MIN_TYPO_LENGTH, Word, word_similarity

if TYPE_CHECKING:
    from leadrouter.matching.index import AccountIndex


_ROUNDING = 1e-9  # sums of the same weights in another order may differ in the last bit


class Sketch:
    """What `may_reach` reads of a lead, worked out once for all the names the lead finds.

    Each distinct lead word is a bit (a word written twice counts once more as a word that may
    pair, in `repeated`); `pairs` remembers, per account word, the lead words it may pair
    with as a typo, an abbreviation or a word the lead splits in two; `initials` the short lead
    words each letter is in (the later words of initials).
    """

    __slots__ = (
        "all",
        "bit",
        "by_first",
        "initials",
        "join_firsts",
        "known",
        "lone_bits",
        "long",
        "named",
        "pairs",
        "repeated",
        "repeated_unknown",
        "short",
        "shortest",
        "splits",
        "weight",
        "words",
    )

    def __init__(self, lead: list[Word]) -> None:
        distinct: dict[str, Word] = {}
        self.repeated = 0.0  # the weight of the known words written again
        self.repeated_unknown = False
        for word in lead:
            if word[0] not in distinct:
                distinct[word[0]] = word
            elif word[3]:
                self.repeated += word[1]
            else:
                self.repeated_unknown = True
        self.words = words = list(distinct.values())
        self.all = (1 << len(words)) - 1
        self.bit: dict[str, int] = {}
        bit = self.bit
        # The lead's distinct words but stopwords, and what all its distinct words weigh: the
        # contained name when the lead is inside an account name word for word.
        self.named: set[str] = set()
        named = self.named
        self.weight = 0.0
        self.known = 0
        self.lone_bits = 0  # lead words whose pairing decides containment: all but stopwords
        self.pairs: dict[str, int] = {}
        self.initials: dict[str, int] = {}
        # The short lead words that may be initials: (bit, length, letters), and the shortest's.
        self.short: list[tuple[int, int, frozenset[str]]] = []
        self.shortest = 9
        # The lead words a typo or an abbreviation may reach: by first letter, and the long ones
        # (a typo across the first letter, see `word_similarity`); each (bit, text, length, known).
        self.by_first: dict[str, list[tuple[int, str, int, bool]]] = {}
        self.long: list[tuple[int, str, int, bool]] = []
        for p, (text, weight, _, known, identifier) in enumerate(words):
            b = bit[text] = 1 << p
            self.weight += weight
            if known:
                self.known |= b
            if text not in STOPWORDS:
                named.add(text)
                self.lone_bits |= b
            size = len(text)
            if 2 <= size <= 8 and text.isalpha():
                letters = frozenset(text)
                for letter in letters:
                    self.initials[letter] = self.initials.get(letter, 0) | b
                self.short.append((b, size, letters))
                self.shortest = min(self.shortest, size)
            if not identifier:
                tried = (b, text, size, known)
                self.by_first.setdefault(text[0], []).append(tried)
                if size >= 7:
                    self.long.append(tried)
        # Two lead words that an account writes as one ("scottish power" / "scottishpower").
        self.splits = {a[0] + b[0]: bit[a[0]] | bit[b[0]] for a, b in pairwise(lead)}
        # The first letters of the lead words an account may write as two ("scottish power").
        self.join_firsts = frozenset(word[0][0] for word in lead if len(word[0]) >= 2)


def sketch(lead: list[Word]) -> Sketch:
    """What `may_reach` needs of a lead, for all the names it bounds."""
    return Sketch(lead)


def may_reach(
    index: AccountIndex,
    drawn: Sketch,
    entry: int,
    floor: float,
    similar: dict[tuple[str, str], float],
) -> bool:
    """False only when `compare` must score the account name (`entry`) below `floor`.

    A bound, much cheaper than the comparison, for the names a lead finds through one shared
    word and nothing else: after the equal words pair up, a name can reach the bar only when one
    side's remaining words may all pair with the other's (containment, or the names agree); else
    the names differ, and `compare` scores them `DIFFERS_CAP` at most, or (for a floor below
    that) when its Dice coefficient could reach the floor, every word that may pair pairing at
    full credit; a contained name must also pass containment's first tests (`may_contain`). A
    word may pair when `compare` could pair it in any way: a typo, an abbreviation, a split
    word, joined words, initials. `drawn` is the lead's `Sketch`, `similar` `compare`'s memo.
    """
    tokens = index._entry_tokens[entry]
    bit = drawn.bit
    used = 0  # lead words equal to an account word
    for token in tokens:
        b = bit.get(token)
        if b is not None:
            if used & b:
                return True
            used |= b
    free_lead = drawn.all & ~used
    free = len(tokens) - used.bit_count()
    if not free:
        return True
    if not free_lead:  # the lead inside the name, word for word: they agree, or containment
        if floor <= DIFFERS_CAP or all(t in bit or t in STOPWORDS for t in tokens):
            return True
        return may_contain(index, drawn.weight + _ROUNDING, drawn.named, similar)
    pairs, initials = drawn.pairs, drawn.initials
    by_first, splits, long = drawn.by_first, drawn.splits, drawn.long
    # The short lead words whose every letter starts a free account word: maybe initials.
    fits = 0
    if free >= drawn.shortest:
        firsts = {token[0] for token in tokens if token not in bit}
        for b, size, letters in drawn.short:
            if size <= free and letters <= firsts:
                fits |= b
    joins = drawn.join_firsts
    size = len(tokens)
    entry_whole = True  # every free account word (but stopwords) may pair
    joined = 0  # account words (bits by position) a lead word writes joined
    union = 0  # lead words that may pair
    maybe: list[str] = []  # the free account words that may pair: weighed only when needed
    for j, token in enumerate(tokens):
        if token in bit:
            continue
        first = token[0]
        if first in joins and j + 1 < size:  # "scottishpower" / "scottish power"
            b = bit.get(token + tokens[j + 1])
            if b is not None:
                union |= b
                joined |= 3 << j
            elif j + 2 < size and tokens[j + 1] in STOPWORDS:  # "cushmanwakefield"
                b = bit.get(token + tokens[j + 2])
                if b is not None:
                    union |= b
                    joined |= 7 << j
        may = pairs.get(token)
        if may is None:
            # Most account words share no first letter with a lead word and are not long: none.
            if first in by_first or token in splits or (long and len(token) >= 7):
                may = _pairs(index, drawn, token, similar)
            else:
                may = 0
            pairs[token] = may
        if fits:
            may |= initials.get(first, 0) & fits
        may &= free_lead
        if may or joined >> j & 1 or token in STOPWORDS:
            union |= may
            maybe.append(token)
        else:
            entry_whole = False
    lone_words = free_lead & ~union
    lead_whole = not lone_words & drawn.lone_bits  # every lead word (but stopwords) may pair
    if floor > DIFFERS_CAP:
        if entry_whole and lead_whole:  # the names may agree
            return True
        if not (entry_whole or lead_whole):  # words on both sides pair with nothing: they differ
            return False
    elif entry_whole or lead_whole:
        return True
    weights, vocab = index._weights, index._vocab
    entry_may = 0.0  # what the free account words that may pair weigh
    for token in maybe:
        entry_may += weights[vocab[token]]
    if floor > DIFFERS_CAP:
        # One name inside the other, or they differ: the contained name must be distinctive.
        core = entry_may + sum(word[1] for p, word in enumerate(drawn.words) if used >> p & 1)
        return distinctive(index, core + _ROUNDING)
    paired = lone = 0.0
    lead_may = drawn.repeated  # a word written twice: its second time may pair
    # An unknown lead word that pairs weighs as the account word it pairs with.
    borrowed = drawn.repeated_unknown
    known = drawn.known
    for p, word in enumerate(drawn.words):
        b = 1 << p
        if used & b:
            paired += word[1]
        elif lone_words & b:
            lone += word[1]
        elif known & b:
            lead_may += word[1]
        else:
            borrowed = True
    if borrowed:
        lead_may += entry_may
    # The names' weight (a repeated word counts once there): never below what is counted here.
    entry_total = max(index._entry_weight[entry], paired + entry_may)
    return 2 * paired + lead_may + entry_may >= floor * (paired + lead_may + lone + entry_total)


def _pairs(
    index: AccountIndex, drawn: Sketch, other: str, similar: dict[tuple[str, str], float]
) -> int:
    """The lead words (bits) that may pair with account word `other` as a typo, an
    abbreviation or a word the lead splits in two; joined words and initials aside."""
    found = drawn.splits.get(other, 0)
    if other in index._identifiers:
        return found
    first, size = other[0], len(other)
    # What `word_similarity` needs of two words before it reads them: a typo (or another ending)
    # keeps the length within three and both words of MIN_TYPO_LENGTH letters, a typo across the
    # first letter within two and nine letters; an abbreviation is longer.
    for b, text, length, known in drawn.by_first.get(first, ()):
        if size < length - 3 or (size <= length and size < MIN_TYPO_LENGTH):
            continue
        if _similar(text, other, known, similar):
            found |= b
    if size >= 7:  # `compare`'s filter: a typo across the first letter only in long words
        for b, text, length, known in drawn.long:
            if text[0] == first or not -3 < size - length < 3 or max(size, length) < 9:
                continue
            if _similar(text, other, known, similar):
                found |= b
    return found


def _similar(text: str, other: str, known: bool, similar: dict[tuple[str, str], float]) -> bool:
    """Whether lead word `text` and account word `other` are similar, through `compare`'s memo."""
    score = similar.get((text, other))
    if score is None:
        score = similar[text, other] = word_similarity(text, other, known)
    return score > 0.0
