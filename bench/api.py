"""API benchmark: POST /v1/leads over loopback against `leadrouter serve`, on SQLite and on
PostgreSQL, with the example workspace (examples/acme) loaded.

For each database it makes a fresh one (a temporary SQLite file; a `lr_bench_<random>` schema in
the local PostgreSQL `test` database, dropped after), seeds it from the workspace, creates an API
key, starts `leadrouter serve --workers N` as a separate process, warms it up, then posts the
dirty leads of examples/acme/leads.csv from C client threads (httpx, one connection each) and
prints throughput and p50/p99 latency. Asserts nothing.
Usage: python bench/api.py [--leads 3000] [--clients 16] [--workers 2] [--db sqlite postgres]
"""

from __future__ import annotations

import argparse
import csv
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from leadrouter.keys import service as keys
from leadrouter.keys.schemas import KeyCreate, Scope
from leadrouter.policies.seed import seed_workspace
from leadrouter.store import Database
from leadrouter.store.migrate import upgrade

WORKSPACE = Path(__file__).resolve().parent.parent / "examples" / "acme"
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
WARMUP = 200


@contextmanager
def database(kind: str) -> Iterator[str]:
    """The URL of a fresh database of `kind`, removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    schema = f"lr_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        # public after the bench's own schema: migration 0003's pg_trgm lives there once any
        # test run has put it there (tests/store/databases.py), and is found by the index.
        yield f"{POSTGRES}?options=-csearch_path%3D{schema},public"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def prepare(url: str) -> str:
    """Migrate and seed the database; return a new API key."""
    db = Database(url)
    upgrade(db.engine)
    now = datetime.now(UTC)
    with db.session() as session:
        seed_workspace(session=session, path=WORKSPACE, now=now)
        key = KeyCreate(name="bench", scopes=[Scope.LEADS_WRITE])
        token = keys.create(session=session, key_in=key, actor="bench", now=now).token
    db.dispose()
    return token


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(url: str, workers: int) -> Iterator[str]:
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("leadrouter")),
        "serve",
        "--db",
        url,
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    process = subprocess.Popen(command, env=os.environ.copy(), stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/healthz").raise_for_status()
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def post_all(base: str, token: str, leads: list[dict[str, str]]) -> list[float]:
    """Post the leads one after another; the latency of each, in seconds."""
    latencies = []
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as http:
        for fields in leads:
            start = time.perf_counter()
            response = http.post("/v1/leads", json={"lead": fields})
            latencies.append(time.perf_counter() - start)
            if response.status_code != 201:
                raise RuntimeError(f"{response.status_code}: {response.text}")
    return latencies


def parallel(base: str, token: str, leads: list[dict[str, str]], clients: int) -> list[float]:
    """Post the leads from `clients` threads at once; every latency."""
    shares = [leads[i::clients] for i in range(clients)]
    with ThreadPoolExecutor(clients) as executor:
        parts = executor.map(lambda share: post_all(base, token, share), shares)
        return [latency for part in parts for latency in part]


def run(kind: str, leads: list[dict[str, str]], clients: int, workers: int) -> None:
    with database(kind) as url:
        token = prepare(url)
        with server(url, workers) as base:
            post_all(base, token, leads[:WARMUP])
            timed = leads[WARMUP:]
            shares = [timed[i::clients] for i in range(clients)]
            start = time.perf_counter()
            with ThreadPoolExecutor(clients) as executor:
                latencies = [
                    x
                    for part in executor.map(lambda s: post_all(base, token, s), shares)
                    for x in part
                ]
            elapsed = time.perf_counter() - start
    cuts = statistics.quantiles(latencies, n=100)
    print(
        f"{kind:8s} workers={workers} clients={clients} leads={len(latencies)}: "
        f"{len(latencies) / elapsed:7.0f} leads/s  p50 {cuts[49] * 1000:6.1f} ms  "
        f"p99 {cuts[98] * 1000:6.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--leads", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--db", nargs="+", choices=["sqlite", "postgres"], default=["sqlite", "postgres"]
    )
    args = parser.parse_args()
    with (WORKSPACE / "leads.csv").open(newline="", encoding="utf-8") as file:
        rows = [{k: v for k, v in row.items() if k and v} for row in csv.DictReader(file)]
    leads = [rows[i % len(rows)] for i in range(args.leads + WARMUP)]
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start")
    for kind in args.db:
        run(kind, leads, args.clients, args.workers)


if __name__ == "__main__":
    main()
