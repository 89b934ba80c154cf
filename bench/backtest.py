"""Backtest benchmark: 100,000 past Acme leads replayed through the Acme policy and a draft that
changes one rule, with the whole report (changes by rule, reshuffles, per rep and pool figures,
fairness, off hours, capacity, the speed-to-lead estimate and its bootstrap, the draft's tests).

Generates the leads with examples/generate_acme.py (seeded; about 7 % repeats, dirty values,
times spread over four weeks) and gives every third lead a first touch so the speed estimate has
histories. Runs the backtest as `leadrouter backtest` does, with each `--jobs` (default 1 then 2:
the two sides side by side in this process, then the draft's in a forked child, each process
normalizing, and with --accounts matching, half the leads), and prints for each the wall-clock
time and the CPU time of this process and of the child, and whether the reports are the same to
the byte. Prints, from the same run: the reference loop (bench/machine.py) before and after, and
one plain replay of the same leads through the batch path `leadrouter route --replay` uses (one
policy, decisions written nowhere, the cycle collector on, as before the backtest paused it): a
backtest routes each lead twice, but normalizes, matches and scores it once.
Leaves out: account matching unless --accounts (with it, matching is about two fifths of a
replay), reading the leads from the database (`--db`: one indexed scan), rendering the table, and
starting the command (imports, loading the workspaces). Wall-clock with two jobs needs two idle
cores: on a loaded machine it tells more about the load than the code. Asserts nothing.
Usage: python bench/backtest.py [--leads 100000] [--accounts] [--keep DIR] [--jobs 1,2]
"""

from __future__ import annotations

import argparse
import random
import resource
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
from leadrouter.experiments.schemas import Backtest
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
    parser.add_argument("--jobs", default="1,2", help="the --jobs to run, in this order")
    args = parser.parse_args()

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

    clock = Clock()
    one = replay(
        Prepared(arrivals), replace(current, accounts=MatchOnce(ws.index) if accounts else None)
    )
    plain = clock.read()
    print(
        f"reference, same run: one replay through one policy: wall {plain[0]:.1f} s, "
        f"CPU {plain[1]:.1f} s ({len(one):,} leads)"
    )
    del one
    reports: dict[int, str] = {}
    for jobs in (int(j) for j in args.jobs.split(",")):
        fresh = MatchOnce(ws.index) if accounts else None  # afresh each run, as a command does
        sides = replace(current, accounts=fresh), replace(draft, accounts=fresh)
        clock = Clock()
        with collection_paused():  # as `leadrouter backtest` does
            comparison = compare(arrivals, *sides, open_for=timedelta(days=7), jobs=jobs)
            replayed = clock.read()
            result = backtest(comparison)
            total = clock.read()
            del comparison  # freed before the collector resumes (not timed: a caller frees it too)
        reports[jobs] = result.model_dump_json()
        _print(jobs, replayed, total, plain, result)
    if len(set(reports.values())) > 1:
        print(f"THE REPORTS DIFFER between --jobs {', '.join(map(str, reports))}")
    elif len(reports) > 1:
        print(f"the same report to the byte with --jobs {', '.join(map(str, reports))}")
    print(f"reference loop {reference_ms():.0f} ms (after)")
    if args.keep is None:
        shutil.rmtree(folder, ignore_errors=True)


class Clock:
    """Wall-clock and CPU seconds since it was made: this process's, and its children's that
    ended (the child of `--jobs 2` is waited for before the report)."""

    def __init__(self) -> None:
        self._start = self._now()

    @staticmethod
    def _now() -> tuple[float, float, float]:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (
            time.perf_counter(),
            time.process_time(),
            children.ru_utime + children.ru_stime,
        )

    def read(self) -> tuple[float, float, float]:
        """(wall, CPU of this process and its children, CPU of the children) so far."""
        wall, mine, theirs = (b - a for a, b in zip(self._start, self._now(), strict=True))
        return wall, mine + theirs, theirs


def _print(
    jobs: int,
    replayed: tuple[float, float, float],
    total: tuple[float, float, float],
    plain: tuple[float, float, float],
    result: Backtest,
) -> None:
    report = [b - a for a, b in zip(replayed, total, strict=True)]
    print(
        f"backtest --jobs {jobs}: wall {total[0]:.1f} s (replays {replayed[0]:.1f} s, report "
        f"{report[0]:.1f} s; target ≤ {TARGET_SECONDS:.0f} s; {total[0] / plain[0]:.2f}× one "
        f"replay), CPU {total[1]:.1f} s (replays {replayed[1]:.1f} s of which the child's "
        f"{total[2]:.1f} s, report {report[1]:.1f} s; {total[1] / plain[1]:.2f}× one replay)"
    )
    print(
        f"  {result.leads:,} leads: {result.changed:,} changed, {result.reshuffled:,} reshuffled, "
        f"{len(result.changes)} rule pairs; draft tests: {result.tests.passed} pass, "
        f"{len(result.tests.failed)} fail; speed estimate draft median "
        f"{result.speed.draft.median_seconds} s {result.speed.draft.median_interval}"
    )


if __name__ == "__main__":
    main()
