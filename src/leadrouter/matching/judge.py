"""How sure a match is: confidence from each kind of evidence, ties, and the notes that explain it.

`judge` weighs one account's evidence (the lead's domain, the name comparison from `lookup`,
country and phone) into a confidence with its reasons in words; `decide` picks among the
candidates, breaks ties by the documented `TIE_BREAKERS` (a tie always makes the match weak) and
writes the notes, naming the accounts that lost. Pure: no I/O, no clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from leadrouter.matching.lookup import Hit
from leadrouter.matching.names import STOPWORDS, CompanyName, read_company_name
from leadrouter.matching.places import PLACE_COUNTRIES
from leadrouter.model import AccountMatch, AccountType, Note, Reason
from leadrouter.model.frozen import quick_init

if TYPE_CHECKING:
    from leadrouter.matching.index import AccountIndex

# Confidence of each kind of evidence. A registrable domain is the company's own: with a company
# name that resembles the account 0.99, without a usable company name 0.95, with one that does not
# resemble 0.91. A name can be shared by unrelated companies, so a name alone scores its similarity
# capped at 0.97. Then the country adds 0.02 when it agrees and, for name matches, takes 0.15 when
# it differs, or 0.2 when the legal forms differ too or the account's name places it in its own
# country (see `judge`); an agreeing phone adds 0.05;
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
MOST_ADDED = _COUNTRY_AGREES + _PHONE_AGREES  # the most a name-only match gains over its score
_NAME_RESEMBLES = 0.8  # name score from which a name supports a domain match
_TIE_MARGIN = 0.015  # candidates closer than this are a tie
_LOST_SHOWN = 2  # accounts that lost, named in the reason

# Tie-breakers, in order, between candidates of (nearly) equal confidence.
TIE_BREAKERS = (
    "domain over name",
    "same legal form",  # "Acme Ltd" of "Acme Ltd" and "Acme AB": the register the lead wrote
    "parent over subsidiary",  # a group-wide domain, no other clue: the group's own account
    "customer over prospect",
    "same country",
    "most recent activity",
    "lowest id",
)
_TYPE_RANK = {AccountType.CUSTOMER: 0, AccountType.PROSPECT: 1, AccountType.PARTNER: 2}


@quick_init
@dataclass(frozen=True, slots=True)
class MatchResult:
    """The account a lead matched (None when none) and the notes that explain it."""

    match: AccountMatch | None
    notes: tuple[Note, ...]


@quick_init
@dataclass(frozen=True, slots=True)
class Candidate:
    """One account's evidence for a lead, weighed."""

    index: int
    confidence: float
    method: str
    reasons: tuple[str, ...]
    domain: bool
    name_score: float
    country_agrees: bool
    country_conflict: bool = False  # only the country kept this name match below the weak bar
    paired: frozenset[str] = frozenset()  # the account's words the lead's company has
    evidence: _Evidence | None = field(default=None, compare=False)  # for `explain`


@quick_init
@dataclass(frozen=True, slots=True)
class _Evidence:
    """What `explain` needs to put a candidate's weighing into words."""

    domain: str | None
    name_hit: Hit | None
    company: str | None
    lead_country: str | None
    form: str | None  # why the lead is another company (`_placed_elsewhere` and the like)
    phone: str | None  # the phone that agrees
    lead_form: str | None = None  # the legal form the lead's company is written with


def judge(
    index: AccountIndex,
    i: int,
    domain: str | None,
    name_hit: Hit | None,
    company: str | None,
    name: CompanyName | None,
    fields: Any,
) -> Candidate:
    """Confidence that the lead belongs to account i, with the reasons in words.

    `name` is the lead's company read as a name, None when there is none or a placeholder.
    A name match in another country than the account's is another company of the same name
    as often as the account's office abroad, for review: it stays in the grey zone, unless
    the lead also writes another legal form ("Acme GmbH" in Germany is not "Acme Ltd" in
    Brazil: two registers, two companies), writes the account's words in another order
    ("Summit Alpine" in Ireland is not "Alpine Summit" in Luxembourg) or the account's name
    places it in its own country ("Agfa Healthcare India"), which puts it below the weak bar;
    a distinctive name (`_DISTINCTIVE`) keeps it grey despite the legal form or the order, an
    agreeing phone in every case.
    """
    if name is None:
        company = None
    account = index._accounts[i]
    name_score = name_hit[0].score if name_hit else 0.0
    if domain is not None:
        if company is None:
            confidence, method = _DOMAIN_ONLY, "domain"
        elif name_score >= _NAME_RESEMBLES:
            confidence, method = _DOMAIN_AND_NAME, "name+domain"
        else:
            confidence, method = _DOMAIN_NAME_DIFFERS, "domain"
    else:
        confidence, method = min(name_score, _NAME_CAP), "name"
    lead_country, country = fields.get("country"), account.country
    country_agrees = bool(lead_country) and lead_country == country
    country_conflict = False
    form = None
    if country_agrees:
        confidence += _COUNTRY_AGREES
    elif lead_country and country and domain is None:
        # A global company's staff write from everywhere: only a name match pays for this.
        if name_hit and name:
            form = _placed_elsewhere(name_hit, country, lead_country)
            if form is None and index._entry_weight[name_hit[1]] < _DISTINCTIVE:
                form = _other_legal_form(index, name_hit, name) or _other_word_order(
                    index, name_hit, name
                )
        if form is None:
            confidence -= _COUNTRY_DIFFERS
        else:
            confidence -= _COUNTRY_AND_FORM_DIFFER
            country_conflict = True
    phone = fields.get("phone")
    phone_agrees = bool(phone) and phone == account.phone
    if phone_agrees:
        confidence += _PHONE_AGREES
    confidence = round(min(confidence, _DOMAIN_AND_NAME), 3)
    return Candidate(
        i,
        confidence,
        method,
        (),
        domain is not None,
        name_score,
        country_agrees,
        country_conflict and confidence < index.weak and name_score >= index.weak,
        frozenset(name_hit[0].paired) if name_hit else frozenset(),
        _Evidence(
            domain,
            name_hit,
            company,
            lead_country,
            form,
            phone if phone_agrees else None,
            name.legal_form if name is not None and name.legal_form else None,
        ),
    )


