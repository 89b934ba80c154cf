"""Company names reduced to the words that identify the company, for matching leads to accounts.

"ACME Holdings, Ltd.", "Acme Holdings Limited" and "The ACME holdings" all become the tokens
("acme", "holdings"): text folded (accents, case, dots, punctuation; see `normalize.text.fold`),
"&" read as "and", legal forms removed from the end (cleanco's vocabulary of legal forms in many
languages: Inc, LLC, GmbH, S.A., Sp. z o.o., K.K., Pty Ltd, AG, SAS, BV, AB, Oy, ...) and from the
start where some countries put them (PT, OOO), and common abbreviations written out ("Intl" ->
"international"). Names people type instead of a company ("n/a", "self", "asdf") are placeholders
and yield None. Pure string functions: this module must never know about accounts or leads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from cleanco import prepare_default_terms

from leadrouter.matching.places import COUNTRIES_AND_REGIONS
from leadrouter.normalize.text import clean, fold, is_placeholder

# `fold` remembers the texts it folded for the leads' sake; an index build folds each account name
# once, and would only push the leads' texts out.
_fold_once = getattr(fold, "__wrapped__", fold)


# A web address written as the name ("Mercadolibre.com", "www.acme.co.uk"): the company is the
# label before the suffix. Read before folding, which drops dots ("U.S.A." -> "usa").
_WEB_NAME = re.compile(
    r"\b(?:https?://)?(?:www\.)?([^\W_][\w-]*)\.(?:com|net|org|io|ai|biz|info|co|app|tech)"
    r"(?:\.[a-z]{2})?\b/?",
    re.IGNORECASE,
)


# A bare web address with a country's suffix ("kline.de", "www.dalee.co.uk"): the whole text.
_WEB_ADDRESS = re.compile(
    r"(?:https?://)?(?:www\.)?([^\W_][\w-]+)\.[a-z]{2,3}(?:\.[a-z]{2})?/?", re.IGNORECASE
)


def words(text: str) -> list[str]:
    """The folded words of a name: "Müller & Söhne GmbH" -> ["muller", "and", "sohne", "gmbh"]."""
    # "&" and "+" join words ("Johnson & Johnson", "A+B Partners"): read them as "and" so that
    # both spellings give the same tokens.
    if "&" in text or "+" in text:
        text = text.replace("&", " and ").replace("+", " and ")
    if "." in text:
        if " " not in text and (address := _WEB_ADDRESS.fullmatch(text)):
            text = address[1]
        else:
            text = _WEB_NAME.sub(r"\1", text)
    return _fold_once(text).split()


# Places in a company name: "Acme UK" and "Acme India" are the group's companies in two countries;
# "Capgemini Portugal" is Capgemini's office there (see `places`).
PLACES = frozenset(COUNTRIES_AND_REGIONS)


def _legal_forms() -> frozenset[tuple[str, ...]]:
    # cleanco's terms folded with our own `words`, so that a term and a name always agree on
    # tokens whatever punctuation either was written with ("S.A." and "SA" are both ("sa",)).
    forms = {tuple(words(" ".join(parts))) for _, parts in prepare_default_terms()}
    # Spelled-out forms cleanco lacks; they appear in registers and on web forms.
    for extra in (
        "aktiengesellschaft",
        "kabushiki kaisha",
        "godo kaisha",
        "yugen kaisha",
        "societe anonyme",
        "sociedad anonima",
        "societa per azioni",
        "aktiebolag",
        "osakeyhtio",
        "naamloze vennootschap",
        "besloten vennootschap",
        "limited liability company",
        "limited partnership",
        "public limited company",
        "proprietary limited",
        "pvt",
        "pte",
        "pty",
        "tbk",
    ):
        forms.add(tuple(extra.split()))
    # cleanco lists "UK" (from "UK Ltd"), but a place marks a subsidiary: see PLACES.
    return frozenset(form for form in forms if form and not PLACES.issuperset(form))


LEGAL_FORMS = _legal_forms()


def _one_edit(word: str) -> set[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return (
        {a + b[1:] for a, b in splits if b}
        | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        | {a + c + b[1:] for a, b in splits if b for c in letters}
        | {a + c + b for a, b in splits for c in letters}
    )


# Misspelt long legal forms ("Limted", "Corporaton") are still legal forms, not name words.
_LEGAL_TYPOS = frozenset(
    typo
    for (form,) in (f for f in LEGAL_FORMS if len(f) == 1 and len(f[0]) >= 6)
    for typo in _one_edit(form)
)
# The last word of a legal form (or a misspelt one-word form) -> the lengths of the forms that end
# with it, longest first: one dict lookup rules out most names' last word.
_FORM_SIZES_BY_LAST_WORD: dict[str, tuple[int, ...]] = {
    last: tuple(sorted({len(f) for f in LEGAL_FORMS if f[-1] == last}, reverse=True))
    for last in {form[-1] for form in LEGAL_FORMS}
}
_FORM_SIZES_BY_LAST_WORD.update(dict.fromkeys(_LEGAL_TYPOS - _FORM_SIZES_BY_LAST_WORD.keys(), (1,)))

# Legal forms that some countries write before the name ("PT Astra", "OOO Romashka"); only these,
# because a short form such as "SA" or "AS" at the start is as likely a real word or initials.
_PREFIX_FORMS = frozenset({"pt", "ooo", "oao", "zao", "pao", "ao", "tov", "cv"})

# Abbreviations people write on forms, mapped to one spelling so that both sides agree. Only true
# abbreviations: singular and plural ("holding", "holdings") stay apart and meet as near-equal
# words, so that a typo in them is still one edit from the account's word.
CANONICAL: dict[str, str] = {
    "intl": "international",
    "internat": "international",
    "natl": "national",
    "mfg": "manufacturing",
    "mfrs": "manufacturers",
    "tech": "technology",
    "techs": "technology",
    "svc": "services",
    "svcs": "services",
    "srvcs": "services",
    "sys": "systems",
    "mgmt": "management",
    "mgt": "management",
    "hldgs": "holdings",
    "hldg": "holdings",
    "grp": "group",
    "assoc": "associates",
    "assocs": "associates",
    "assn": "association",
    "bros": "brothers",
    "ctr": "center",
    "cntr": "center",
    "centre": "center",
    "univ": "university",
    "inst": "institute",
    "dept": "department",
    "dev": "development",
    "devel": "development",
    "eng": "engineering",
    "engg": "engineering",
    "inds": "industries",
    "invest": "investment",
    "lab": "laboratories",
    "labs": "laboratories",
    "pharma": "pharmaceuticals",
    "finl": "financial",
    "elec": "electric",
    "amer": "american",
    "dist": "distribution",
    "distr": "distribution",
    "equip": "equipment",
    "constr": "construction",
    "med": "medical",
    "chem": "chemical",
    "prod": "products",
    "prods": "products",
    "bldg": "building",
    "props": "properties",
    "mktg": "marketing",
    "comms": "communications",
    "telecom": "telecommunications",
    "ent": "entertainment",
}

# Words that many company names share: they count for little when they agree and little when they
# differ. Inverse document frequency does most of this; the list covers words that are rare in one
# account book but common in the world.
COMMON_WORDS = frozenset(
    {
        "and",
        "of",
        "the",
        "de",
        "der",
        "des",
        "du",
        "la",
        "le",
        "di",
        "van",
        "von",
        "group",
        "holdings",
        "international",
        "technology",
        "company",
        "services",
        "solutions",
        "global",
        "systems",
        "industries",
        "enterprises",
        "partners",
        "management",
        "consulting",
        "trading",
        "investment",
        "capital",
        "worldwide",
        "associates",
        "corporation",
    }
)

# Words that join a name's words and tell nothing: skipped in initials ("Bank of America": "boa"
# and "ba") and free inside a contained name ("University of Miami" in "Miami University").
STOPWORDS = frozenset(
    {"and", "of", "the", "de", "der", "des", "du", "la", "le", "di", "van", "von", "for", "at",
     "in", "on", "y", "et", "und", "del", "da", "do", "dos", "das"}
)  # fmt: skip

# Words that describe a part or an activity of a company rather than name it: a lead that writes
# the account's name with one of these ("Dirxion Software", "Imtech Telecom", "Wipro IT
# Services") is most often the account. Cheap as extra words, see `similarity`.
GENERIC_WORDS = COMMON_WORDS | frozenset(
    {"holding", "inc", "corp", "co", "ltd", "llc", "plc", "division", "dept", "department",
     "unit", "branch", "office", "offices", "headquarters", "hq", "team", "subsidiary", "affiliate",
     "formerly", "fka", "dba", "now", "part", "a", "an", "software", "technologies",
     "telecommunications", "digital", "media", "network", "networks", "labs", "laboratories",
     "research", "engineering", "communications", "consultants", "consultancy", "it", "online",
     "interactive", "studio", "studios", "sales", "marketing", "support", "retail", "store",
     "stores", "shop", "corporate", "business", "businesses", "products", "service", "solution",
     "system", "enterprise", "industry", "groupe", "gruppe", "grupo", "gruppo", "company",
     "companies", "worldwide", "world", "national", "regional", "local", "americas", "operations",
     "ventures", "brands", "consumer", "commercial", "foundation", "finance", "financial",
     "logistics", "energy", "healthcare", "health", "pharmaceuticals", "medical", "insurance",
     "bank", "banking", "securities", "investments", "investors", "advisors", "advisory", "data",
     "analytics", "cloud", "security", "web", "apps", "mobile", "electronics", "automotive",
     "manufacturing", "design", "publishing", "entertainment", "music", "records", "games",
     "foods", "food", "hotels", "resorts", "realty", "properties", "construction", "education",
     "university", "college", "school", "institute", "center", "centre", "hospital", "clinic",
     "agency", "partnership"}
)  # fmt: skip

# Company names that stand for "no company"; compared on the folded text. `is_placeholder` in
# normalize.text covers the generic ones ("n/a", "none", "test", "asdf", "-").
_PLACEHOLDER_COMPANIES = frozenset(
    {
        "self",
        "self employed",
        "selfemployed",
        "myself",
        "me",
        "private",
        "private person",
        "privat",
        "particulier",
        "individual",
        "personal",
        "home",
        "student",
        "retired",
        "unemployed",
        "freelance",
        "freelancer",
        "independent",
        "consultant",
        "not applicable",
        "no company",
        "none yet",
        "my company",
        "company",
        "test company",
        "testing",
        "abc",
        "xyz",
        "qwerty",
        "asd",
        "asdasd",
        "asdfgh",
        "sdf",
        "sdfsdf",
        "nobody",
        "no",
        "nothing",
    }
)


# Roman numerals below 400 ("ii", "xiv", "lxiii", "cxl"): fund series and share classes. Without
# d and m, so that words such as "mix" and "dim" stay words.
_ROMAN = re.compile(r"(?=.)c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})")


def is_identifier(token: str) -> bool:
    """True for tokens that tell sibling entities apart: "Fund 2", "Partners II", "Series A".

    Numbers (any token with a non-letter), roman numerals (`_ROMAN`) and single
    letters: two names that differ in them are different companies however alike the rest is.
    """
    if len(token) == 1 or not token.isalpha():
        return True
    # The strip rules out most words before the regex runs: this is on the per-lead path.
    return not token.strip("ivxlc") and _ROMAN.fullmatch(token) is not None


@dataclass(frozen=True, slots=True)
class CompanyName:
    """The identifying tokens of a company name, in their original order, and its legal form.

    `legal_form` is the legal form the name was written with, in one spelling ("Ltd." and
    "Limited" are both "ltd"), or "" when it had none: not part of the name, but evidence of which
    country's register the company is in.
    """

    tokens: tuple[str, ...]
    legal_form: str = ""
    # The part of the typed text each token is in ("Human Resources, Swedbank": 0, 0, 1), or ()
    # when it is all one part: a note in another part says little about the name.
    parts: tuple[int, ...] = ()

    @property
    def key(self) -> str:
        """Lookup key: word order and a plural "s" do not make another company."""
        return name_key(self.tokens)


def name_key(tokens: tuple[str, ...]) -> str:
    """`CompanyName.key` of these tokens.

    The first word is a name's brand and keeps its final "s": "Techpros" is another company than
    "Techpro", "USGS" than "USG"; "Acme Holding" and "Acme Holdings" are one.
    """
    if not tokens:
        return ""
    rest = [t[:-1] if len(t) > 3 and t[-1] == "s" else t for t in tokens[1:]]
    return " ".join(sorted([tokens[0], *rest]))


# One spelling for legal forms written out or short, so that "Co., Ltd." and "Company Limited" are
# the same legal form: whole forms first, then words.
_FORM_PHRASES = {
    "aktiengesellschaft": "ag",
    "kabushiki kaisha": "kk",
    "godo kaisha": "gk",
    "yugen kaisha": "yk",
    "societe anonyme": "sa",
    "sociedad anonima": "sa",
    "societa per azioni": "spa",
    "aktiebolag": "ab",
    "osakeyhtio": "oy",
    "naamloze vennootschap": "nv",
    "besloten vennootschap": "bv",
    "limited liability company": "llc",
    "limited partnership": "lp",
    "public limited company": "plc",
}
_FORM_SPELLING = {
    "limited": "ltd",
    "incorporated": "inc",
    "corporation": "corp",
    "company": "co",
    "private": "pvt",
    "proprietary": "pty",
    "and": "&",
}


def _legal_form_bounds(tokens: list[str]) -> tuple[int, int]:
    """Where the name is among its words: tokens[start:end]; the rest is its legal form."""
    # Repeatedly, because forms stack ("GmbH & Co. KG", "Pty Ltd"); never down to nothing, so that
    # a company called "Holding AG" still has a name.
    end = len(tokens)
    stripped = True
    while stripped:
        stripped = False
        for size in _FORM_SIZES_BY_LAST_WORD.get(tokens[end - 1], ()):
            if end > size and (size == 1 or tuple(tokens[end - size : end]) in LEGAL_FORMS):
                end -= size
                stripped = True
                break
        if end > 1 and tokens[end - 1] == "and":  # left over from "Smith & Co"
            end -= 1
            stripped = True
    start = 1 if end > 1 and tokens[0] in _PREFIX_FORMS else 0
    return start, end


# Legal forms that people write before a note or a place ("Acme Ltd (UK)", "Acme GmbH - Vertrieb",
# "Target B.V. Poland"): inside a name they are dropped, the words after them kept. Only forms that
# are no word of any language people name companies in.
_INSIDE_FORMS = frozenset(
    {"ltd", "llc", "inc", "gmbh", "bv", "nv", "plc", "srl", "sarl", "sas", "spa", "pty", "pvt",
     "kk", "oy", "oyj", "ag", "corp", "limited", "llp", "sro", "kft", "ab", "asa", "aps", "bhd",
     "sdn", "pte", "lda", "ltda", "sl", "sprl", "bvba", "kg", "mbh", "doo", "zrt", "ooo"}
)  # fmt: skip


def _name_part(tokens: list[str], start: int, end: int) -> list[int]:
    """Where the name's words are: start..end without the legal forms written inside it."""
    inside = range(start + 1, end - 1)
    if end - start > 2 and not _INSIDE_FORMS.isdisjoint(tokens[start + 1 : end - 1]):
        return [start, *(i for i in inside if tokens[i] not in _INSIDE_FORMS), end - 1]
    return list(range(start, end))


