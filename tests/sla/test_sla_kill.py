"""Kill test: a worker process is SIGKILLed while timers and messages are in flight on
PostgreSQL; two fresh workers finish the job. Every timer fires exactly once, every message is
delivered at least once and recorded as sent exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from leadrouter.leads import intake
from leadrouter.leads.schemas import LeadCreate
from leadrouter.notify.models import SENT, OutboxRow
from leadrouter.policies.snapshot import ConfigCache
from leadrouter.sla.models import FIRED, PENDING, SlaEventRow, SlaTimerRow
from leadrouter.store import Database

from ..notify.servers import SECRET, HttpReceiver, http_receiver
from ..store.databases import postgres_schema
from .service_setup import seed

pytestmark = pytest.mark.postgres
LEADS = 200  # 5 ladder steps each: 1,000 timers; 4 messages each: 800 messages
LEADROUTER = Path(sys.executable).with_name("leadrouter")


def start_worker(url: str, receiver: HttpReceiver) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            str(LEADROUTER), "worker", "--db", url,
            "--webhook-url", f"{receiver.url}/hook", "--webhook-secret", SECRET,
            "--batch", "25", "--idle", "0.05", "--lease", "2",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip


def counts(db: Database) -> tuple[int, int, int]:
    with db.read() as session:
        fired = session.scalar(select(func.count()).where(SlaTimerRow.state == FIRED))
        pending = session.scalar(select(func.count()).where(SlaTimerRow.state == PENDING))
        sent = session.scalar(select(func.count()).where(OutboxRow.state == SENT))
    return fired or 0, pending or 0, sent or 0


def wait_for(condition: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


@pytest.fixture
def db() -> Iterator[Database]:
    with postgres_schema() as url:
        database = Database(url)
        yield database
        database.dispose()


def test_kill__sigkilled_worker_loses_nothing_and_nothing_is_recorded_twice(db: Database) -> None:
    # Leads routed two hours ago: all five steps of every ladder are due at once.
    then = datetime.now(UTC) - timedelta(hours=2)
    seed(db, then, hours=None)
    cache = ConfigCache()
    for n in range(LEADS):
        body = {"email": f"p{n}@c{n}.com", "name": f"P {n}", "employees": "50"}
        intake.store_and_route(
            db=db, cache=cache, intakes=[intake.Intake(LeadCreate(lead=body), None, then)]
        )
    with http_receiver() as receiver:
        receiver.delay = 0.002
        first = start_worker(db.url, receiver)
        try:
            # Kill it mid-flight: some messages out, most still queued.
            wait_for(lambda: counts(db)[2] >= 50, timeout=120)
        finally:
            # Killed in `finally`: a timed-out wait must not leave the test waiting on a worker
            # that never stops.
            os.kill(first.pid, signal.SIGKILL)
            first.wait()
        _, pending, sent = counts(db)
        assert pending > 0 or sent < 800, "the first worker finished before the kill"
        workers = [start_worker(db.url, receiver) for _ in range(2)]
        try:
            wait_for(lambda: counts(db) == (1000, 0, 800), timeout=180)
        finally:
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
            for worker in workers:
                assert worker.wait(timeout=30) == 0, (
                    worker.stderr.read().decode() if worker.stderr else ""
                )

    with db.read() as session:
        keys = list(session.scalars(select(OutboxRow.key)))
        timer_events = list(
            session.scalars(select(SlaEventRow.timer_id).where(SlaEventRow.timer_id.is_not(None)))
        )
    assert len(keys) == len(set(keys)) == 800
    assert sorted(set(receiver.delivered_keys)) == sorted(keys)  # every message arrived
    assert len(timer_events) == len(set(timer_events)) == 1000  # every timer recorded once
    assert receiver.rejected == []
    print(
        f"killed after {sent} sent; receiver saw {len(receiver.requests)} requests for 800 messages"
    )
