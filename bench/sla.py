"""Benchmark: the worker firing SLA timers on PostgreSQL, with 100,000 open leads on the clock.

Creates a scratch database, bulk-loads 100,000 routed leads, each with a running SLA clock and
its five-step ladder, then measures two things with the real worker code on the system clock:

1. backlog: 50,000 reminder timers already due; how fast the worker drains them (timers/s);
2. steady stream: 50,000 reminders falling due at --rate per second; the lag from due to fired
   (p50, p99, max) while the worker keeps up.

No channels are configured, so the figures are for timers (events, state, cancellation), not
delivery. Run: .venv/bin/python bench/sla.py [--leads 100000] [--rate 2500]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import create_engine, func, select, text

from leadrouter.clock import SystemClock
from leadrouter.codec import decision_to_dict
from leadrouter.migrations import upgrade
from leadrouter.model import Decision, Kind, Trace
from leadrouter.notify.deliver import Deliverer, Endpoints
from leadrouter.notify.templates import Templates
from leadrouter.reps import service as reps
from leadrouter.reps.schemas import RepCreate
from leadrouter.sla.models import FIRED, PENDING, RUNNING, SlaTimerRow
from leadrouter.store import Database
from leadrouter.worker import Worker

ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CHUNK = 5_000
# The standard ladder: remind at 50%, breach, alert the manager, reassign, recycle.
LADDER = (("remind", "owner", None), ("breach", "owner", None), ("alert", "manager", None),
          ("reassign", "next", None), ("recycle", "queue", "shared"))  # fmt: skip

# One INSERT ... SELECT generate_series per table: the server writes the rows, no round trips.
SEED = (
    """INSERT INTO leads (id, raw, received_at, status, kind, owner, decision_id)
       SELECT 'L' || g, jsonb_build_object('email', 'p' || g || '@c' || g || '.com'), :now,
              'routed', 'rep', 'ana', g + 1
       FROM generate_series(0, :leads - 1) AS g""",
    """INSERT INTO decisions (id, lead_id, at, cause, kind, owner, policy_version, fallback, body)
       SELECT g + 1, 'L' || g, :now, 'new', 'rep', 'ana', 'bench', false, CAST(:body AS jsonb)
       FROM generate_series(0, :leads - 1) AS g""",
    """INSERT INTO sla_intake (decision_id, at)
       SELECT g + 1, :now FROM generate_series(0, :leads - 1) AS g""",
    """INSERT INTO sla_clocks (id, decision_id, lead_id, sla, owner, started_at, deadline,
                               first_touch_seconds, clock, timezone, state)
       SELECT g + 1, g + 1, 'L' || g, 'bench', 'ana', :now, :far, 300.0, 'wall', 'UTC', :running
       FROM generate_series(0, :leads - 1) AS g""",
    # Step 0 of the first `backlog` leads is already due; every other step is a month away.
    """INSERT INTO sla_timers (clock_id, lead_id, step, kind, target_kind, target_id, due_at,
                               state)
       SELECT g + 1, 'L' || g, s.step, s.kind, s.target_kind, s.target_id,
              CASE WHEN s.step = 0 AND g < :backlog THEN :overdue
                   WHEN s.step = 0 THEN :tomorrow ELSE :far END,
              :pending
       FROM generate_series(0, :leads - 1) AS g
       CROSS JOIN (SELECT * FROM jsonb_to_recordset(CAST(:ladder AS jsonb))
                   AS l(step int, kind text, target_kind text, target_id text)) AS s
       ORDER BY g, s.step""",
    "SELECT setval('decisions_id_seq', :leads + 1)",
    "SELECT setval('sla_clocks_id_seq', :leads + 1)",
)


def load(db: Database, leads: int, backlog: int, now: datetime) -> None:
    """Bulk-load routed leads, decisions, running clocks and ladders; `backlog` reminders due."""
    body = decision_to_dict(Decision(Kind.REP, "ana", None, "bench", "bench", now, Trace()))
    ladder = [
        {"step": step, "kind": kind, "target_kind": target, "target_id": target_id}
        for step, (kind, target, target_id) in enumerate(LADDER)
    ]
    params = {
        "leads": leads,
        "backlog": backlog,
        "now": now,
        "overdue": now - timedelta(minutes=1),
        # Stream timers start far off; they are scheduled once the backlog is measured.
        "tomorrow": now + timedelta(days=1),
        "far": now + timedelta(days=30),
        "body": json.dumps(body),
        "ladder": json.dumps(ladder),
        "running": RUNNING,
        "pending": PENDING,
    }
    with db.session() as session:
        reps.create(session=session, rep_in=RepCreate(id="ana", name="Ana", email="ana@x.example"),
                    actor="bench", now=now)  # fmt: skip
        for statement in SEED:
            session.execute(text(statement), params)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


def fired_lags(db: Database, first: int, last: int) -> list[float]:
    """Seconds from due to fired for the reminder timers of leads [first, last)."""
    with db.read() as session:
        rows = session.execute(
            select(SlaTimerRow.due_at, SlaTimerRow.fired_at).where(
                SlaTimerRow.clock_id > first, SlaTimerRow.clock_id <= last, SlaTimerRow.step == 0
            )
        )
        return [(fired - due).total_seconds() for due, fired in rows]


def pending_due(db: Database, now: datetime) -> int:
    with db.read() as session:
        query = select(func.count()).where(SlaTimerRow.state == PENDING, SlaTimerRow.due_at <= now)
        return session.scalar(query) or 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=2_500.0, help="stream: timers due per second")
    parser.add_argument("--batch", type=int, default=1_000)
    args = parser.parse_args()
    backlog = args.leads // 2
    name = f"leadrouter_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database(ADMIN.rsplit("/", 1)[0] + f"/{name}")
    try:
        upgrade(db.engine)
        now = datetime.now(UTC)
        t = time.perf_counter()
        load(db, args.leads, backlog, now)
        print(f"loaded {args.leads:,} open leads, {args.leads * len(LADDER):,} timers "
              f"in {time.perf_counter() - t:.1f}s")  # fmt: skip
        # No channels: the HTTP client is never used, but the Deliverer wants one.
        deliverer = Deliverer(Endpoints(), httpx.Client())
        worker = Worker(db, clock=SystemClock(), deliverer=deliverer, templates=Templates(),
                        batch=args.batch)  # fmt: skip
        t = time.perf_counter()
        fired = worker.run_once().fired
        elapsed = time.perf_counter() - t
        print(f"backlog: {fired:,} due timers fired in {elapsed:.2f}s = {fired / elapsed:,.0f}/s")
        start = datetime.now(UTC) + timedelta(seconds=1)
        with db.session() as session:
            session.execute(
                text(
                    "UPDATE sla_timers SET due_at = :start + (clock_id - :backlog - 1)"
                    " * interval '1 second' / :rate WHERE step = 0 AND clock_id > :backlog"
                ),
                {"start": start, "backlog": backlog, "rate": args.rate},
            )
        end = start + timedelta(seconds=(args.leads - backlog) / args.rate + 1)
        while datetime.now(UTC) < end or pending_due(db, datetime.now(UTC)):
            if not worker.run_once().busy:
                time.sleep(0.01)
        lags = sorted(fired_lags(db, backlog, args.leads))
        span = (args.leads - backlog) / args.rate
        p99 = lags[int(len(lags) * 0.99) - 1]
        print(f"stream: {len(lags):,} timers due at {args.rate:,.0f}/s over {span:.0f}s; lag "
              f"p50 {statistics.median(lags) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
              f"max {lags[-1] * 1000:.0f} ms")  # fmt: skip
        with db.read() as session:
            total = session.scalar(select(func.count()).where(SlaTimerRow.state == FIRED))
        print(f"fired {total:,} timers in all, each once")
    finally:
        db.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