# What splits a typed company into parts: "Human Resources, Swedbank", "Capgemini (Portugal)",
# "Software - Target", "Wipro | IT". A part is a name or a note on it, see `CompanyName.parts`.
_PARTS = re.compile(r"[,;|/()\[\]]|\s[-–—:]\s")


def _parts(text: str, tokens: list[str], kept: list[int]) -> tuple[int, ...]:
    """The part each kept token was written in, () when the text is one part."""
    if not _PARTS.search(text):
        return ()
    part_of = [k for k, part in enumerate(_PARTS.split(clean(text))) for _ in words(part)]
    if len(part_of) != len(tokens):
        return ()
    parts = tuple(part_of[i] for i in kept)
    return parts if len(set(parts)) > 1 else ()


def _is_mash(text: str) -> bool:
    # "aaaa", "xxxxx", "123": key mashing, not a company.
    letters = text.replace(" ", "")
    return len(set(letters)) == 1 or letters.isdigit()


def _company_words(text: str) -> list[str] | None:
    """The folded words of a company name, legal form included; None for a placeholder."""
    cleaned = clean(text)
    if not cleaned or is_placeholder(cleaned):
        return None
    tokens = words(cleaned)
    folded = " ".join(tokens)
    if not tokens or folded in _PLACEHOLDER_COMPANIES:
        return None
    # A mash starts and ends with the same letter or is all digits: test those first, cheaply.
    if (folded[0] == folded[-1] or folded[0].isdigit()) and _is_mash(folded):
        return None
    return tokens


