"""The /metrics counters: folded from the rows added since the last scrape, never twice, equal to a
recount of everything; and /metrics itself, for a metrics:read key only (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select, update

from leadrouter.app import create_app
from leadrouter.dashboard.demo import FALLBACK_QUEUE, store_routed, store_team
from leadrouter.dashboard.metrics import render_metrics
from leadrouter.keys import service as keys
from leadrouter.keys.schemas import KeyCreate, Scope
from leadrouter.leads import record
from leadrouter.leads.models import RECEIVED, DecisionRow, LeadRow
from leadrouter.leads.routing import StoredLead
from leadrouter.matching import DedupeKeys
from leadrouter.model import Decision, Kind, Trace
from leadrouter.pools.models import PoolRow
from leadrouter.reports import counters
from leadrouter.reports.counters import BREACHES, LATENCY, ROUTED, SETTLE
from leadrouter.reports.fairness import pool_fairness
from leadrouter.reports.queries import pool_weights
from leadrouter.settings import Settings
from leadrouter.sla.models import SlaEventRow
from leadrouter.store import Database

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


def route(db: Database, first: int, latencies: list[float], *, at: datetime = NOW) -> None:
    """Leads L<first>.. decided at `at`, `latency` seconds after arriving; the even ones to rep
    ana by rule "smb", the odd ones to the fallback queue."""
    leads, rows = [], []
    for i, latency in enumerate(latencies, start=first):
        decided = at
        to_rep = i % 2 == 0
        decision = Decision(
            kind=Kind.REP if to_rep else Kind.QUEUE,
            owner="ana" if to_rep else None,
            queue=None if to_rep else FALLBACK_QUEUE,
            rule="smb" if to_rep else "catch-all",
            policy_version="2026.11.2",
            at=decided,
            trace=Trace(),
        )
        received = decided - timedelta(seconds=latency)
        leads.append(StoredLead(f"L{i}", {"email": f"b{i}@x.com"}, received, RECEIVED))
        keys = DedupeKeys(f"b{i}@x.com", None, None)
        rows.append(record.lead_row(decided, "new", f"L{i}", keys, decision, None))
    with db.session() as session:
        store_routed(session, leads, rows)


@pytest.fixture
def team(db: Database) -> Database:
    with db.session() as session:
        store_team(session, NOW)
    return db


def samples(db: Database) -> dict[tuple[str, str], float]:
    with db.read() as session:
        return counters.read(session, NOW)


def test_advance__counts_routed_leads_and_their_latency_in_buckets(team: Database) -> None:
    route(team, 0, [0.003, 0.2, 3.0, 30.0], at=NOW - SETTLE)
    assert counters.advance(team, NOW).folded
    got = samples(team)
    assert got[ROUTED, 'rule="smb",kind="rep"'] == 2
    assert got[ROUTED, 'rule="catch-all",kind="queue"'] == 2
    assert got[f"{LATENCY}_bucket", 'le="0.005"'] == 1
    assert got[f"{LATENCY}_bucket", 'le="0.25"'] == 2
    assert got[f"{LATENCY}_bucket", 'le="5.0"'] == 3
    assert got[f"{LATENCY}_bucket", 'le="+Inf"'] == got[f"{LATENCY}_count", ""] == 4
    assert got[f"{LATENCY}_sum", ""] == pytest.approx(33.203, abs=0.01)


def test_advance__folds_only_what_is_new_and_writes_nothing_when_nothing_is(
    team: Database,
) -> None:
    route(team, 0, [1.0, 1.0], at=NOW - SETTLE)
    assert counters.advance(team, NOW).folded
    assert not counters.advance(team, NOW).folded  # nothing new: nothing written or doubled
    route(team, 2, [1.0, 1.0, 1.0], at=NOW)
    later = NOW + SETTLE
    assert counters.advance(team, later).folded
    assert samples(team)[f"{LATENCY}_count", ""] == 5


def test_advance__waits_until_a_decision_settles(team: Database) -> None:
    route(team, 0, [1.0], at=NOW)
    assert not counters.advance(team, NOW + SETTLE / 2).folded
    assert samples(team)[f"{LATENCY}_count", ""] == 0
    assert counters.advance(team, NOW + SETTLE).folded
    assert samples(team)[f"{LATENCY}_count", ""] == 1


def test_advance__counts_first_decisions_only(team: Database) -> None:
    route(team, 0, [1.0, 1.0], at=NOW - SETTLE)
    with team.session() as session:
        session.execute(
            update(DecisionRow).where(DecisionRow.lead_id == "L1").values(cause="reroute")
        )
    counters.advance(team, NOW)
    assert samples(team)[f"{LATENCY}_count", ""] == 1


def test_advance__catches_up_a_large_backlog_over_several_calls(team: Database) -> None:
    route(team, 0, [0.1] * 7, at=NOW - SETTLE)
    calls = 0
    while counters.advance(team, NOW, catch_up=3).folded:
        calls += 1
    assert calls == 3 and samples(team)[f"{LATENCY}_count", ""] == 7


def test_advance__counts_sla_breaches(team: Database) -> None:
    with team.session() as session:
        for i, reason in enumerate(["SLA_STARTED", "SLA_BREACHED", "SLA_BREACHED"]):
            session.add(
                SlaEventRow(lead_id=f"L{i}", at=NOW - SETTLE, reason=reason, message="", data={})
            )
    counters.advance(team, NOW)
    assert samples(team)[BREACHES, ""] == 2


def test_advance__concurrent_scrapes_never_count_a_row_twice(team: Database) -> None:
    route(team, 0, [0.5] * 40, at=NOW - SETTLE)
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def scrape() -> None:
        start.wait()
        try:
            for _ in range(5):
                counters.advance(team, NOW, catch_up=7)
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=scrape) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    while counters.advance(team, NOW, catch_up=7).folded:
        pass
    assert errors == []
    with team.read() as session:
        stored = session.scalar(select(func.count()).select_from(DecisionRow))
    assert samples(team)[f"{LATENCY}_count", ""] == stored == 40


def test_metrics__needs_a_key_with_metrics_read(team: Database) -> None:
    route(team, 0, [0.2, 0.2, 0.2], at=NOW - SETTLE)
    with team.session() as session:
        tokens = {
            scope: keys.create(
                session=session,
                key_in=KeyCreate(name=scope.value, scopes=[scope]),
                actor="test",
                now=NOW,
            ).token
            for scope in (Scope.LEADS_READ, Scope.METRICS_READ, Scope.ADMIN)
        }
    app = create_app(Settings(db=team.url), database=team, clock=Clock(NOW))
    with TestClient(app) as client:
        assert client.get("/metrics").status_code == 401
        bearer = {"Authorization": f"Bearer {tokens[Scope.LEADS_READ]}"}
        assert client.get("/metrics", headers=bearer).status_code == 403
        for scope in (Scope.METRICS_READ, Scope.ADMIN):
            bearer = {"Authorization": f"Bearer {tokens[scope]}"}
            response = client.get("/metrics", headers=bearer)
            assert response.status_code == 200
            assert f"{LATENCY}_count 3" in response.text
            assert f'{ROUTED}{{rule="smb",kind="rep"}} 2' in response.text
            assert f'leadrouter_queue_leads{{queue="{FALLBACK_QUEUE}"}} 1' in response.text


def test_render_metrics__nothing_new_is_one_select_and_fairness_follows_a_weight_edit(
    team: Database,
) -> None:
    route(team, 0, [1.0, 1.0, 1.0, 1.0], at=NOW - SETTLE)
    with team.session() as session:
        session.execute(update(LeadRow).values(pool="inbound"))
    render_metrics(team, NOW)  # folds the four decisions
    selects: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    event.listen(team.engine, "before_cursor_execute", seen)
    try:
        body = render_metrics(team, NOW)
    finally:
        event.remove(team.engine, "before_cursor_execute", seen)
    assert len(selects) == 1  # counters, marks, gauges and pool weights in one statement

    def deviation(text: str) -> float:
        found = re.search(
            r'^leadrouter_pool_fairness_max_deviation\{pool="inbound"\} (\S+)$', text, re.M
        )
        assert found
        return float(found[1])

    with team.read() as session:
        weights = pool_weights(session)["inbound"]
    assert deviation(body) == round(pool_fairness("inbound", weights, {"ana": 2}).max_deviation, 4)
    with team.session() as session:
        pool = session.get(PoolRow, "inbound")
        pool.weights = {rep: 1 for rep in pool.members} | {"ana": 5}
        weights = {rep: int(pool.weights.get(rep, 1)) for rep in pool.members}
    edited = render_metrics(team, NOW)
    assert deviation(edited) == round(
        pool_fairness("inbound", weights, {"ana": 2}).max_deviation, 4
    )
    assert deviation(edited) != deviation(body)
