"""Backtest benchmark: 100,000 past Acme leads replayed through the Acme policy and a draft that
changes one rule, with the whole report (changes by rule, reshuffles, per rep and pool figures,
fairness, off hours, capacity, the speed-to-lead estimate and its bootstrap, the draft's tests).

Generates the leads with examples/generate_acme.py (seeded; about 7 % repeats, dirty values,
times spread over four weeks) and gives every third lead a first touch so the speed estimate has
histories. Prints, from the same run: the reference loop (bench/machine.py) before and after,
and one plain replay of the same leads through the batch path `leadrouter route --replay` uses
(one policy, decisions written nowhere, the cycle collector on, as before the backtest paused
it): a backtest routes each lead twice, but normalizes it once and scores it once.
Leaves out: account matching (the accounts file is not loaded unless --accounts: with it,
matching is the larger part of the time and is shared by both sides), reading the leads from the
database (`--db`: one indexed scan), and rendering the table. Asserts nothing.
Usage: python bench/backtest.py [--leads 100000] [--accounts] [--keep DIR] [--cpu]
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from leadrouter.collector import collection_paused
from leadrouter.experiments.backtest import backtest, compare
from leadrouter.experiments.history import csv_arrivals
from leadrouter.experiments.replay import MatchOnce, Prepared, Setup, replay
from leadrouter.policy import compile_policy
from leadrouter.workspace import load_workspace
from machine import reference_ms

ROOT = Path(__file__).resolve().parents[1]
ACME = ROOT / "examples" / "acme"
TARGET_SECONDS = 20.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--accounts", action="store_true", help="match leads to Acme's accounts")
    parser.add_argument("--keep", type=Path, help="generate the leads here and keep them")
    parser.add_argument("--cpu", action="store_true", help="thread CPU time, not wall-clock")
    args = parser.parse_args()
    clock = time.thread_time if args.cpu else time.perf_counter

    print(f"reference loop {reference_ms():.0f} ms (before)")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-backtest-"))
    leads_file = folder / "leads.csv"
    if not leads_file.is_file():
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "examples" / "generate_acme.py"),
                "--out",
                str(folder),
                "--leads",
                str(args.leads),
            ],
            check=True,
        )
    rng = random.Random(20)
    arrivals = [
        replace(a, first_touch_at=a.at + timedelta(seconds=rng.lognormvariate(7, 1.2)))
        if n % 3 == 0
        else a
        for n, a in enumerate(csv_arrivals(leads_file, lambda bad: None))
    ]
    ws = load_workspace(ACME)
    text = (ACME / "policy.yaml").read_text(encoding="utf-8")
    changed = 'when: language == "ja" or country == "JP"\n    route: pool japan'
    draft_policy = compile_policy(
        text.replace(changed, changed.replace("pool japan", "pool apac")), "policy.yaml", ws.team
    )
    accounts = MatchOnce(ws.index) if args.accounts and ws.index is not None else None
    current = Setup("current", ws.policy, ws.team, accounts)
    draft = Setup("draft", draft_policy, ws.team, accounts)
    print(f"{len(arrivals):,} leads with a creation time; accounts {'on' if accounts else 'off'}")

    start = clock()
    one = replay(
        Prepared(arrivals), replace(current, accounts=MatchOnce(ws.index) if accounts else None)
    )
    plain = clock() - start
    print(f"reference, same run: one replay through one policy: {plain:.1f} s ({len(one):,} leads)")

    start = clock()
    with collection_paused():  # as `backtest.run` does for the CLI and the service
        comparison = compare(arrivals, current, draft, open_for=timedelta(days=7))
        replayed = clock() - start
        result = backtest(comparison)
        total = clock() - start
        del comparison  # freed before the collector resumes (not timed: a caller frees it too)
    print(
        f"backtest: both replays {replayed:.1f} s, report {total - replayed:.1f} s, "
        f"total {total:.1f} s (target ≤ {TARGET_SECONDS:.0f} s; {total / plain:.2f}× one replay)"
    )
    print(
        f"  {result.leads:,} leads: {result.changed:,} changed, {result.reshuffled:,} reshuffled, "
        f"{len(result.changes)} rule pairs; draft tests: {result.tests.passed} pass, "
        f"{len(result.tests.failed)} fail; speed estimate draft median "
        f"{result.speed.draft.median_seconds} s {result.speed.draft.median_interval}"
    )
    print(f"reference loop {reference_ms():.0f} ms (after)")
    if args.keep is None:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