def read_company_name(text: str) -> CompanyName | None:
    """The identifying tokens of a company name; None for a placeholder or an empty name."""
    tokens = _company_words(text)
    if tokens is None:
        return None
    start, end = _legal_form_bounds(tokens)
    form = (*tokens[:start], *tokens[end:])
    written = " ".join(form)
    written = _FORM_PHRASES.get(written, written)
    kept = _name_part(tokens, start, end)
    name = [tokens[i] for i in kept]
    return CompanyName(
        tuple(map(CANONICAL.get, name, name)),
        " ".join([_FORM_SPELLING.get(word, word) for word in written.split()]),
        _parts(text, tokens, kept),
    )


def name_tokens(text: str) -> tuple[str, ...] | None:
    """`read_company_name(text).tokens`, without the legal form: what an index build needs."""
    tokens = _company_words(text)
    if tokens is None:
        return None
    start, end = _legal_form_bounds(tokens)
    if start or end < len(tokens) or end > 2:
        tokens = [tokens[i] for i in _name_part(tokens, start, end)]
    return tuple(map(CANONICAL.get, tokens, tokens))


# Leads repeat company names, so the per-lead path reads them through a cache; an index build
# reads each account name once with `read_company_name`, and so leaves this cache to the leads.
company_name = lru_cache(maxsize=65536)(read_company_name)