def explain(index: AccountIndex, c: Candidate) -> tuple[str, ...]:
    """The reasons in words for a candidate's confidence, as `judge` weighed it.

    Written only for the account chosen: a lead compares about ten names, and the words (with the
    description of which words paired) cost more than the weighing.
    """
    why = c.evidence
    if why is None:
        return c.reasons
    account = index._accounts[c.index]
    reasons: list[str] = []
    name_hit, company = why.name_hit, why.company
    if name_hit is not None:
        shown = index._entry_text[name_hit[1]]
        detail = name_hit[0].describe()
        detail = f"; {detail}" if detail else ""
        reasons.append(f"company {company!r} ~ {shown!r} (score {c.name_score:.2f}{detail})")
    if why.domain is not None:
        reasons.insert(0, f"{why.domain} belongs to {account.name} ({account.id})")
        if company is not None and c.name_score < _NAME_RESEMBLES and name_hit is None:
            reasons.append(f"company {company!r} does not resemble {account.name!r}")
    if c.country_agrees:
        reasons.append(f"country {account.country} agrees")
    elif why.lead_country and account.country and why.domain is None:
        reasons.append(f"country {why.lead_country} differs from the account's {account.country}")
        if why.form is not None:
            reasons.append(why.form)
    if why.phone is not None:
        reasons.append(f"phone {why.phone} agrees")
    return tuple(reasons)


def _placed_elsewhere(name_hit: Hit, country: str, lead_country: str) -> str | None:
    """Why the lead is another company than the account of a name match, or None: the account's
    name holds a place of its own country that the lead leaves out, and the lead is elsewhere.

    "Agfa Healthcare" written from Belgium is not "Agfa Healthcare India": a group names its
    companies abroad by their country; the lead's is the group's company in its own country.
    """
    for word in name_hit[0].account_extra:
        if PLACE_COUNTRIES.get(word) == country:
            return (
                f"the account's name places it in {country} ({word!r}), the lead in {lead_country}"
            )
    return None


def _other_legal_form(index: AccountIndex, name_hit: Hit, name: CompanyName) -> str | None:
    """Why the lead is another company than the account of a name match, or None.

    Both names written with a legal form and the forms sharing no word ("GmbH" / "Ltd", but
    not "Pvt Ltd" / "Ltd" or "SA de CV" / "SA").
    """
    entry = name_hit[1]
    if not name.legal_form:
        return None
    # The account's legal form is read again only here: a build keeps no form per name.
    written = _legal_form(index._entry_text[entry])
    if not written:
        return None
    if (set(name.legal_form.split()) & set(written.split())) - {"&"}:
        return None
    return f"legal form {name.legal_form!r} differs from the account's {written!r}"


def _other_word_order(index: AccountIndex, name_hit: Hit, name: CompanyName) -> str | None:
    """Why the lead is another company than the account of a name match, or None: the lead writes
    the account's words, all of them and no other, in another order.

    Read with the other country: a company's own staff write its name in its own order, while
    registers abroad hold many names built from the same two or three common words ("Alpine
    Summit" in Luxembourg, "Summit Alpine" in Ireland); "of", "and" and the like are left out
    ("Bank of Tokyo" / "Tokyo Bank").
    """
    entry = name_hit[1]
    lead = [w for w in name.tokens if w not in STOPWORDS]
    account = [w for w in index._entry_tokens[entry] if w not in STOPWORDS]
    if lead == account or sorted(lead) != sorted(account):
        return None
    written, own = " ".join(name.tokens), " ".join(index._entry_tokens[entry])
    return f"the lead writes the same words in another order ({written!r} / {own!r})"


@lru_cache(maxsize=4096)
def _legal_form(text: str) -> str:
    """The legal form an account name is written with, "" for none (the same names recur)."""
    written = read_company_name(text)
    return written.legal_form if written is not None else ""


