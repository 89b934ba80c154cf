"""Engine benchmark: per-decision latency and batch throughput, on repeated and unseen values.

Builds a policy of 50 rules over a team of 200 reps in 20 pools, generates dirty leads with a
seeded RNG, then measures
  1. per-lead latency of normalize + match + score + route (p50, p99), one lead at a time, on
     leads whose values repeat (the memos warm) and on "unseen" leads: every free value new (an
     email, a name, a company, a phone, numbers), normalization memos cleared first;
  2. a rule-count sweep (50, 200, 1,000 ordered first-match rules over 12 fields, the matched
     rule's median position in the middle): the rule scan on already normalized unseen leads
     beside a generated if/elif over the same rules, in the same run (ratios), and the full
     decision at each size;
  3. batches of N leads (repeated, then unseen) from CSV to a decisions JSONL file, through the
     same code as `leadrouter route` (read, normalize, route, apply effects, encode, write): in
     one process step by step (CPU and wall per step: the reference), then as the command runs
     it, a child process reading and normalizing beside routing (wall, and CPU of both; on a
     machine other processes keep busy the child waits for a core, and wall shows it). Not
     covered: the command's start-up, workspace loading, progress bar and summary;
  4. peak memory of the process.
Prints figures; asserts nothing. Leaves out: account matching (no accounts file), the store,
the API; categorical values (country, industry, form) come from small lists even when "unseen",
as they do in life. Usage: python bench/engine.py [--leads 100000] [--seed 7] [--cpu]
[--keep PATH] [--sizes 50,200,1000] [--trace-hashes]
With --trace-hashes, prints instead a hash of the first match and trace of each of the sweep's
leads at each size, in the sweep's order, to show two versions byte-identical.
With --cpu, times are this thread's CPU time instead of wall-clock time: on a machine that other
processes keep busy, wall-clock figures mostly measure waiting for a core.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from leadrouter.batch import json_record, normalized_rows, open_decisions, read_rows, route_leads
from leadrouter.batch_reading import read_leads
from leadrouter.collector import loaded_frozen
from leadrouter.engine import Snapshot, apply_effects, route
from leadrouter.model import RoutingState
from leadrouter.normalize import normalize_lead
from leadrouter.policy import compile_policy, parse_team
from machine import reference_ms

COUNTRIES = [
    "US",
    "USA",
    "United States",
    "Germany",
    "Deutschland",
    "UK",
    "France",
    "Japan",
    "Brasil",
    "Canada",
    "Australia",
    "Singapore",
    "Netherlands",
    "Spain",
    "India",
    "",
]
STATES = ["CA", "California", "NY", "TX", "Texas", "WA", "MA", "Florida", "", "IL"]
INDUSTRIES = [
    "Fintech",
    "banking",
    "Healthcare",
    "SaaS",
    "retail",
    "Education",
    "Manufacturing",
    "",
]
SOURCES = ["web", "partner", "event", "paid_search", "webinar", "referral", ""]
FORMS = ["demo_request", "content_download", "contact_us", "trial", "newsletter"]
EMPLOYEES = [
    "1-10",
    "11-50",
    "50 to 200",
    "201-500",
    "1,000-5,000",
    "5k",
    "10000+",
    "120",
    "",
    "n/a",
]
TIMEZONES = [
    "America/New_York",
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Singapore",
    "Australia/Sydney",
]


def team_yaml(reps: int, pools: int) -> str:
    lines = ["reps:"]
    for i in range(reps):
        tz = TIMEZONES[i % len(TIMEZONES)]
        lines += [
            f"  - id: rep{i}",
            f"    name: Rep {i}",
            f"    email: rep{i}@acme.example",
            f"    timezone: {tz}",
            "    working_hours: {mon-fri: '08:00-18:00'}",
            "    max_open: 100000",
            f"    languages: [en{', de' if i % 5 == 0 else ''}]",
        ]
    lines.append("pools:")
    per = reps // pools
    strategies = ["round_robin", "weighted", "load_balanced"]
    for p in range(pools):
        ids = [f"rep{p * per + j}" for j in range(per)]
        if strategies[p % 3] == "round_robin":
            members = f"[{', '.join(ids)}]"
        else:
            members = "{" + ", ".join(f"{r}: {1 + j % 3}" for j, r in enumerate(ids)) + "}"
        lines += [
            f"  - id: pool{p}",
            f"    name: Pool {p}",
            f"    strategy: {strategies[p % 3]}",
            f"    members: {members}",
            "    when_full: least_loaded",
            "    working_hours: ignore",
        ]
    lines += [
        "queues:",
        "  - {id: unrouted, name: Unrouted, fallback: true}",
        "  - {id: nurture, name: Nurture}",
        "  - {id: review, name: Deal desk}",
    ]
    return "\n".join(lines) + "\n"


def policy_yaml(rules: int, pools: int) -> str:
    lines = [
        'version: "bench-1"',
        "name: Benchmark policy",
        "mql_threshold: 30",
        "fallback_queue: unrouted",
        "fields: {estimated_value: number, pages_viewed: number}",
        "sets:",
        "  EMEA: [GB, DE, FR, NL, ES]",
        "  APAC: [JP, SG, AU, IN]",
        "  hot_industries: [fintech, banking, saas]",
        "territories:",
        "  us_west: {countries: [US], states: [US-CA, US-WA, US-OR]}",
        "  us_east: {countries: [US], states: [US-NY, US-MA, US-FL]}",
        "scoring:",
        "  fit:",
        "    - {when: employees >= 1000, points: 30}",
        "    - {when: industry in hot_industries, points: 15}",
        "  behavior:",
        '    - {when: form == "demo_request", points: 40}',
        "    - {when: pages_viewed >= 5, points: 10}",
        "rules:",
        "  - {id: review-big, when: estimated_value >= 500000, route: review review}",
    ]
    regions = ["country in EMEA", "country in APAC", "us_west", "us_east", 'country == "CA"']
    sizes = ["employees < 50", "employees >= 50 and employees < 1000", "employees >= 1000"]
    inds = ["industry in hot_industries", 'industry == "healthcare"', 'source == "partner"']
    n = 1
    while n < rules - 2:
        cond = f"{regions[n % 5]} and {sizes[n % 3]} and {inds[n % 3]}"
        lines.append(f"  - {{id: r{n}, when: '{cond}', route: pool pool{n % pools}}}")
        n += 1
    lines += [
        "  - {id: nurture, when: not mql, route: nurture nurture}",
        f"  - {{id: catch-all, route: pool pool{pools - 1}}}",
    ]
    return "\n".join(lines) + "\n"


def make_lead(rng: random.Random, i: int) -> dict[str, str]:
    first = rng.choice(["ana", "BOB", "Chen", "Dara", "eve", "Femi"])
    domain = rng.choice(["gmail.com", f"corp{i % 5000}.com", f"firma{i % 900}.de", "yahoo.co.uk"])
    return {
        "First Name": first,
        "Last Name": rng.choice(["Smith", "müller", "O'Neil", "ng"]),
        "Email": f"{first}.{i}@{domain}".upper() if i % 7 == 0 else f"{first}.{i}@{domain}",
        "Company": rng.choice(["Acme Inc.", "Globex GmbH", "n/a", "Initech LLC", ""]),
        "Country": rng.choice(COUNTRIES),
        "State": rng.choice(STATES),
        "Phone": rng.choice(["+1 415 555 0100", "(212) 555-0199", "030 1234567", ""]),
        "Employees": rng.choice(EMPLOYEES),
        "Industry": rng.choice(INDUSTRIES),
        "Lead Source": rng.choice(SOURCES),
        "Form": rng.choice(FORMS),
        "Estimated Value": rng.choice(["", "12000", "$75k", "800000"]),
        "Pages Viewed": str(rng.randint(0, 12)),
    }


FIRST_NAMES = ["ana", "Bob", "chen", "Dara", "Eve", "femi", "Grace", "hiro", "Ines", "jonas"]
LAST_NAMES = ["smith", "Müller", "o'neil", "Ng", "Rossi", "dubois", "Sato", "Kowalski"]
ISO_COUNTRIES = ["US", "US", "US", "DE", "GB", "FR", "JP", "CA", "AU", "SG", "NL", "ES", "IN"]
CALLING = {"US": "1", "CA": "1", "DE": "49", "GB": "44", "FR": "33", "JP": "81", "AU": "61"}


def _word(i: int) -> str:
    """A made-up word unique to `i`: names that no memo has seen."""
    letters = []
    while True:
        i, r = divmod(i, 26)
        letters.append("abcdefghijklmnopqrstuvwxyz"[r])
        if not i:
            return "".join(letters)


def make_unseen_lead(rng: random.Random, i: int) -> dict[str, str]:
    """A lead whose free values (names, email, company, phone, numbers) no earlier lead had."""
    first = rng.choice(FIRST_NAMES) + _word(i)
    last = rng.choice(LAST_NAMES) + _word(i * 7 + 3)
    company = f"{_word(i * 13 + 5).title()} {rng.choice(['Inc.', 'GmbH', 'Ltd', 'Labs'])}"
    email = f"{first}.{last}@{_word(i * 11 + 1)}.{rng.choice(['com', 'de', 'io'])}".lower()
    # Mostly the clean forms a form or a CRM sends; now and then what people type.
    country = rng.choice(ISO_COUNTRIES) if rng.random() < 0.8 else rng.choice(COUNTRIES)
    code = country if country in CALLING else "US"
    phone = (
        f"+{CALLING[code]}{rng.randint(200_000_000, 999_999_999)}"
        if rng.random() < 0.7
        else f"({rng.randint(200, 999)}) 555-{rng.randint(1000, 9999)}"
    )
    employees = (
        str(rng.randint(1, 20_000)) if rng.random() < 0.85 else f"{rng.randint(1, 99) * 10}+"
    )
    return {
        "First Name": first,
        "Last Name": last,
        "Email": email.upper() if i % 7 == 0 else email,
        "Company": company,
        "Country": country,
        "State": rng.choice(STATES) if country in ("US", "USA") else "",
        "Phone": phone,
        "Employees": employees,
        "Industry": rng.choice(INDUSTRIES),
        "Lead Source": rng.choice(SOURCES),
        "Form": rng.choice(FORMS),
        "Estimated Value": str(rng.randint(1_000, 900_000)),
        "Pages Viewed": str(rng.randint(0, 40)),
    }


def cold_memos() -> None:
    """Forget what normalization remembered of earlier values, so nothing is read from a memo."""
    from leadrouter import codec
    from leadrouter.normalize import lead as module
    from leadrouter.normalize import readers

    for readings in getattr(module, "_readings", {}).values():
        readings.clear()
    if hasattr(readers, "read_text"):
        readers.read_text.cache_clear()
    for encoded in (codec._encoded_rules, codec._encoded_traces, codec._encoded_scores):
        encoded._made.clear()
        encoded._kept.clear()


# ---------------------------------------------------------------- rule-count sweep

SWEEP_COUNTRIES = ["US", "CA", "GB", "DE", "FR", "NL", "ES", "IT", "JP", "AU", "SG", "BR"]
SEGMENTS = ["smb", "mid", "enterprise", "strategic"]
SWEEP_INDUSTRIES = [
    "fintech",
    "banking",
    "saas",
    "healthcare",
    "retail",
    "education",
    "manufacturing",
    "media",
]
SWEEP_SOURCES = ["web", "partner", "event", "paid_search", "webinar", "referral"]
SWEEP_FORMS = ["demo_request", "content_download", "contact_us", "trial", "newsletter"]
LEAD_TYPES = ["inbound", "outbound", "partner"]
TITLES = ["Director of Sales", "VP Marketing", "Engineer", "CFO", "IT Director", "Analyst"]


def sweep_lead(rng: random.Random, i: int) -> dict[str, str]:
    """An unseen lead over the sweep's 12 fields, every value drawn uniformly."""
    return {
        "Email": f"{_word(i)}.{_word(i * 3 + 1)}@{_word(i * 5 + 2)}.com",
        "Country": rng.choice(SWEEP_COUNTRIES),
        "Segment": rng.choice(SEGMENTS),
        "Industry": rng.choice(SWEEP_INDUSTRIES),
        "Employees": str(rng.randint(1, 10_000)),
        "Lead Source": rng.choice(SWEEP_SOURCES),
        "Form": rng.choice(SWEEP_FORMS),
        "Pages Viewed": str(rng.randint(0, 20)),
        "Estimated Value": str(rng.randint(0, 1_000_000)),
        "VIP": rng.choice(["yes", "no"]),
        "Lead Type": rng.choice(LEAD_TYPES),
        "Title": f"{rng.choice(TITLES)} {_word(i)}",
        "Revenue": str(rng.randint(0, 100_000_000)),
    }


