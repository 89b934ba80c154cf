"""Containment: one company name wholly inside the other, in one run ("Capgemini Portugal" /
"Capgemini", "Three6five" / "Three6five Network"), and what its extra words cost.

The evidence is as good as the contained name is distinctive: a name that a family of accounts
shares, or that carries no brand, is no containment; each extra word costs by its kind (a place
or a generic word little, a rare word more). Used by `similarity.compare` once the words are
paired. Pure: reads an index's tables, never changes them; no I/O.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from leadrouter.matching.names import GENERIC_WORDS, LEGAL_FORMS, STOPWORDS
from leadrouter.matching.places import PLACE_COUNTRIES, PLACE_PHRASES

if TYPE_CHECKING:
    from leadrouter.matching.index import AccountIndex
    from leadrouter.matching.similarity import Word


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


def contained_score(
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
    if not distinctive(index, sum(entry_weights[j] for j in paired_at if j >= 0)):
        return None
    named = {tokens[j] for j in paired_at if j >= 0 and tokens[j] not in STOPWORDS}
    if not named:
        return None
    family = family_size(index, named, similar)
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
        # A brand before the lead's words, as distinctive as any of them: "Hays Solar" inside
        # "Ber Hays Solar Holdings" is one of Ber's companies ("Deere" is John Deere's name).
        rarest = max(entry_weights[j] for j in positions)
        before = [(tokens[j], entry_weights[j]) for j in entry_extra if j < min(positions)]
        if _any_rare([(word, weight) for word, weight in before if weight >= rarest]):
            return None
        cost = _extra_cost(extras, country, top)
        if min(positions) == 0:  # the first words of a long name ("Three6five" / "... Network")
            cost = min(cost, _PREFIX_COST)
        score = _CONTAINED - _ACCOUNT_EXTRA - cost
        return score if family == 1 else min(score, _FAMILY_SCORE)
    positions = [p for p in paired_at.values() if lead[p][0] not in STOPWORDS]
    if not _one_run(positions, tuple(word[0] for word in lead)):
        return None
    home, same = _home_extras(lead, paired_at, extra_at, parts)
    if len(named) >= _SPECIFIC and _any_rare(same):
        return None
    cost = _extra_cost(same, country, top)
    for part in sorted({parts[p] for p in extra_at} - home) if parts else ():
        # A note in its own part ("Human Resources, Swedbank"): one small cost for all its words.
        words = [(lead[p][0], lead[p][1]) for p in extra_at if parts[p] == part]
        cost += min(_extra_cost(words, country, top), _EXTRA_PART)
    return _CONTAINED - cost if family == 1 else min(_CONTAINED - cost, _FAMILY_SCORE)


def reordered_with_a_word_more(
    lead: list[Word],
    tokens: tuple[str, ...],
    paired_at: dict[int, int],
    extra_at: list[int],
    parts: tuple[int, ...],
) -> bool:
    """Whether the lead writes all the account's words in another order and adds a rare word
    in their part: another company built of the same words ("Veer Hospitality Lakewood" /
    "Lakewood Hospitality"), no containment.

    Either alone is how people write their company ("Miami University", "Capgemini Zorblaxian");
    the two together are another name. A legal form written at the other end is no such word
    ("OÜ Software Modirum" / "Modirum Software OÜ").
    """
    if not in_another_order(lead, tokens, paired_at):
        return False
    _, same = _home_extras(lead, paired_at, extra_at, parts)
    return _any_rare([(word, weight) for word, weight in same if (word,) not in LEGAL_FORMS])


def in_another_order(lead: list[Word], tokens: tuple[str, ...], paired_at: dict[int, int]) -> bool:
    """Whether the lead writes the account's words (but stopwords) in another order, as far as
    one can tell: a name that writes one of its words twice has no one order."""
    # Initials and joined words pair several account words with one lead word, in order.
    last = -1
    for j in sorted(paired_at):
        if j >= 0 and tokens[j] not in STOPWORDS:
            if paired_at[j] < last:
                break
            last = paired_at[j]
    else:
        return False
    if len(set(tokens)) < len(tokens):
        return False
    written = [word[0] for word in lead]
    return not any(written.count(lead[p][0]) > 1 for p in paired_at.values())


def _home_extras(
    lead: list[Word], paired_at: dict[int, int], extra_at: list[int], parts: tuple[int, ...]
) -> tuple[set[int], list[tuple[str, float]]]:
    """The parts of the typed text that hold the account's words, and the lead's extra words
    (word, weight) written in them."""
    home = {parts[p] for p in paired_at.values() if lead[p][0] not in STOPWORDS} if parts else set()
    return home, [(lead[p][0], lead[p][1]) for p in extra_at if not parts or parts[p] in home]


def distinctive(index: AccountIndex, core: float) -> bool:
    """Whether a contained name whose words weigh `core` together may be evidence: at least what
    one name in _CONTAINED_SHARE weighs (`bound.may_reach` rules out the others before)."""
    return core >= index._unknown_weight - math.log(_CONTAINED_SHARE)


def may_contain(
    index: AccountIndex, core: float, named: set[str], similar: dict[tuple[str, str], float]
) -> bool:
    """Whether a contained name made of the words `named`, weighing `core`, may be evidence: the
    first tests of `contained_score`, for `bound.may_reach` to rule out the others at once."""
    return (
        bool(named)
        and distinctive(index, core)
        and family_size(index, named, similar) <= _FAMILY_GREY
    )


def family_size(index: AccountIndex, named: set[str], similar: dict[tuple[str, str], float]) -> int:
    """`_family`, counted once for all the names compared for one lead (they share their
    contained words), in `compare`'s memo `similar`."""
    key = ("\0family", " ".join(sorted(named)))
    family = similar.get(key)
    if family is None:
        family = similar[key] = _family(index, named)
    return int(family)


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
