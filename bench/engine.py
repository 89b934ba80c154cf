"""Engine benchmark: per-decision latency and batch throughput, normalization included.

Builds a policy of 50 rules over a team of 200 reps in 20 pools, generates dirty leads with a
seeded RNG, then measures
  1. per-lead latency of normalize + match + score + route (p50, p99), one lead at a time;
  2. a batch of N leads from CSV to a decisions JSONL file, through the same code as
     `leadrouter route` (read, normalize, route, apply effects, encode, write);
  3. peak memory of the process.
Prints figures; asserts nothing. Usage: python bench/engine.py [--leads 100000] [--seed 7] [--cpu]
[--keep PATH]
With --cpu, times are this thread's CPU time instead of wall-clock time: on a machine that other
processes keep busy, wall-clock figures mostly measure waiting for a core.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from leadrouter.batch import json_record, open_decisions, read_rows, route_rows
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--latency-leads", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cpu", action="store_true", help="time CPU use, not wall-clock time")
    parser.add_argument(
        "--keep",
        type=Path,
        help="copy the batch's decisions JSONL here, to compare runs of two versions byte for byte",
    )
    args = parser.parse_args()
    clock = time.thread_time_ns if args.cpu else time.perf_counter_ns
    rng = random.Random(args.seed)
    now = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)

    before = reference_ms()
    started = time.perf_counter()
    team = parse_team(team_yaml(200, 20), "bench-team.yaml")
    policy = compile_policy(policy_yaml(50, 20), "bench-policy.yaml", team)
    print(
        f"policy: {len(policy.rules)} rules, {len(team.reps)} reps, {len(team.pools)} pools; "
        f"compiled in {(time.perf_counter() - started) * 1000:.1f} ms"
    )
    snapshot = Snapshot(policy=policy, team=team)

    leads = [make_lead(rng, i) for i in range(args.latency_leads)]
    for lead in leads[:500]:  # warm caches the way a running service has them warm
        route(lead, snapshot, now)
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
    mean = statistics.fmean(timings) / 1000
    kind = "CPU" if args.cpu else "wall-clock"
    print(
        f"per decision (normalize+score+route, {len(leads)} leads, {kind}): "
        f"p50 {p50:.1f} µs, p99 {p99:.1f} µs, mean {mean:.1f} µs"
    )

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "leads.csv"
        with source.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(make_lead(rng, 0)))
            writer.writeheader()
            for i in range(args.leads):
                writer.writerow(make_lead(rng, i))
        target = Path(tmp) / "decisions.jsonl"
        t0 = clock()
        routed = 0
        with open_decisions(target) as sink:
            rows = read_rows(source, lambda bad: None)
            for item in route_rows(rows, Snapshot(policy=policy, team=team), now):
                sink.write(json_record(item))
                routed += 1
        elapsed = (clock() - t0) / 1e9
        size = target.stat().st_size / 1e6
        if args.keep is not None:
            shutil.copyfile(target, args.keep)
    print(
        f"batch: {routed} leads CSV → JSONL in {elapsed:.2f} s {kind} "
        f"({routed / elapsed:,.0f} leads/s, {size:.0f} MB written)"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak:.0f} MB")
    after = reference_ms()
    print(
        f"python {sys.version.split()[0]}, one process (one core); reference loop "
        f"{before:.0f} ms before, {after:.0f} ms after (bench/machine.py)"
    )


if __name__ == "__main__":
    main()
