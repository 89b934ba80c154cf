"""Dashboard benchmark: render time of every page with 1,000,000 stored leads on PostgreSQL.

Creates a fresh database on the local PostgreSQL server, migrates it, writes the demo team and
policy history, then seeds N leads (a year of arrivals, each with its decision; ~3% fell to the
fallback queue, and those of the last two days still wait there: older ones were assigned by
hand, as a watched queue is) with one `generate_series` INSERT per table. Then times the first
rollup refresh (what the first page view of the day pays) and the /metrics counters' catch-up
over the seeded history (what the first scrapes after an upgrade pay), renders each page in
process through the real app (query + template) `--repeat` times, and prints the median and
worst time per page and for `leadrouter report`, with the load average (the machine may be shared).
Prints figures; asserts nothing. The database is dropped at the end unless --keep.

Usage: python bench/dashboard.py [--leads 1000000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

import leadrouter.api  # noqa: F401  (first: the app and the dashboard router import each other)
from leadrouter.dashboard.demo import store_team
from leadrouter.dashboard.views import WINDOW
from leadrouter.keys import service as keys
from leadrouter.keys.schemas import KeyCreate, Scope
from leadrouter.migrations import upgrade
from leadrouter.reports import counters, rollups
from leadrouter.reports.summary import DEFAULT_SLA, build_report
from leadrouter.settings import Settings
from leadrouter.store import Database

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))
from dashboard.conftest import sign_in
from dashboard.server import dashboard_app

ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
PAGES = (
    "/",
    "/queue",
    "/queue?list=review",
    "/queue?list=at-risk",
    "/queue?list=breached",
    "/reps",
    "/reps/bob",
    "/team",
    "/rules",
    "/leads",
    "/leads?q=buyer4242",
    "/leads?q=acme",
    "/leads?period=30d&sla=breached",
    "/leads?period=7d&rep=bob&sort=rule",
    "/leads/L0000042",
    "/policy",
    "/policy/flow",
    "/policy/flow?period=90d",
    "/metrics",
)

SEED_LEADS = """
INSERT INTO leads (id, raw, received_at, status, kind, owner, queue, pool, rule, decision_id,
                   account_id, email_key, outcome, first_touch_at)
SELECT 'L' || lpad(g::text, 7, '0'),
       jsonb_build_object('email', 'buyer' || g || '@' || seg || '-corp.example',
                          'company', initcap(seg) || ' Corp ' || (g % 5000),
                          'source', (ARRAY['website','webinar','partner','event'])[1 + g % 4]),
       received, 'routed',
       CASE WHEN waiting THEN 'queue' ELSE 'rep' END,
       CASE WHEN waiting THEN NULL ELSE (ARRAY['ana','ana','bob','lea','sam'])[1 + g % 5] END,
       CASE WHEN waiting THEN 'unrouted' END,
       CASE WHEN fallback THEN NULL ELSE 'inbound' END,
       CASE WHEN fallback THEN 'catch-all'
            ELSE (ARRAY['existing-customer','enterprise','smb'])[1 + g % 3] END,
       g, 'acct-' || (g % 3), 'buyer' || g || '@' || seg || '-corp.example',
       CASE WHEN received < :now - interval '3 days'
            THEN (ARRAY[NULL,NULL,'qualified','disqualified','won','lost'])[1 + g % 6] END,
       CASE WHEN NOT waiting AND g % 10 <> 0
            THEN received + make_interval(secs => 30 + (g::bigint * 7919) % 3600) END
FROM (
  SELECT g,
         :now - make_interval(secs => ((g::bigint * 2654435761) % 31536000)::float8) AS received,
         g % 33 = 0 AS fallback,
         (ARRAY['enterprise','mid-market','smb'])[1 + g % 3] AS seg
  FROM generate_series(1, :n) AS g
) AS s, LATERAL (SELECT fallback AND received >= :now - interval '2 days' AS waiting) AS w
ORDER BY received  -- as arrivals are stored: a day's leads share pages, as in production
"""

SEED_DECISIONS = """
INSERT INTO decisions (id, lead_id, at, cause, kind, owner, queue, rule, policy_version,
                       fallback, body)