def _clause(rng: random.Random, kind: str) -> tuple[str, str, float]:
    """A clause as policy text, as a Python test of the reference, and its chance to hold."""
    if kind == "country":
        picked = rng.sample(SWEEP_COUNTRIES, rng.randint(1, 3))
        return f"country in [{', '.join(picked)}]", f"country in {set(picked)!r}", len(picked) / 12
    if kind == "segment":
        value = rng.choice(SEGMENTS)
        return f'segment == "{value}"', f"segment == {value!r}", 1 / 4
    if kind == "industry":
        picked = rng.sample(SWEEP_INDUSTRIES, 2)
        return f"industry in [{', '.join(picked)}]", f"industry in {set(picked)!r}", 2 / 8
    if kind == "employees":
        limit = rng.choice([50, 200, 1000, 5000])
        if rng.random() < 0.5:
            test = f"(employees is not None and employees >= {limit})"
            return f"employees >= {limit}", test, (10_001 - limit) / 10_000
        test = f"(employees is not None and employees < {limit})"
        return f"employees < {limit}", test, (limit - 1) / 10_000
    if kind == "source":
        value = rng.choice(SWEEP_SOURCES)
        return f'source == "{value}"', f"source == {value!r}", 1 / 6
    if kind == "form":
        picked = rng.sample(SWEEP_FORMS, 2)
        return f"form in [{', '.join(picked)}]", f"form in {set(picked)!r}", 2 / 5
    if kind == "pages":
        limit = rng.randint(2, 15)
        test = f"(pages is not None and pages >= {limit})"
        return f"pages_viewed >= {limit}", test, (21 - limit) / 21
    if kind == "value":
        limit = rng.choice([10_000, 100_000, 500_000])
        test = f"(value is not None and value >= {limit})"
        return f"estimated_value >= {limit}", test, 1 - limit / 1_000_000
    if kind == "vip":
        if rng.random() < 0.5:
            return "vip", "vip is True", 1 / 2
        return "not vip", "vip is not True", 1 / 2
    if kind == "lead_type":
        value = rng.choice(LEAD_TYPES)
        return f'lead_type == "{value}"', f"lead_type == {value!r}", 1 / 3
    if kind == "title":
        return (
            'title contains "director"',
            '(title is not None and "director" in title.casefold())',
            2 / 6,
        )
    limit = rng.choice([1_000_000, 10_000_000, 50_000_000])
    test = f"(revenue is not None and revenue >= {limit})"
    return f"revenue >= {limit}", test, 1 - limit / 100_000_000


