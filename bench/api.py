"""API benchmark: POST /v1/leads over loopback against `leadrouter serve`, on SQLite and on
PostgreSQL, with the example workspace (examples/acme) loaded.

For each database it makes a fresh one (a temporary SQLite file; a `lr_bench_<random>` schema in
the local PostgreSQL `test` database, dropped after), seeds it from the workspace, creates an API
key, starts `leadrouter serve --workers N` as a separate process, warms it up, then posts the
dirty leads of examples/acme/leads.csv from C concurrent clients (one keep-alive connection
each) and prints throughput, p50/p99 latency and the CPU time per lead of the server processes
and of PostgreSQL. Asserts nothing.

The load generator is a few lines of asyncio writing pre-encoded HTTP/1.1 requests on raw
sockets: on two cores a Python HTTP client (httpx) costs about as much CPU per request as the
server does, so it would measure the client. It plays the part wrk plays elsewhere.
Usage: python bench/api.py [--leads 3000] [--clients 16] [--workers 2] [--db sqlite postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import gc
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
import orjson
import uvloop
from sqlalchemy import create_engine, text

from leadrouter.keys import service as keys
from leadrouter.keys.schemas import KeyCreate, Scope
from leadrouter.migrations import upgrade
from leadrouter.policies.seed import seed_workspace
from leadrouter.store import Database
from machine import reference_ms

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
def server(
    url: str, workers: int, *, patience: float = 60
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`leadrouter serve` (from the sources on PYTHONPATH) answering within `patience` seconds."""
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
        deadline = time.monotonic() + patience
        while True:
            try:
                httpx.get(f"{base}/healthz").raise_for_status()
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=30)


def requests(port: int, token: str, leads: list[dict[str, str]]) -> list[bytes]:
    """Each lead as a complete keep-alive `POST /v1/leads` request, encoded once up front."""
    encoded = []
    for fields in leads:
        body = orjson.dumps({"lead": fields})
        head = (
            f"POST /v1/leads HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        encoded.append(head.encode() + body)
    return encoded


async def client(port: int, share: list[bytes], latencies: list[float]) -> None:
    """Send `share` one request after another on one connection; record each latency."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for request in share:
            start = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = head[9:12]
            length = int(head.lower().split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])
            body = await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            if status != b"201":
                raise RuntimeError(f"{status.decode()}: {body.decode()}")
    finally:
        writer.close()


def post(port: int, requests: list[bytes], clients: int) -> tuple[list[float], float]:
    """Post from `clients` connections at once; (every latency, elapsed seconds)."""
    latencies: list[float] = []

    async def all_clients() -> None:
        await asyncio.gather(
            *(client(port, requests[i::clients], latencies) for i in range(clients))
        )

    # The client's own full collections (its heap holds the seeded workspace) would stall every
    # connection at once and be counted as server latency.
    gc.disable()
    start = time.perf_counter()
    try:
        uvloop.run(all_clients())
    finally:
        gc.enable()
    return latencies, time.perf_counter() - start


def cpu_seconds(pids: set[int]) -> float:
    """User + system CPU time of these processes so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def processes(root: int) -> set[int]:
    """`root` and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = set(), [root]
    while todo:
        pid = todo.pop()
        found.add(pid)
        todo.extend(children.get(pid, []))
    return found


def postgres_processes() -> set[int]:
    return {
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and _command(entry).startswith("postgres")
    }


def _command(entry: Path) -> str:
    try:
        return (entry / "cmdline").read_bytes().split(b"\0", 1)[0].decode(errors="replace")
    except OSError:
        return ""


def run(kind: str, leads: list[dict[str, str]], clients: int, workers: int) -> None:
    with database(kind) as url:
        token = prepare(url)
        with server(url, workers) as (base, process):
            port = int(base.rsplit(":", 1)[1])
            post(port, requests(port, token, leads[:WARMUP]), clients)
            timed = requests(port, token, leads[WARMUP:])
            servers, postgres = processes(process.pid), postgres_processes()
            children = sorted(servers - {process.pid})
            before = cpu_seconds(servers), cpu_seconds(postgres)
            per_child = [cpu_seconds({pid}) for pid in children]
            latencies, elapsed = post(port, timed, clients)
            server_cpu = cpu_seconds(servers) - before[0]
            per_child = [cpu_seconds({pid}) - b for pid, b in zip(children, per_child, strict=True)]
            # Backends a pool opened during the run count whole: they started after `before`.
            started = postgres_processes() - postgres
            postgres_cpu = cpu_seconds(postgres) - before[1] + cpu_seconds(started)
    cuts = statistics.quantiles(latencies, n=100)
    count = len(latencies)
    cpu = f"server CPU {server_cpu / count * 1000:.2f} ms/lead"
    # How the work fell between the workers: `serve` deals connections in turn, so an uneven
    # split means uneven traffic. (The supervisor's other children, such as multiprocessing's
    # resource tracker, do ~nothing.)
    busy = [c for c in per_child if c > 0.01 * sum(per_child)]
    if len(busy) > 1:
        shares = "/".join(f"{100 * c / sum(busy):.0f}" for c in busy)
        cpu += f", split {shares} % between workers"
    if kind == "postgres":
        cpu += f", PostgreSQL CPU {postgres_cpu / count * 1000:.2f} ms/lead (all its backends)"
    print(
        f"{kind:8s} workers={workers} clients={clients} leads={count}: "
        f"{count / elapsed:7.0f} leads/s  p50 {cuts[49] * 1000:6.1f} ms  "
        f"p99 {cuts[98] * 1000:6.1f} ms  ({cpu})"
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
    print(
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start; "
        f"reference loop {reference_ms():.0f} ms (bench/machine.py)"
    )
    for kind in args.db:
        run(kind, leads, args.clients, args.workers)
    print(f"reference loop {reference_ms():.0f} ms at the end")


if __name__ == "__main__":
    main()
