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
  unpaired number, letter or roman numeral: another entity of the same family, scored low
  (never above `DIFFERS_CAP`: on the name alone, no match); so is the account's name written in
  another order with a rare word more ("Veer Hospitality Lakewood" / "Lakewood Hospitality") or a
  word misspelt ("Alnor Industries" / "Industries Amnor").

Pure: reads an index's tables, never changes them; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz.distance import OSA

from leadrouter.matching.containment import (
    contained_score,
    in_another_order,
    reordered_with_a_word_more,
)
from leadrouter.matching.names import COMMON_WORDS, GENERIC_WORDS, STOPWORDS
from leadrouter.matching.places import PLACE_COUNTRIES
from leadrouter.model.frozen import quick_init

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
_RELATED = 0.8  # a name that differs and scores below this is another entity of its family
# A name that differs scores at most this, below the weak bar with every bonus (`judge`): on its
# name alone it is another entity of the family ("Fair Oaks Income" / "Fair Oaks Income Fund GP",
# "Agility Global Fixed Income" / "Agility Fixed Income"). At 354,000 GLEIF accounts the names
# that differs let into the grey zone were the lead's account 9 times in 78.
DIFFERS_CAP = 0.7
MIN_TYPO_LENGTH = 5  # shorter words are too easily another word after one edit


# What else differs in a name of kind "reordered", by whether the lead has extra words.
_ANOTHER_ORDER = (", one misspelt: another company", " and a word more: another company")


@quick_init
@dataclass(frozen=True, slots=True)
class Comparison:
    """A lead name against one account name: the score and what paired with what."""

    score: float
    # "equal", "contains", "contained", "differs", or "reordered": the account's words in another
    # order with a rare word more (`containment.reordered_with_a_word_more`) or one misspelt,
    # another company
    kind: str
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
        if self.kind == "reordered":
            parts.append(
                f"the account's words in another order{_ANOTHER_ORDER[bool(self.lead_extra)]}"
            )
        elif (
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
    if min(size, other_size) >= MIN_TYPO_LENGTH and (word[0] == other[0] or longest >= 9):
        limit = 1 if longest < 10 else 2
        # Words that differ in length by more than the limit are that many edits apart at least.
        edits = (
            OSA.distance(word, other, score_cutoff=limit)
            if -limit <= size - other_size <= limit
            else limit + 1
        )
        plural = edits == 1 and (word == other + "s" or other == word + "s")
        if plural and other not in GENERIC_WORDS:
            return 0.0
        if edits <= limit:
            score = 1.0 - edits / longest
        elif (
            longest >= 7
            and _share_prefix(word, other, max(6, longest - 3))
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


def _share_prefix(a: str, b: str, size: int) -> bool:
    """Whether both words start with the same `size` letters."""
    return len(a) >= size and len(b) >= size and a[:size] == b[:size]


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
    slipped = False  # a word paired as a typo, another ending or an abbreviation
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
        slipped = slipped or best < 1.0
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
        if slipped and in_another_order(lead, tokens, paired_at):
            # Another order and a slip in a word: another company of like words ("Alnor
            # Industries" / "Industries Amnor"), where either alone is how people write.
            return Comparison(min(dice, DIFFERS_CAP), "reordered", paired, (), ())
        return Comparison(min(dice, 1.0), "equal", paired, (), ())
    if any(word[4] for word in lead_extra) or any(tokens[j] in identifiers for j in entry_extra):
        return Comparison(
            _conflict(index, lead_extra, tokens, entry_weights, entry_extra, dice, penalty=True),
            "differs",
            paired,
            lead_words,
            entry_words,
        )
    kind = "differs"
    if not entry_extra or not lead_extra:
        contained = contained_score(
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
        if (
            contained is not None
            and not entry_extra
            and reordered_with_a_word_more(lead, tokens, paired_at, extra_at, parts)
        ):
            kind, contained = "reordered", None
        if contained is not None:
            core = sum(entry_weights[j] for j in paired_at if j >= 0)
            quality = min(1.0, shared / (2 * core or 1.0))
            kind = "contains" if not entry_extra else "contained"
            return Comparison(max(0.0, contained * quality), kind, paired, lead_words, entry_words)
    places = any(w[0] in PLACE_COUNTRIES for w in lead_extra) or any(
        tokens[j] in PLACE_COUNTRIES for j in entry_extra
    )
    score = _conflict(index, lead_extra, tokens, entry_weights, entry_extra, dice, penalty=places)
    return Comparison(score, kind, paired, lead_words, entry_words)


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
    return max(0.0, min(score, DIFFERS_CAP))


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