_OTHERS = ["industry", "employees", "source", "form", "pages", "value", "vip", "lead_type"]
_OTHERS += ["title", "revenue"]


def sweep_policy(rules: int, pools: int, seed: int) -> tuple[str, str]:
    """A policy of `rules` ordered rules, and the reference: the same rules as an if/elif.

    Each rule pins the country and the segment (most) or one of them, then adds clauses until
    its chance to hold is about 2.1 / rules: tuned so that the first rule a uniform lead meets
    lies mid-policy on median (the sweep prints that median).
    """
    rng = random.Random(seed)
    lines = [
        f'version: "sweep-{rules}"',
        "fallback_queue: unrouted",
        "fields: {segment: string, pages_viewed: number, estimated_value: number, vip: bool}",
        "rules:",
    ]
    reference = [
        "def reference(ctx):",
        *(f"    {local} = ctx.get({field!r})" for local, field in _LOCALS),
    ]
    target = 2.1 / (rules - 1)
    for i in range(rules - 1):
        kinds = (
            ["country", "segment"] if rng.random() < 0.7 else [rng.choice(["country", "segment"])]
        )
        others = rng.sample(_OTHERS, len(_OTHERS))
        texts, tests, chance = [], [], 1.0
        for kind in kinds + others:
            text, test, p = _clause(rng, kind)
            texts.append(text)
            tests.append(test)
            chance *= p
            if chance <= target * rng.uniform(0.8, 1.6):
                break
        when = " and ".join(texts)
        lines.append(f"  - {{id: r{i}, when: '{when}', route: pool pool{i % pools}}}")
        reference += [f"    if {' and '.join(tests)}:", f"        return {i}"]
    lines.append(f"  - {{id: catch-all, route: pool pool{pools - 1}}}")
    reference.append(f"    return {rules - 1}")
    return "\n".join(lines) + "\n", "\n".join(reference) + "\n"


