"""Benchmark: HubSpot webhook to owner written back, at a steady rate, against a local CRM.

Serves the API (uvicorn, one process) over a scratch database seeded with examples/acme, runs the
real worker in a thread (sleeping --idle, 10 ms, after an empty pass), and sends signed
contact-creation webhooks at --rate per second for --seconds. The local HubSpot server
(tests/connectors/crm_servers.py, the CRM v3 endpoints) answers the contact reads and records
when each owner PATCH arrives. Latency = PATCH arrival - webhook sent: the webhook's checks, the
contact read, storing and routing, the worker taking the decision in, the outbox and the write.

Prints, measured in the same run: the machine's reference loop (bench/machine.py), the floor
(one PATCH through the official client to the same server, alone), the webhook's own answer
time (the part HubSpot waits for), where the time goes (answered; the decision taken in by the
worker; the write), the process's CPU per webhook (a figure that moves less with the machine's
load than latency does), and why any write-back did not arrive. Leaves out: real network
latency to HubSpot (tens of ms each way), HubSpot's rate limits (100-190 requests/10 s per app:
a live portal write-back rate is capped there, and 429s are retried by the outbox), TLS, and
several workers or server processes.
Run: .venv/bin/python bench/connectors.py [--rate 100] [--seconds 20] [--db URL] [--idle 0.01]
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=100.0, help="webhooks per second")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to send")
    parser.add_argument("--db", default=None, help="database URL (default: a scratch SQLite)")
    parser.add_argument(
        "--idle", type=float, default=0.01, help="the worker's sleep after an empty pass"
    )
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))  # the local CRM servers live with the tests
    import httpx
    import uvicorn
    from bench.machine import reference_ms
    from tests.connectors.crm_servers import HubSpotHandler, fixture, serve

    from leadrouter.app import create_app
    from leadrouter.clock import SystemClock
    from leadrouter.connectors.hubspot.client import HubSpot
    from leadrouter.connectors.hubspot.signature import sign
    from leadrouter.connectors.runtime import Connectors
    from leadrouter.migrations import upgrade
    from leadrouter.notify.deliver import Deliverer, Endpoints
    from leadrouter.notify.templates import Templates
    from leadrouter.policies.seed import seed_workspace
    from leadrouter.policy.crm import load_crm
    from leadrouter.settings import Settings
    from leadrouter.store import Database
    from leadrouter.worker import Worker

    print(f"reference loop {reference_ms():.0f} ms (bench/machine.py)")
    folder = Path(tempfile.mkdtemp(prefix="lr-bench-conn-"))
    url = args.db or f"sqlite:///{folder / 'bench.db'}"
    db = Database(url)
    upgrade(db.engine)
    acme = ROOT / "examples" / "acme"
    with db.session() as session:
        seed_workspace(session=session, path=acme, now=datetime.now(UTC))
    config = load_crm(acme / "crm.yaml")
    count = int(args.rate * args.seconds)
    arrived: dict[str, float] = {}

    class Timed(HubSpotHandler):
        def route(self, method, path, query, body):  # type: ignore[no-untyped-def]
            super().route(method, path, query, body)
            if method == "PATCH":
                arrived.setdefault(path.rsplit("/", 1)[1], time.perf_counter())

    secret, token = "bench-client-secret", "bench-token"
    with serve(Timed, token) as hubspot:
        states = ["CA", "WA", "OR", "TX", "NY", "MA", "IL"]
        for i in range(count + 200):
            record = fixture("hubspot_contact.json")
            record["id"] = str(10_000 + i)
            record["properties"] |= {
                "email": f"buyer{i}@company{i}.com",
                "company": f"Company {i}",
                "state": states[i % len(states)],
                "numemployees": str(200 + i % 700),
                "recent_conversion_event_name": "demo-request",
            }
            hubspot.state.records[record["id"]] = record
        client = HubSpot(token, base_url=hubspot.url)
        floor = []
        for i in range(200):
            start = time.perf_counter()
            client.set_owner(str(10_000 + count + i), "51200100")
            floor.append(time.perf_counter() - start)
        hubspot.state.seen.clear()
        arrived.clear()  # the floor's PATCHes: the wait below counts the webhooks' only

        connectors = Connectors(config, client, None, secret)
        app = create_app(Settings(db=url), database=db, clock=SystemClock(), crm=connectors)
        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        )
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        stop = threading.Event()
        worker = Worker(
            db,
            clock=SystemClock(),
            deliverer=Deliverer(Endpoints(crm=connectors.writer()), httpx.Client()),
            templates=Templates(),
            crm=config,
        )
        worker_thread = threading.Thread(
            target=worker.run, kwargs={"should_stop": stop.is_set, "idle_seconds": args.idle}
        )
        worker_thread.start()

        webhook = f"http://127.0.0.1:{port}/connectors/hubspot/webhook"
        sent: dict[str, float] = {}
        answered: list[float] = []
        answered_at: dict[str, float] = {}
        failed: list[int] = []
        queued: list[str] = []  # routed to a queue (a pool at its caps): nothing to write back
        http = httpx.Client(limits=httpx.Limits(max_connections=32))

        def send(i: int, at: float) -> None:
            time.sleep(max(0.0, at - time.perf_counter()))
            contact = str(10_000 + i)
            event = {**fixture("hubspot_contact_creation.json")[0], "objectId": int(contact)}
            body = json.dumps([event]).encode()
            stamp = int(time.time() * 1000)
            headers = {
                "Content-Type": "application/json",
                "X-HubSpot-Signature-v3": sign(secret, "POST", webhook, body, stamp),
                "X-HubSpot-Request-Timestamp": str(stamp),
            }
            sent[contact] = time.perf_counter()
            answer = http.post(webhook, content=body, headers=headers)
            answered.append(time.perf_counter() - sent[contact])
            answered_at[contact] = time.perf_counter()
            if answer.status_code != 200:
                failed.append(answer.status_code)
            elif not answer.json()["results"][0]["decision"]["owner"]:
                queued.append(contact)

        print(f"sending {count} webhooks at {args.rate:.0f}/s to {url.split('://')[0]} ...")
        begin = time.perf_counter()
        cpu = time.process_time()
        with ThreadPoolExecutor(max_workers=32) as pool:
            for i in range(count):
                pool.submit(send, i, begin + i / args.rate)
        deadline = time.perf_counter() + 60
        while len(arrived) < count - len(failed) - len(queued) and time.perf_counter() < deadline:
            time.sleep(0.05)
        cpu = time.process_time() - cpu
        wall = time.perf_counter() - begin
        stop.set()
        worker_thread.join()
        server.should_exit = True
        http.close()

    latencies = [arrived[c] - sent[c] for c in sent if c in arrived]
    ms = 1000.0
    print(
        f"floor: one PATCH through hubspot-api-client, alone: p50 {percentile(floor, 0.5) * ms:.1f}"
        f" ms, p99 {percentile(floor, 0.99) * ms:.1f} ms"
    )
    print(
        f"webhook answered (read contact, store, route): p50 {percentile(answered, 0.5) * ms:.1f}"
        f" ms, p99 {percentile(answered, 0.99) * ms:.1f} ms"
    )
    if latencies:
        print(
            f"webhook to owner written back: {len(latencies)}/{count - len(queued)} written "
            f"({len(queued)} went to a queue), "
            f"p50 {percentile(latencies, 0.5) * ms:.0f} ms, "
            f"p99 {percentile(latencies, 0.99) * ms:.0f} ms, max {max(latencies) * ms:.0f} ms, "
            f"mean {statistics.fmean(latencies) * ms:.0f} ms"
        )
    print(
        f"process CPU {cpu:.1f} s in {wall:.1f} s ({cpu / wall:.0%} of a core; API, worker, CRM "
        f"server and sender in one process): {cpu / count * ms:.1f} ms per webhook"
    )
    if failed:
        print(f"{len(failed)} webhooks refused: {sorted(set(failed))}")
    stages(db, sent, answered_at, arrived, time.time() - time.perf_counter())
    missing = [c for c in sent if c not in arrived and c not in queued]
    if missing:
        print(f"not written within the run: {len(missing)}: {why_not_written(db, missing)}")
    db.dispose()


def stages(db, sent, answered_at, arrived, epoch: float) -> None:  # type: ignore[no-untyped-def]
    """Where a write-back's time goes: webhook answered (stored and routed), the worker taking
    the decision in (the outbox row written), the write arriving at the CRM."""
    from sqlalchemy import select

    from leadrouter.leads.models import LeadRow
    from leadrouter.notify.models import OutboxRow

    with db.read() as session:
        rows = session.execute(
            select(LeadRow.external_id, OutboxRow.created_at)
            .join(OutboxRow, OutboxRow.lead_id == LeadRow.id)
            .where(OutboxRow.key.like("%:crm:owner"))
        ).all()
    taken = {e.split(":")[1]: at.timestamp() - epoch for e, at in rows}
    parts = {"sent -> answered": [], "answered -> taken in": [], "taken in -> written": []}
    for contact, start in sent.items():
        if contact in answered_at and contact in taken and contact in arrived:
            parts["sent -> answered"].append(answered_at[contact] - start)
            parts["answered -> taken in"].append(taken[contact] - answered_at[contact])
            parts["taken in -> written"].append(arrived[contact] - taken[contact])
    print(
        "stages (p50 / p99 ms): "
        + ", ".join(
            f"{name} {percentile(v, 0.5) * 1000:.0f} / {percentile(v, 0.99) * 1000:.0f}"
            for name, v in parts.items()
            if v
        )
    )


def why_not_written(db, contacts: list[str]) -> str:  # type: ignore[no-untyped-def]
    """Where the write-backs that never arrived stand: their outbox state and last error."""
    from collections import Counter

    from sqlalchemy import select

    from leadrouter.leads.models import LeadRow
    from leadrouter.notify.models import OutboxRow

    found: Counter[str] = Counter()
    with db.read() as session:
        for contact in contacts:
            lead = session.scalar(
                select(LeadRow).where(LeadRow.external_id == f"hubspot:{contact}")
            )
            if lead is None:
                found["no lead"] += 1
                continue
            row = session.scalar(
                select(OutboxRow).where(
                    OutboxRow.lead_id == lead.id, OutboxRow.key.like("%:crm:owner")
                )
            )
            what = f"lead {lead.status}, no write-back" if row is None else row.state
            found[f"{what} ({(row.last_error or '')[:80]})" if row is not None else what] += 1
    return "; ".join(f"{n} {what}" for what, n in found.most_common())


if __name__ == "__main__":
    main()