SELECT decision_id, id, received_at, 'new', kind, owner, queue, rule, '2026.11.2',
       kind = 'queue',
       jsonb_build_object(
         'kind', kind, 'owner', owner, 'queue', queue, 'pool', pool, 'rule', rule,
         'policy_version', '2026.11.2', 'at', to_char(received_at AT TIME ZONE 'UTC',
                                                      'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'),
         'fallback', kind = 'queue',
         'trace', jsonb_build_object('warnings', '[]'::jsonb, 'match', NULL, 'score', NULL,
                                     'rules', jsonb_build_array(jsonb_build_object(
                                        'rule', rule, 'matched', true, 'clause', NULL,
                                        'missing', '[]'::jsonb, 'values', '{}'::jsonb)),
                                     'reps', '[]'::jsonb, 'notes', '[]'::jsonb),
         'effects', jsonb_build_object('pools', '{}'::jsonb, 'assigned_rep', owner, 'day', NULL))
FROM leads
"""


def seed(db: Database, leads: int) -> str:
    """The demo team, N leads and their decisions; returns a key for every page and /metrics."""
    with db.session() as session:
        store_team(session, NOW)
        token = keys.create(
            session=session,
            key_in=KeyCreate(
                name="bench", scopes=[Scope.LEADS_READ, Scope.CONFIG_READ, Scope.METRICS_READ]
            ),
            actor="bench",
            now=NOW,
        ).token
    with db.engine.begin() as connection:
        connection.execute(text(SEED_LEADS), {"now": NOW, "n": leads})
        connection.execute(text(SEED_DECISIONS))
        connection.execute(
            text("SELECT setval('decisions_id_seq', (SELECT max(id) FROM decisions))")
        )
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE leads"))
        connection.execute(text("VACUUM ANALYZE decisions"))
    return token


@contextmanager
def fresh_database(keep: bool = False) -> Iterator[Database]:
    """A new, migrated database on the local PostgreSQL server; dropped at the end unless
    `keep`."""
    name = f"leadrouter_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database(ADMIN.rsplit("/", 1)[0] + f"/{name}")
    try:
        upgrade(db.engine)
        yield db
    finally:
        db.dispose()
        if keep:
            print(f"kept database {name}")
        else:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def timed(repeat: int, work) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


class FixedClock:
    def now(self) -> datetime:
        return NOW


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    with fresh_database(args.keep) as db:
        start = time.perf_counter()
        token = seed(db, args.leads)
        print(f"seeded {args.leads:,} leads and decisions in {time.perf_counter() - start:.1f} s")
        start = time.perf_counter()
        days = rollups.refresh(db, NOW, WINDOW, DEFAULT_SLA)
        print(f"first rollup refresh: {days} days in {time.perf_counter() - start:.2f} s")
        start = time.perf_counter()
        days = rollups.refresh(db, NOW, timedelta(days=90), DEFAULT_SLA)
        took = time.perf_counter() - start
        print(f"first 90-day view of /policy/flow rolls up {days} more days: {took:.2f} s")
        # The /metrics counters fold the seeded history once, CATCH_UP decisions per scrape (what
        # the first scrapes after an upgrade pay); timed apart, so the page row below is a scrape
        # of a running service (nothing new since the previous one).
        start, folds = time.perf_counter(), 0
        while counters.advance(db, NOW).folded:
            folds += 1
        took = time.perf_counter() - start
        each = took / max(folds, 1)
        print(f"/metrics counters catch-up: {folds} folds in {took:.2f} s ({each:.2f} s each)")
        print("load average: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
        client = TestClient(dashboard_app(Settings(db=db.url), db, FixedClock()))
        sign_in(client, token)  # a dashboard session for the pages
        client.headers["Authorization"] = f"Bearer {token}"  # the key itself for /metrics
        print(f"{'page':<36} {'median ms':>10} {'worst ms':>10}")
        for page in PAGES:
            assert client.get(page).status_code == 200, page  # warm caches and check
            median, worst = timed(args.repeat, lambda page=page: client.get(page))
            print(f"{page:<36} {median:>10.1f} {worst:>10.1f}")

        def report() -> None:
            rollups.refresh(db, NOW, timedelta(days=30), DEFAULT_SLA)
            with db.read() as session:
                build_report(session, NOW, timedelta(days=30))

        median, worst = timed(args.repeat, report)
        print(f"{'leadrouter report 30d':<36} {median:>10.1f} {worst:>10.1f}")
        print("load average: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