_LOCALS = [
    ("country", "country"),
    ("segment", "segment"),
    ("industry", "industry"),
    ("employees", "employees"),
    ("source", "source"),
    ("form", "form"),
    ("pages", "pages_viewed"),
    ("value", "estimated_value"),
    ("vip", "vip"),
    ("lead_type", "lead_type"),
    ("title", "title"),
    ("revenue", "revenue"),
]


def context(policy: Any, lead: dict[str, str]) -> dict[str, Any]:
    """The context the rules see for a lead without account or duplicate, as the engine makes it."""
    ctx = dict(normalize_lead(lead, policy.custom_fields).fields)
    ctx["account.matched"] = False
    ctx["duplicate"] = False
    score = policy.scoring.score(ctx)
    ctx.update({"score": score.total, "fit_score": score.fit, "behavior_score": score.behavior})
    ctx["mql"] = score.mql
    return ctx


def per_lead(function: Any, passes: list[list[Any]], clock: Any) -> float:
    """Mean µs of `function` per item, the best of the passes (each over items of its own, so
    that no pass finds what an earlier one left in the memos)."""
    best = float("inf")
    for items in passes:
        t0 = clock()
        for item in items:
            function(item)
        best = min(best, (clock() - t0) / len(items) / 1000)
    return best


def first_matches(scan: Any, passes: list[list[Any]], clock: Any) -> float:
    """`per_lead` of what the engine calls per lead, `scan.first(ctx)` (the first match and its
    exact trace), looked up per lead as the engine does: the scan changes the function."""
    best = float("inf")
    for items in passes:
        t0 = clock()
        for item in items:
            scan.first(item)
        best = min(best, (clock() - t0) / len(items) / 1000)
    return best


