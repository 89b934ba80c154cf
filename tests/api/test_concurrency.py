"""16 clients post 2,000 leads at once to one pool over real HTTP (`serve`, 2 worker processes)
against PostgreSQL: every lead has exactly one owner and one decision, retried idempotency keys
never duplicate, and round-robin counts differ by at most one."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from leadrouter.keys.schemas import Scope
from leadrouter.leads.models import DecisionRow, LeadRow
from leadrouter.pools import service as pools
from leadrouter.pools.schemas import PoolUpdate
from leadrouter.reps import service as reps
from leadrouter.reps.schemas import RepCreate
from leadrouter.store import Database

from ..store.databases import wipe
from .conftest import TUESDAY_3PM, make_key
from .factories import REPS, lead, seed

pytestmark = pytest.mark.postgres

CLIENTS = 16
LEADS = 2000
RETRY_EVERY = 10  # every 10th lead is also posted by a second client at the same time
EXTRA_REPS = ("dana", "eve", "finn", "gus")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(postgres_url: str) -> Iterator[tuple[str, str, Database]]:
    db = Database(postgres_url)
    wipe(db)
    with db.session() as session:
        seed(session, TUESDAY_3PM)
        for rep_id in EXTRA_REPS:
            rep_in = RepCreate(id=rep_id, name=rep_id, email=f"{rep_id}@acme.example")
            reps.create(session=session, rep_in=rep_in, actor="test", now=TUESDAY_3PM)
        members = PoolUpdate(members=[*REPS, *EXTRA_REPS])
        pools.update(session=session, pool_id="smb", pool_in=members, actor="test", now=TUESDAY_3PM)
    token = make_key(db, "load", Scope.LEADS_WRITE)
    port = free_port()
    env = os.environ | {"LEADROUTER_DB": postgres_url}
    command = [
        str(Path(sys.executable).with_name("leadrouter")),
        "serve",
        "--port",
        str(port),
        "--workers",
        "2",
    ]
    process = subprocess.Popen(command, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        yield base, token, db
    finally:
        process.terminate()
        process.wait(timeout=30)
        db.dispose()


def test_concurrent_posts__exact_round_robin_and_no_duplicates(
    server: tuple[str, str, Database],
) -> None:
    base, token, db = server
    jobs = [(n, n % CLIENTS) for n in range(LEADS)]
    jobs += [(n, (n + 1) % CLIENTS) for n in range(0, LEADS, RETRY_EVERY)]
    jobs.sort(key=lambda job: job[0])  # a retry lands next to its original: they race
    per_client: list[list[int]] = [[] for _ in range(CLIENTS)]
    for n, client in jobs:
        per_client[client].append(n)

    def post_all(numbers: list[int]) -> list[tuple[int, str, str | None]]:
        headers = {"Authorization": f"Bearer {token}"}
        results = []
        with httpx.Client(base_url=base, headers=headers, timeout=60) as http:
            for n in numbers:
                response = http.post(
                    "/v1/leads", json=lead(n), headers={"Idempotency-Key": f"k{n}"}
                )
                assert response.status_code in (200, 201), response.text
                body = response.json()
                results.append((n, body["lead_id"], body["owner"]))
        return results

    with ThreadPoolExecutor(CLIENTS) as executor:
        answers = [r for rs in executor.map(post_all, per_client) for r in rs]

    lead_of: dict[int, set[str]] = {}
    for n, lead_id, _ in answers:
        lead_of.setdefault(n, set()).add(lead_id)
    assert all(len(ids) == 1 for ids in lead_of.values())  # a retry got the same lead back

    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(LeadRow)) == LEADS
        assert session.scalar(select(func.count()).select_from(DecisionRow)) == LEADS
        owners = Counter(session.scalars(select(LeadRow.owner)))
    assert None not in owners
    assert sum(owners.values()) == LEADS
    assert max(owners.values()) - min(owners.values()) <= 1, owners
    assert set(owners) == {*REPS, *EXTRA_REPS}
