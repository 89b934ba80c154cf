"""/metrics benchmark: the cost of one Prometheus scrape with 1,000,000 stored leads on PostgreSQL.

Creates a fresh database on the local PostgreSQL server and seeds N leads with their decisions
(a year of arrivals, ~3% in the fallback queue: `bench/dashboard.py`'s seeding). Then measures,
in the same run:

- the reference: the previous scrape (before issue 14), which brought the daily rollups up to
  date and recomputed every figure over its window (30 days of routed leads, an hour of latency
  histogram in Python, a day of SLA figures) on every scrape;
- the catch-up: the counters folding the whole seeded history, `CATCH_UP` decisions per call
  (what the first scrapes after the upgrade pay, once);
- the scrape now: in process (`render_metrics`), and through the real app (HTTP in process, a
  bearer key with `metrics:read`), with nothing new since the previous scrape and after
  `--per-scrape` new leads were routed (15 s of traffic), `--repeat` times each; beside the
  floor of any scrape on this machine at this moment: a read transaction of `SELECT 1`.

Prints median and worst milliseconds and the load average (the machine may be shared); asserts
nothing. Leaves out: network time between Prometheus and the server, and the Python-side cost of
routing the new leads (they are inserted by SQL). The database is dropped at the end unless --keep.

Usage: python bench/metrics.py [--leads 1000000] [--repeat 20] [--per-scrape 300]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from leadrouter.dashboard.metrics import render_metrics
from leadrouter.dashboard.views import WINDOW
from leadrouter.keys import service as keys
from leadrouter.keys.schemas import KeyCreate, Scope
from leadrouter.leads.models import DecisionRow, LeadRow
from leadrouter.notify.models import PENDING, OutboxRow
from leadrouter.queues.models import QueueRow
from leadrouter.reports import counters, queries, rollups
from leadrouter.reports.rollups import load_window
from leadrouter.reports.summary import DEFAULT_SLA
from leadrouter.reports.window import ALL
from leadrouter.settings import Settings
from leadrouter.store import Database

HERE = Path(__file__).parent
_spec = importlib.util.spec_from_file_location("bench_dashboard", HERE / "dashboard.py")
assert _spec and _spec.loader
bench_dashboard = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_dashboard)
sys.path.insert(0, str(HERE.parent / "tests"))
from dashboard.server import dashboard_app  # noqa: E402

NOW = bench_dashboard.NOW
timed = bench_dashboard.timed
INTERVAL = timedelta(seconds=15)  # Prometheus' default scrape interval is 1 minute; 15 s is common

# Leads routed since the previous scrape: rows like the seeded ones, decided at :at.
NEW_LEADS = """
INSERT INTO leads (id, raw, received_at, status, kind, owner, queue, pool, rule, decision_id,
                   email_key)
SELECT 'N' || lpad(g::text, 9, '0'), jsonb_build_object('email', 'new' || g || '@x.example'),
       :at - make_interval(secs => 0.01 * (1 + g % 50)), 'routed',
       CASE WHEN g % 33 = 0 THEN 'queue' ELSE 'rep' END,
       CASE WHEN g % 33 = 0 THEN NULL ELSE 'ana' END,
       CASE WHEN g % 33 = 0 THEN 'unrouted' END, 'inbound',
       CASE WHEN g % 33 = 0 THEN 'catch-all' ELSE 'smb' END, NULL, 'new' || g || '@x.example'
FROM generate_series(CAST(:first AS int), CAST(:last AS int)) AS g;
INSERT INTO decisions (lead_id, at, cause, kind, owner, queue, rule, policy_version, fallback,
                       body)