def latency(
    leads: list[dict[str, str]], snapshot: Snapshot, now: datetime, clock: Any
) -> tuple[float, float, float]:
    """p50, p99 and mean µs of normalize + route, one lead at a time, the state moving on."""
    policy, team = snapshot.policy, snapshot.team
    timings = []
    state = RoutingState()
    for lead in leads:
        t0 = clock()
        decision = route(normalize_lead(lead, policy.custom_fields), snapshot, now)
        timings.append(clock() - t0)
        state = apply_effects(state, decision)
        snapshot = Snapshot(policy=policy, team=team, state=state)
    timings.sort()
    p50 = timings[len(timings) // 2] / 1000
    p99 = timings[int(len(timings) * 0.99)] / 1000
    return p50, p99, statistics.fmean(timings) / 1000


def sweep(sizes: list[int], team: Any, leads: int, seed: int, now: datetime, clock: Any) -> None:
    print(
        f"\nrule-count sweep: 3 passes of {leads} unseen leads each, already normalized; µs per "
        "lead (mean, best pass) and × the generated if/elif over the same rules"
    )
    print(
        "| rules | matched position (median) | generated if/elif | leadrouter first match "
        "| leadrouter rule scan + trace | full decision p50 / p99 |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        text, source = sweep_policy(size, len(team.pools), seed)
        policy = compile_policy(text, f"sweep-{size}.yaml", team)
        namespace: dict[str, Any] = {}
        exec(compile(source, "<reference>", "exec"), namespace)
        reference = namespace["reference"]
        rng = random.Random(seed + size)
        # Three passes of leads new to the scan's memos, then new leads for the full decision.
        raws = [sweep_lead(rng, 1_000_000 * size + i) for i in range(4 * leads)]
        contexts = [context(policy, raw) for raw in raws[: 3 * leads]]
        passes = [contexts[k * leads : (k + 1) * leads] for k in range(3)]
        limit = per_lead(reference, passes, clock)
        fast = per_lead(policy.scan.code.first, passes, clock)
        full = first_matches(policy.scan, passes, clock)
        positions = [reference(ctx) for ctx in contexts]
        found = [policy.rules.index(policy.scan.first(ctx)[0]) for ctx in contexts]
        wrong = sum(a != b for a, b in zip(positions, found, strict=True))
        cold_memos()
        p50, p99, _ = latency(raws[3 * leads :], Snapshot(policy=policy, team=team), now, clock)
        print(
            f"| {size} | {statistics.median(positions) + 1:.0f} | {limit:.2f} (1×) "
            f"| {fast:.2f} ({fast / limit:.1f}×) "
            f"| {full:.2f} ({full / limit:.1f}×) | {p50:.1f} / {p99:.1f} |"
            + (f" {wrong} leads disagree with the reference!" if wrong else "")
        )


def trace_hashes(sizes: list[int], team: Any, leads: int, seed: int) -> None:
    """Per size, a hash of the first match and its trace for each of the sweep's leads, in the
    sweep's order: equal hashes from two versions mean the same matches and traces, entry for
    entry (the matches after the first are `CompiledRule.check`'s, the reference, left out)."""
    for size in sizes:
        text, _ = sweep_policy(size, len(team.pools), seed)
        policy = compile_policy(text, f"sweep-{size}.yaml", team)
        rng = random.Random(seed + size)
        digest = hashlib.sha256()
        for i in range(3 * leads):
            ctx = context(policy, sweep_lead(rng, 1_000_000 * size + i))
            rule, trace = policy.scan.first(ctx)
            digest.update(repr((rule and rule.id, trace)).encode())
        print(f"traces of {3 * leads} leads at {size} rules: sha256 {digest.hexdigest()}")


def batch(
    leads: int, make: Any, fresh: Callable[[], Snapshot], now: datetime, keep: Path | None
) -> tuple[int, dict[str, tuple[float, float]], tuple[float, float, float], float]:
    """CSV → JSONL of `leads` leads twice, from cold normalization memos each time: in this
    process step by step (CPU and wall seconds per step: the reference, as the code ran before
    the reader child), then as `leadrouter route` runs it (rows read and normalized by a child
    process beside routing): wall, this process's CPU, the child's CPU. And the MB written.
    Each from a `fresh()` snapshot, so that neither finds what the other left in its memos."""
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "leads.csv"
        with source.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(make(rng, 0)))
            writer.writeheader()
            for i in range(leads):
                writer.writerow(make(rng, i))
        target = Path(tmp) / "decisions.jsonl"
        snapshot = fresh()
        custom = snapshot.policy.custom_fields
        steps = dict.fromkeys(("read", "normalize", "route", "encode+write"), (0.0, 0.0))

        def timed(step: str, items: Any) -> Any:
            """`items`, each one's making charged to `step` (CPU, wall)."""
            cpu, wall = steps[step]
            iterator = iter(items)
            while True:
                c0, w0 = time.thread_time(), time.perf_counter()
                item = next(iterator, None)
                cpu, wall = cpu + time.thread_time() - c0, wall + time.perf_counter() - w0
                steps[step] = cpu, wall
                if item is None:
                    return
                yield item

        cold_memos()
        routed = 0
        with open_decisions(target) as sink:
            # Each step's clock stops while the next step runs: its figures are its own.
            rows = timed("read", read_rows(source, lambda bad: None))
            normalized = timed("normalize", normalized_rows(rows, custom, now))
            for item in timed("route", route_leads(normalized, snapshot)):
                c0, w0 = time.thread_time(), time.perf_counter()
                sink.write(json_record(item))
                cpu, wall = steps["encode+write"]
                steps["encode+write"] = (
                    cpu + time.thread_time() - c0,
                    wall + time.perf_counter() - w0,
                )
                routed += 1
        # Inner steps ran inside the outer ones' clocks: each outer step less the inner ones.
        for outer, inner in (("route", "normalize"), ("normalize", "read")):
            steps[outer] = tuple(a - b for a, b in zip(steps[outer], steps[inner], strict=True))
        snapshot = fresh()
        cold_memos()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        c0, w0 = time.process_time(), time.perf_counter()
        with loaded_frozen(), open_decisions(target) as sink:  # as `leadrouter route` does
            reading = read_leads(source, custom, now, lambda bad: None)
            for item in route_leads(reading, snapshot):
                sink.write(json_record(item))
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        child = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
        size = target.stat().st_size / 1e6
        if keep is not None:
            shutil.copyfile(target, keep)
    return routed, steps, (wall, cpu, child), size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--latency-leads", type=int, default=20_000)
    parser.add_argument(
        "--sweep-leads", type=int, default=5_000, help="leads per sweep pass (0: no sweep)"
    )
    parser.add_argument("--sizes", default="50,200,1000", help="rule counts of the sweep")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cpu", action="store_true", help="time CPU use, not wall-clock time")
    parser.add_argument(
        "--keep",
        type=Path,
        help="copy the repeated batch's decisions JSONL here (PATH) and the unseen batch's to "
        "PATH.unseen, to compare runs of two versions byte for byte",
    )
    parser.add_argument(
        "--trace-hashes",
        action="store_true",
        help="print a hash of the sweep's traces per size (nothing else), to compare versions",
    )
    args = parser.parse_args()
    clock = time.thread_time_ns if args.cpu else time.perf_counter_ns
    kind = "CPU" if args.cpu else "wall-clock"
    rng = random.Random(args.seed)
    now = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)

    sizes = [int(size) for size in args.sizes.split(",") if size]
    if args.trace_hashes:
        team = parse_team(team_yaml(200, 20), "bench-team.yaml")
        trace_hashes(sizes, team, args.sweep_leads, args.seed)
        return

    before = reference_ms()
    started = time.perf_counter()
    team = parse_team(team_yaml(200, 20), "bench-team.yaml")
    policy = compile_policy(policy_yaml(50, 20), "bench-policy.yaml", team)
    print(
        f"policy: {len(policy.rules)} rules, {len(team.reps)} reps, {len(team.pools)} pools; "
        f"compiled in {(time.perf_counter() - started) * 1000:.1f} ms"
    )
    snapshot = Snapshot(policy=policy, team=team)

    repeated = [make_lead(rng, i) for i in range(args.latency_leads)]
    for lead in repeated[:500]:  # warm caches the way a running service has them warm
        route(lead, snapshot, now)
    unseen = [make_unseen_lead(rng, 10_000_000 + i) for i in range(args.latency_leads)]
    print(f"per decision (normalize+score+route, {len(repeated)} leads each, {kind}):")
    print("| leads | p50 µs | p99 µs | mean µs | normalize alone p50 µs |")
    print("|---|---:|---:|---:|---:|")
    for name, leads in (("repeated values", repeated), ("unseen values", unseen)):
        if leads is unseen:
            cold_memos()
        p50, p99, mean = latency(leads, snapshot, now, clock)
        if leads is unseen:
            cold_memos()
        alone = []
        for lead in leads:
            t0 = clock()
            normalize_lead(lead, policy.custom_fields)
            alone.append(clock() - t0)
        alone.sort()
        print(
            f"| {name} | {p50:.1f} | {p99:.1f} | {mean:.1f} | {alone[len(alone) // 2] / 1000:.1f} |"
        )

    if sizes and args.sweep_leads > 0:
        sweep(sizes, team, args.sweep_leads, args.seed, now, clock)

    if args.leads:
        print()

        def fresh() -> Snapshot:
            policy = compile_policy(policy_yaml(50, 20), "bench-policy.yaml", team)
            return Snapshot(policy=policy, team=team)

        for name, make in (("repeated", make_lead), ("unseen", make_unseen_lead)):
            keep = args.keep
            if keep is not None and name == "unseen":
                keep = keep.with_name(keep.name + ".unseen")
            routed, steps, (wall, cpu, child), size = batch(args.leads, make, fresh, now, keep)
            split = ", ".join(f"{name} {c:.2f} / {w:.2f}" for name, (c, w) in steps.items())
            cpu_alone = sum(c for c, _ in steps.values())
            wall_alone = sum(w for _, w in steps.values())
            print(
                f"batch ({name} values), {routed} leads CSV → JSONL ({size:.0f} MB), s CPU / wall:"
                f"\n  in one process, step by step (the reference): {split}; "
                f"total {cpu_alone:.2f} / {wall_alone:.2f}"
                f"\n  as `leadrouter route` runs it (a child reads and normalizes): wall "
                f"{wall:.2f} s, CPU {cpu + child:.2f} s ({cpu:.2f} routing, encoding and writing "
                f"+ {child:.2f} reading and normalizing; {routed / wall:,.0f} leads/s)"
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak:.0f} MB")
    after = reference_ms()
    print(
        f"python {sys.version.split()[0]}, one process (one core) but for the batches' reader "
        f"child; reference loop {before:.0f} ms before, {after:.0f} ms after (bench/machine.py)"
    )


if __name__ == "__main__":
    main()
