"""How alike a lead's company name and one account name are: the scorer behind `AccountIndex.match`.

Words pair up, equal words first, then each remaining lead word with its most similar remaining
account word (a typo, another ending, an abbreviation), then words written joined or split
("ScottishPower" / "Scottish Power") and initials ("CMU" / "Carnegie Mellon University"). What
is left unpaired decides the kind of match:

- nothing: the names agree; the score is a Dice coefficient over word weights (idf);
- words on one side only, the other name wholly inside it in one run ("Capgemini Portugal" /
  "Capgemini", "Three6five" / "Three6five Network"): containment, evidence as good as the
  contained name is distinctive; each extra word costs by its kind (a place or a generic word
  little, a rare word more), so that of two accounts the one that holds more of the lead wins;
- words on both sides, or words inside the run ("Alpha Feeder Fund" / "Alpha Fund"), or an
  unpaired number, letter or roman numeral: another entity of the same family, scored low.

Pure: reads an index's tables, never changes them; no I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz.distance import OSA

from leadrouter.matching.names import COMMON_WORDS, GENERIC_WORDS, STOPWORDS
from leadrouter.matching.places import PLACE_COUNTRIES, PLACE_PHRASES

if TYPE_CHECKING:
    from leadrouter.matching.index import AccountIndex

# A lead word: (text, weight, vocabulary ids it stands for, known to the account book, an
# identifier: see `names.is_identifier`).
Word = tuple[str, float, tuple[int, ...], bool, bool]

COMMON_FACTOR = 0.5  # weight of a COMMON_WORDS word against its idf
_CONFLICT = 0.05  # per unit of word weight (idf) that both names keep unpaired
# Per unit of word weight either name keeps unpaired, when the names conflict: a rare word (idf 6
# or more) on one side only costs 0.24: the related entity ("X Feeder Fund" for "X Fund") falls
# below the weak threshold. Measured on GLEIF (150k accounts).
_UNPAIRED = 0.04
_IDENTIFIER_PENALTY = 0.6
_ABBREVIATION_CREDIT = 0.8
_INFLECTION_CREDIT = 0.9
_JOINED_CREDIT = 0.97  # "scottishpower" / "scottish power"
_INITIALS_CREDIT = 0.85  # "cmu" / "carnegie mellon university": grey on its own

# Containment. The contained name must be distinctive: its words together weigh at least the
# weight of a word that this many names carry (a name of one word that four accounts share is
# not evidence when it appears inside a longer one).
_CONTAINED_SHARE = 4.0
_CONTAINED = 0.97  # a contained name with no extra words (cannot happen: then the names agree)
_EXTRA_PLACE = 0.01  # a place
_EXTRA_HOME = 0.005  # a place that names the account's country: supports it
_EXTRA_GENERIC = 0.015  # "group", "software", "division"
_EXTRA_RARE = 0.03  # any other word, plus up to _EXTRA_RARE_WEIGHT as rare as a word can be
_EXTRA_RARE_WEIGHT = 0.07
_EXTRA_MORE = 0.05  # per other word after the first: a long tail is another organisation
# A contained name that other names also hold whole is a family's: a lead that adds words to it
# stays grey when a few names hold it, and is no containment when more do (or when its rarest
# word is in more than _FAMILY_SCAN names).
_FAMILY_GREY = 3
# A name of this many words or more, written whole with a rare word more (or less), names a more
# specific entity: "Allianz Europe Equity Growth Select" is not "Allianz Europe Equity Growth",
# where "Capgemini Portugal" is Capgemini's.
_SPECIFIC = 3
_FAMILY_SCORE = 0.86
# A contained name must also carry a brand: a word at most _FAMILY_SCAN names carry ("Allianz" in
# a book of a thousand Allianz funds is no brand: a lead that adds a word to a fund's name is
# another fund).
_FAMILY_SCAN = 24
_EXTRA_PART = 0.03  # at most, for the words of another part of the typed text: "HR, Acme"
_PREFIX_COST = 0.1  # at most, for the words after a lead that is an account name's start: grey
_ACCOUNT_EXTRA = 0.01  # the lead shorter than the account: a little less sure than the reverse
_RELATED = 0.8  # a name that differs and scores below this is another entity of its family
_MIN_TYPO_LENGTH = 5  # shorter words are too easily another word after one edit


@dataclass(frozen=True, slots=True)
class Comparison:
    """A lead name against one account name: the score and what paired with what."""

    score: float
    kind: str  # "equal", "contains", "contained", "differs"
    paired: tuple[str, ...]  # the account's words the lead has
    lead_extra: tuple[str, ...]
    account_extra: tuple[str, ...]

    def describe(self) -> str:
        """The words that matched, and those on one side only, with their kind ("" when equal)."""
        if self.kind == "equal":
            return ""
        parts = [f"matched {' '.join(self.paired) or 'no word'}"]
        if self.lead_extra:
            parts.append(f"extra in the lead: {', '.join(map(_labelled, self.lead_extra))}")
        if self.account_extra:
            parts.append(f"not in the lead: {', '.join(map(_labelled, self.account_extra))}")
        if (
            self.kind == "differs"
            and self.score < _RELATED
            and (self.lead_extra or self.account_extra)
        ):
            parts.append("another entity of the same name family")
        return "; ".join(parts)


def _labelled(word: str) -> str:
    if word in PLACE_COUNTRIES:
        return f"{word} (place)"
    if word in GENERIC_WORDS or word in STOPWORDS:
        return f"{word} (generic)"
    return word


def word_similarity(word: str, other: str, known: bool) -> float:
    """Similarity of two different words, 0 when unrelated; `other` is an account's word.

    A typo is one slip of the keyboard (a letter missing, extra, wrong, or two swapped), two only
    in long words, in words of at least five letters, never in the first letter of a word under
    nine ("Sitel" / "Mitel", "Exel" / "Rexel" are two brands) and never a final "s" alone
    ("Techpro" / "Techpros"), except in generic words ("holding" / "holdings").
    """
    score = 0.0
    size, other_size = len(word), len(other)
    longest = max(size, other_size)
    if min(size, other_size) >= _MIN_TYPO_LENGTH and (word[0] == other[0] or longest >= 9):
        limit = 1 if longest < 10 else 2
        edits = OSA.distance(word, other, score_cutoff=limit)
        plural = edits == 1 and (word == other + "s" or other == word + "s")
        if plural and other not in GENERIC_WORDS:
            return 0.0
        if edits <= limit:
            score = 1.0 - edits / longest
        elif (
            longest >= 7
            and _shared_prefix(word, other) >= max(6, longest - 3)
            and not (word.startswith(other) or other.startswith(word))  # "sethiaoil" / "sethia"
        ):
            score = _INFLECTION_CREDIT  # "technology" / "technologies", "industry" / "industries"
    if size >= 3 and other_size > size and word[0] == other[0]:
        # A prefix ("ins" / "insurance") is an abbreviation even when some account uses the short
        # word; a contraction ("ptrs" / "partners") only when none does, since short real words
        # hide in long ones ("port" / "properties").
        if other.startswith(word) and other_size >= size + 3:
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


def compare(
    index: AccountIndex,
    lead: list[Word],
    entry: int,
    similar: dict[tuple[str, str], float],
    country: str | None = None,
    parts: tuple[int, ...] = (),
) -> Comparison:
    """Compare a lead's words with an account name (`entry`), see the module's docstring.

    `similar` remembers word similarities across the names compared for one lead, which share
    many words; `country` is the account's, for the places in the lead; `parts` the part of the
    typed text each lead word is in (`names.CompanyName.parts`).
    """
    tokens = index._entry_tokens[entry]
    weights, vocab, identifiers = index._weights, index._vocab, index._identifiers
    entry_weights = [weights[vocab[t]] for t in tokens]
    size = len(tokens)
    paired_at: dict[int, int] = {}  # account word -> lead word
    lead_free: list[int] = []
    taken = [False] * size
    for p, word in enumerate(lead):
        text = word[0]
        for j in range(size):
            if not taken[j] and tokens[j] == text:
                taken[j] = True
                paired_at[j] = p
                break
        else:
            lead_free.append(p)
    shared = lead_total = 0.0
    for j in paired_at:
        shared += 2 * entry_weights[j]
        lead_total += entry_weights[j]
    if lead_free and not all(taken):
        # Before typos and abbreviations: "mercado" is no abbreviation of "mercadolibre" when
        # the next word is "libre".
        shared, lead_total = _pair_joined(
            lead, tokens, entry_weights, taken, paired_at, lead_free, shared, lead_total, joins=True
        )
    unpaired_lead: list[int] = []
    for p in sorted(lead_free, key=lambda p: -lead[p][1]):
        text, weight, _, known, identifier = lead[p]
        best, best_j = 0.0, -1
        if not identifier:
            first, length = text[0], len(text)
            for j in range(size):
                if taken[j]:
                    continue
                other = tokens[j]
                # Words that differ in the first letter and in length by more than two letters
                # are neither a typo nor an abbreviation of each other.
                if (other[0] != first and not -3 < len(other) - length < 3) or (
                    other in identifiers
                ):
                    continue
                score = similar.get((text, other))
                if score is None:
                    score = similar[text, other] = word_similarity(text, other, known)
                if score > best:
                    best, best_j = score, j
        if best_j < 0:
            unpaired_lead.append(p)
            continue
        taken[best_j] = True
        paired_at[best_j] = p
        weight = weight if known else entry_weights[best_j]
        shared += best * (weight + entry_weights[best_j])
        lead_total += weight
    if unpaired_lead and not all(taken):
        shared, lead_total = _pair_joined(
            lead,
            tokens,
            entry_weights,
            taken,
            paired_at,
            unpaired_lead,
            shared,
            lead_total,
            joins=False,
        )
    entry_total = sum(entry_weights)
    for p in unpaired_lead:
        lead_total += lead[p][1]
    # "Oil Gas" for "Oil & Gas": a word that joins others is no word the names disagree on.
    extra_at = [p for p in sorted(unpaired_lead) if lead[p][0] not in STOPWORDS]
    lead_extra = [lead[p] for p in extra_at]
    entry_extra = [j for j in range(size) if not taken[j]]
    entry_extra = [j for j in entry_extra if tokens[j] not in STOPWORDS]
    dice = shared / (lead_total + entry_total) if lead_total + entry_total else 0.0
    paired = tuple(tokens[j] for j in range(size) if taken[j])
    lead_words = tuple(word[0] for word in lead_extra)
    entry_words = tuple(tokens[j] for j in entry_extra)
    if not lead_extra and not entry_extra:
        return Comparison(min(dice, 1.0), "equal", paired, (), ())
    if any(word[4] for word in lead_extra) or any(tokens[j] in identifiers for j in entry_extra):
        return Comparison(
            _conflict(index, lead_extra, tokens, entry_weights, entry_extra, dice, penalty=True),
            "differs",
            paired,
            lead_words,
            entry_words,
        )
    if not entry_extra or not lead_extra:
        contained = _contained(
            index,
            lead,
            tokens,
            entry_weights,
            paired_at,
            extra_at,
            entry_extra,
            country,
            parts,
            similar,
        )
        if contained is not None:
            core = sum(entry_weights[j] for j in paired_at if j >= 0)
            quality = min(1.0, shared / (2 * core or 1.0))
            kind = "contains" if not entry_extra else "contained"
            return Comparison(max(0.0, contained * quality), kind, paired, lead_words, entry_words)
    places = any(w[0] in PLACE_COUNTRIES for w in lead_extra) or any(
        tokens[j] in PLACE_COUNTRIES for j in entry_extra
    )
    score = _conflict(index, lead_extra, tokens, entry_weights, entry_extra, dice, penalty=places)
    return Comparison(score, "differs", paired, lead_words, entry_words)


def _conflict(
    index: AccountIndex,
    lead_extra: list[Word],
    tokens: tuple[str, ...],
    entry_weights: list[float],
    entry_extra: list[int],
    dice: float,
    *,
    penalty: bool,
) -> float:
    """The score of two names that each keep words (or an identifier) the other lacks.

    Every unpaired word costs in proportion to its undamped weight, however long the names; when
    both sides keep unpaired words ("Growth Fund" / "Value Fund") the conflicting weight costs
    more: that is how sibling entities stay apart.
    """
    lead_missing = sum(word[1] for word in lead_extra)
    entry_missing = sum(entry_weights[j] for j in entry_extra)
    unpaired = sum(w[1] / COMMON_FACTOR if w[0] in COMMON_WORDS else w[1] for w in lead_extra)
    unpaired += sum(
        entry_weights[j] / COMMON_FACTOR if tokens[j] in COMMON_WORDS else entry_weights[j]
        for j in entry_extra
    )
    score = dice - _CONFLICT * min(lead_missing, entry_missing) - _UNPAIRED * unpaired
    if penalty:
        score *= _IDENTIFIER_PENALTY
    return max(0.0, min(score, 1.0))


def _pair_joined(
    lead: list[Word],
    tokens: tuple[str, ...],
    entry_weights: list[float],
    taken: list[bool],
    paired_at: dict[int, int],
    unpaired_lead: list[int],
    shared: float,
    lead_total: float,
    *,
    joins: bool,
) -> tuple[float, float]:
    """Pair words written joined or split (`joins`), or else initials, among the words left.

    Updates `taken`, `paired_at` and `unpaired_lead` in place and returns the new sums.

    A lead word split in two pairs through its first half; its second half is marked paired to
    the same account word with a negative index (`-1 - p`), so that the run stays whole.
    """
    size = len(tokens)
    free_lead = set(unpaired_lead)
    # Every way to pair starts with an account word of the same first letter: most lead words
    # have none among the free account words and are passed over at once.
    firsts = {tokens[j][0] for j in range(size) if not taken[j]}
    for p in sorted(unpaired_lead):
        if p not in free_lead or lead[p][0][0] not in firsts:
            continue
        text, weight, _, known, _ = lead[p]
        run: tuple[int, ...] = ()
        credit = _JOINED_CREDIT
        # The lead joins two adjacent account words: "scottishpower" / "scottish power".
        for j in range(size - 1 if joins else 0):
            if not taken[j] and not taken[j + 1] and tokens[j] + tokens[j + 1] == text:
                run = (j, j + 1)
                break
            # "cushmanwakefield" / "cushman and wakefield"
            if (
                j + 2 < size
                and tokens[j + 1] in STOPWORDS
                and not taken[j]
                and not taken[j + 2]
                and tokens[j] + tokens[j + 2] == text
            ):
                run = (j, j + 1, j + 2)
                break
        if joins and not run and p + 1 in free_lead:
            # The lead splits an account word: "scottish power" / "scottishpower".
            joined = text + lead[p + 1][0]
            for j in range(size):
                if not taken[j] and tokens[j] == joined:
                    taken[j] = True
                    paired_at[j] = p
                    paired_at[-1 - (p + 1)] = p + 1
                    free_lead -= {p, p + 1}
                    both = weight + lead[p + 1][1] if known else entry_weights[j]
                    shared += _JOINED_CREDIT * (both + entry_weights[j])
                    lead_total += both
                    break
            if p not in free_lead:
                continue
        if not joins and not run and text.isalpha():
            run = _initials_run(text, tokens, taken)
            credit = _INITIALS_CREDIT
        if not run:
            continue
        borrowed = sum(entry_weights[j] for j in run)
        for j in run:
            taken[j] = True
            paired_at[j] = p
        free_lead.discard(p)
        weight = weight if known else borrowed
        shared += credit * (weight + borrowed)
        lead_total += weight
    unpaired_lead[:] = sorted(free_lead)
    return shared, lead_total


def _initials_run(text: str, tokens: tuple[str, ...], taken: list[bool]) -> tuple[int, ...]:
    """The free account words, one run, whose initials spell `text` (stopwords may be skipped)."""
    if not 2 <= len(text) <= 8:
        return ()
    size = len(tokens)
    for start in range(size):
        if taken[start] or tokens[start][0] != text[0]:
            continue
        run: list[int] = []
        k, j = 0, start
        while j < size and k < len(text) and not taken[j]:
            word = tokens[j]
            if word[0] == text[k]:
                run.append(j)
                k += 1
            elif word not in STOPWORDS:
                break
            else:
                run.append(j)
            j += 1
        if k == len(text) and len(run) >= 2:
            return tuple(run)
    return ()


def _contained(
    index: AccountIndex,
    lead: list[Word],
    tokens: tuple[str, ...],
    entry_weights: list[float],
    paired_at: dict[int, int],
    extra_at: list[int],
    entry_extra: list[int],
    country: str | None,
    parts: tuple[int, ...],
    similar: dict[tuple[str, str], float],
) -> float | None:
    """The score of one name wholly inside the other in one run, or None when it is not.

    `extra_at` are the positions of the lead's extra words, `parts` the part of the typed text
    each lead word is in (see `names.CompanyName.parts`).
    """
    # The contained name, in weight, against what one name in _CONTAINED_SHARE weighs.
    core = sum(entry_weights[j] for j in paired_at if j >= 0)
    if core < index._unknown_weight - math.log(_CONTAINED_SHARE):
        return None
    named = {tokens[j] for j in paired_at if j >= 0 and tokens[j] not in STOPWORDS}
    if not named:
        return None
    # Names compared for one lead share their contained words: their family is counted once.
    key = ("\0family", " ".join(sorted(named)))
    family = similar.get(key)
    if family is None:
        family = similar[key] = _family(index, named)
    if family > _FAMILY_GREY:
        return None
    top = index._unknown_weight
    if entry_extra:  # the lead inside the account: the account's paired words in one run
        positions = [j for j in paired_at if j >= 0 and tokens[j] not in STOPWORDS]
        if not _one_run(positions, tokens):
            return None
        extras = [(tokens[j], entry_weights[j]) for j in entry_extra]
        if len(named) >= _SPECIFIC and _any_rare(extras):
            return None
        cost = _extra_cost(extras, country, top)
        if min(positions) == 0:  # the first words of a long name ("Three6five" / "... Network")
            cost = min(cost, _PREFIX_COST)
        score = _CONTAINED - _ACCOUNT_EXTRA - cost
        return score if family == 1 else min(score, _FAMILY_SCORE)
    positions = [p for p in paired_at.values() if lead[p][0] not in STOPWORDS]
    if not _one_run(positions, tuple(word[0] for word in lead)):
        return None
    home = {parts[p] for p in positions} if parts else set()
    same = [(lead[p][0], lead[p][1]) for p in extra_at if not parts or parts[p] in home]
    if len(named) >= _SPECIFIC and _any_rare(same):
        return None
    cost = _extra_cost(same, country, top)
    for part in sorted({parts[p] for p in extra_at} - home) if parts else ():
        # A note in its own part ("Human Resources, Swedbank"): one small cost for all its words.
        words = [(lead[p][0], lead[p][1]) for p in extra_at if parts[p] == part]
        cost += min(_extra_cost(words, country, top), _EXTRA_PART)
    return _CONTAINED - cost if family == 1 else min(_CONTAINED - cost, _FAMILY_SCORE)


def _family(index: AccountIndex, named: set[str]) -> int:
    """How many names hold all these words (more than _FAMILY_GREY: _FAMILY_GREY + 1).

    A name that is the start of others ("Allianz Europe Equity" in "Allianz Europe Equity Growth"
    and "... Value") names a family; a lead that adds a word to it is likely another member.
    """
    vocab, postings = index._vocab, index._postings
    lists = sorted((postings[vocab[word]] for word in named), key=len)
    if len(lists[0]) > _FAMILY_SCAN:
        return _FAMILY_GREY + 1
    entry_account, entry_tokens = index._entry_account, index._entry_tokens
    found = 0
    for entry in lists[0]:
        if entry_account[entry] >= 0 and named.issubset(entry_tokens[entry]):
            found += 1
            if found > _FAMILY_GREY:
                break
    return found


def _one_run(positions: list[int], words: tuple[str, ...]) -> bool:
    """True when the positions are one run of words, but for stopwords between them."""
    if not positions:
        return False
    first, last = min(positions), max(positions)
    inside = set(positions)
    return all(words[k] in STOPWORDS for k in range(first, last + 1) if k not in inside)


def _any_rare(extras: list[tuple[str, float]]) -> bool:
    """True when a word among the extras is neither a place nor a generic word nor a stopword."""
    words = [word for word, _ in extras]
    k = 0
    while k < len(words):
        size = next((n for n in (3, 2) if tuple(words[k : k + n]) in PLACE_PHRASES), 0)
        if size:
            k += size
            continue
        word = words[k]
        k += 1
        if word not in PLACE_COUNTRIES and word not in GENERIC_WORDS and word not in STOPWORDS:
            return True
    return False


def _extra_cost(extras: list[tuple[str, float]], country: str | None, top: float) -> float:
    """What extra words (word, weight), in the order written, cost a contained name."""
    cost = 0.0
    rare = k = 0
    while k < len(extras):
        word, weight = extras[k]
        phrase = next(
            (size for size in (3, 2) if tuple(w for w, _ in extras[k : k + size]) in PLACE_PHRASES),
            0,
        )
        if phrase:  # "sao paulo", "north america": one place
            code = PLACE_PHRASES[tuple(w for w, _ in extras[k : k + phrase])]
            cost += _EXTRA_HOME if country and code == country else _EXTRA_PLACE
            k += phrase
            continue
        k += 1
        if word in PLACE_COUNTRIES:
            cost += _EXTRA_HOME if country and PLACE_COUNTRIES[word] == country else _EXTRA_PLACE
        elif word in GENERIC_WORDS:
            cost += _EXTRA_GENERIC
        else:
            cost += _EXTRA_RARE + _EXTRA_RARE_WEIGHT * min(weight / top, 1.0)
            rare += 1
    return cost + _EXTRA_MORE * max(rare - 1, 0)