SELECT id, :at, 'new', kind, owner, queue, rule, '2026.11.2', kind = 'queue', '{}'::jsonb
FROM leads WHERE id BETWEEN :low AND :high
"""


def previous_scrape(db: Database, now) -> int:
    """What /metrics computed on every scrape before issue 14 (the figures only, no text)."""
    rollups.refresh(db, now, WINDOW, DEFAULT_SLA)
    with db.read() as session:
        routed: Counter[tuple[str, str]] = Counter()
        window = load_window(session, now - timedelta(days=30), now, now, DEFAULT_SLA)
        for group in window.groups:
            if group.kind is not None:
                routed[group.rule or "", group.kind] += group.leads
        latency = [
            s
            for (s,) in session.execute(
                select(queries.seconds_between(DecisionRow.at, LeadRow.received_at, session))
                .join(LeadRow, LeadRow.id == DecisionRow.lead_id)
                .where(DecisionRow.cause == "new", DecisionRow.at >= now - timedelta(hours=1))
            )
        ]
        buckets = [sum(1 for v in latency if v <= b) for b in counters.LATENCY_BUCKETS]
        sizes = session.execute(
            select(QueueRow.id, func.count(LeadRow.id))
            .outerjoin(LeadRow, (LeadRow.queue == QueueRow.id) & (LeadRow.kind == "queue"))
            .group_by(QueueRow.id)
        ).all()
        sla = load_window(session, now - timedelta(days=1), now, now, DEFAULT_SLA).sla()[ALL]
        backlog = session.execute(
            select(OutboxRow.channel, func.count())
            .where(OutboxRow.state == PENDING)
            .group_by(OutboxRow.channel)
        ).all()
    return len(routed) + len(buckets) + len(sizes) + sla.breached + len(backlog)


class Clock:
    def __init__(self, at) -> None:
        self.at = at

    def now(self):
        return self.at


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--per-scrape", type=int, default=300, help="new leads between scrapes")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    with bench_dashboard.fresh_database(args.keep) as db:
        start = time.perf_counter()
        bench_dashboard.seed(db, args.leads)
        with db.session() as session:
            token = keys.create(
                session=session,
                key_in=KeyCreate(name="prometheus", scopes=[Scope.METRICS_READ]),
                actor="bench",
                now=NOW,
            ).token
        print(f"seeded {args.leads:,} leads and decisions in {time.perf_counter() - start:.1f} s")
        print("load average: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))

        previous_scrape(db, NOW)  # the first one computes every rollup day: not what we time
        median, worst = timed(min(args.repeat, 10), lambda: previous_scrape(db, NOW))
        print(f"{'reference: previous scrape':<38} {median:>9.1f} ms median {worst:>9.1f} worst")

        start, folds = time.perf_counter(), 0
        while counters.advance(db, NOW).folded:
            folds += 1
        took = time.perf_counter() - start
        print(
            f"catch-up of the seeded history: {folds} folds of ≤{counters.CATCH_UP:,} decisions,"
            f" {took:.2f} s in all ({took / max(folds, 1) * 1000:.0f} ms per scrape while it lasts)"
        )

        def trivial() -> None:
            with db.read() as session:
                session.execute(text("SELECT 1"))

        median, worst = timed(args.repeat, trivial)
        label = "floor: a read transaction of SELECT 1"
        print(f"{label:<38} {median:>9.1f} ms median {worst:>9.1f} worst")
        median, worst = timed(args.repeat, lambda: render_metrics(db, NOW))
        label = "scrape in process, nothing new"
        print(f"{label:<38} {median:>9.1f} ms median {worst:>9.1f} worst")

        clock = Clock(NOW)
        client = TestClient(dashboard_app(Settings(db=db.url), db, clock))
        client.headers["Authorization"] = f"Bearer {token}"
        assert client.get("/metrics").status_code == 200
        median, worst = timed(args.repeat, lambda: client.get("/metrics"))
        print(f"{'scrape over HTTP, nothing new':<38} {median:>9.1f} ms median {worst:>9.1f} worst")

        times = []
        first = 1
        for _ in range(args.repeat):
            last = first + args.per_scrape - 1
            with db.engine.begin() as connection:
                for statement in NEW_LEADS.split(";"):
                    connection.execute(
                        text(statement),
                        {
                            "at": clock.at,
                            "first": first,
                            "last": last,
                            "low": f"N{first:09d}",
                            "high": f"N{last:09d}",
                        },
                    )
            first = last + 1
            clock.at += INTERVAL
            started = time.perf_counter()
            response = client.get("/metrics")
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        label = f"over HTTP, {args.per_scrape} new leads since the last"
        print(f"{label:<38} {statistics.median(times):>9.1f} ms median {max(times):>9.1f} worst")
        count = next(
            line
            for line in response.text.splitlines()
            if line.startswith(f"{counters.LATENCY}_count")
        )
        print(f"last scrape: {count} (seeded {args.leads:,} + {first - 1:,} new)")
        print("load average: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