def _form_rank(index: AccountIndex, c: Candidate) -> int:
    """0 when the account's name is written with the lead's legal form, 1 when the two forms
    share a word ("Pvt Ltd" / "Ltd"), 2 otherwise or when the lead writes none."""
    why = c.evidence
    if why is None or why.lead_form is None or why.name_hit is None:
        return 2
    written = _legal_form(index._entry_text[why.name_hit[1]])
    if written == why.lead_form:
        return 0
    return 1 if (set(written.split()) & set(why.lead_form.split())) - {"&"} else 2


def tie_key(index: AccountIndex, c: Candidate) -> tuple[Any, ...]:
    account = index._accounts[c.index]
    activity = account.last_activity.timestamp() if account.last_activity else -math.inf
    return (
        not c.domain,
        _form_rank(index, c),
        index._top[c.index] != c.index,
        _TYPE_RANK.get(account.type, 3),
        not c.country_agrees,
        -activity,
        account.id,
    )


class _TieKey:
    """`tie_key` worked out only when two candidates' confidences are equal (a sort compares it
    only then): most leads have a single candidate or candidates of different confidence."""

    __slots__ = ("_c", "_index", "_key")

    def __init__(self, index: AccountIndex, c: Candidate) -> None:
        self._index, self._c, self._key = index, c, None

    def key(self) -> tuple[Any, ...]:
        if self._key is None:
            self._key = tie_key(self._index, self._c)
        return self._key

    def __lt__(self, other: _TieKey) -> bool:
        return self.key() < other.key()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _TieKey) and self.key() == other.key()

    __hash__ = None  # type: ignore[assignment]


def decide(index: AccountIndex, candidates: list[Candidate], evidence: list[str]) -> MatchResult:
    # Domain over name: a lead writing from acme.com belongs to Acme whatever the company field
    # says; a name pointing elsewhere only makes the match weak.
    by_domain = [c for c in candidates if c.domain]
    pool = by_domain or candidates
    pool.sort(key=lambda c: (-c.confidence, _TieKey(index, c)))
    best = pool[0]
    notes: list[Note] = []
    others = [c for c in candidates if c is not best]
    # A sibling whose name holds fewer of the lead's words never ties: "Acme UK Sales" is Acme
    # UK's, not Acme's, however little the extra "uk" costs Acme.
    tied = [
        c
        for c in pool[1:]
        if best.confidence - c.confidence < _TIE_MARGIN and not c.paired < best.paired
    ]
    best = replace(best, reasons=explain(index, best))
    rival = None
    if by_domain:
        rival = max(
            (c for c in candidates if not c.domain and c.name_score > best.name_score),
            key=lambda c: c.confidence,
            default=None,
        )
        if rival is not None and rival.confidence >= index.strong:
            rival_account = index._accounts[rival.index]
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
        keys = [tie_key(index, c) for c in group]
        rule = next(
            (TIE_BREAKERS[k] for k in range(len(TIE_BREAKERS)) if keys[0][k] != keys[1][k]),
            TIE_BREAKERS[-1],
        )
        listed = ", ".join(
            f"{index._accounts[c.index].name} ({index._accounts[c.index].id}, {c.confidence:.2f})"
            for c in group
        )
        rivals = ", ".join(index._accounts[c.index].id for c in tied)
        best = replace(best, reasons=(*best.reasons, f"tied with {rivals}: chose by {rule}"))
        notes.append(
            Note(
                Reason.ACCOUNT_AMBIGUOUS,
                f"{len(group)} accounts fit equally well: {listed}; chose "
                f"{index._accounts[best.index].id} by {rule}; not a strong match",
                {
                    "candidates": tuple((index._accounts[c.index].id, c.confidence) for c in group),
                    "tie_breaker": rule,
                },
            )
        )
    if rival is not None:
        rival_account = index._accounts[rival.index]
        notes.append(
            Note(
                Reason.ACCOUNT_AMBIGUOUS,
                f"email domain says {index._accounts[best.index].name}, company name says "
                f"{rival_account.name} ({rival_account.id}); domain wins, not a strong match",
                {"candidates": ((rival_account.id, rival.confidence),)},
            )
        )
    account = index._accounts[best.index]
    strong = best.confidence >= index.strong and not tied and rival is None
    ranked = sorted(others, key=lambda c: (-c.confidence, _TieKey(index, c)))
    runner = ranked[0] if ranked else None
    lost = [
        f"{index._accounts[c.index].name} ({index._accounts[c.index].id}, {c.confidence:.2f})"
        for c in ranked[:_LOST_SHOWN]
        if c not in tied
    ]
    if lost:
        lost_reason = "fits the lead better than " + ", ".join(lost)
        best = replace(best, reasons=(*best.reasons, lost_reason))
    reason = "; ".join((*best.reasons, *evidence))
    top = index._accounts[index._top[best.index]]
    match = AccountMatch(
        account=account,
        confidence=best.confidence,
        method=best.method,
        reason=reason,
        strong=strong,
        ultimate_parent=top,
        runner_up=index._accounts[runner.index] if runner is not None else None,
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
                    (index._accounts[c.index].id, c.confidence)
                    for c in sorted(candidates, key=lambda c: -c.confidence)[:5]
                ),
            },
        ),
    )
    return MatchResult(match, tuple(notes))
