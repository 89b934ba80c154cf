"""Calibration: a newcomer or a rep back from an absence starts at the others' average, in every
strategy, visibly in the trace and in the pool's fair-share counts."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from types import MappingProxyType

import pytest
from distribute_factories import assign, pool, rep, state, team

from leadrouter.distribute import pick_rep
from leadrouter.model import Absence, Reason, RoutingState, Strategy, Team
from leadrouter.policy.distribution import Distribution, PoolRules

NOW = datetime(2026, 1, 5, 15, tzinfo=UTC)
QUARTET = team(rep("ana"), rep("bob"), rep("cat"), rep("dan"))


def _route(
    the_pool, the_team: Team, routing: RoutingState, n: int, **kw
) -> tuple[RoutingState, Counter, list]:
    got: Counter[str] = Counter()
    notes = []
    for _ in range(n):
        pick = pick_rep(the_pool, the_team, routing, NOW, **kw)
        assert pick.rep is not None
        got[pick.rep] += 1
        notes.extend(pick.notes)
        routing = assign(routing, the_team, pick, NOW)
    return routing, got, notes


@pytest.mark.parametrize("strategy", list(Strategy))
def test_calibration__a_newcomer_does_not_get_every_lead_at_once(strategy: Strategy) -> None:
    routing, _, _ = _route(pool("ana", "bob", "cat", strategy=strategy), QUARTET, state(), 90)
    joined = pool("ana", "bob", "cat", "dan", strategy=strategy)
    routing, got, notes = _route(joined, QUARTET, routing, 30)
    assert 7 <= got["dan"] <= 8  # a quarter of the next 30, not all of them
    assert [note.code for note in notes] == [Reason.CALIBRATED]
    assert "dan joins pool Pool at 30 leads" in notes[0].message
    fairness = routing.pool("p").fairness
    assert fairness.baseline["dan"] == 30
    assert fairness.share("dan") == 30 + got["dan"]


def test_calibration__load_balanced_without_calibration_floods_the_newcomer() -> None:
    routing, _, _ = _route(
        pool("ana", "bob", "cat", strategy=Strategy.LOAD_BALANCED), QUARTET, state(), 90
    )
    joined = pool("ana", "bob", "cat", "dan", strategy=Strategy.LOAD_BALANCED)
    off = Distribution(pools=MappingProxyType({"p": PoolRules(calibrate=False)}))
    _, got, notes = _route(joined, QUARTET, routing, 30, distribution=off)
    assert got["dan"] == 30 and not notes


def test_calibration__a_rep_back_from_an_absence_starts_at_the_others_average() -> None:
    away = Absence(NOW, NOW + timedelta(days=1))
    the_pool = pool("ana", "bob", "cat", strategy=Strategy.LOAD_BALANCED)
    absent = team(rep("ana"), rep("bob"), rep("cat", out_of_office=(away,)))
    routing, _, _ = _route(the_pool, QUARTET, state(), 30)
    routing, got, _ = _route(the_pool, absent, routing, 40)
    assert got["cat"] == 0
    assert "cat" in routing.pool("p").fairness.away
    routing, got, notes = _route(the_pool, QUARTET, routing, 30)
    assert 9 <= got["cat"] <= 11
    assert "cat is back from an absence" in notes[0].message
    assert routing.pool("p").fairness.share("cat") == 30 + got["cat"]


def test_calibration__load_balanced_credit_falls_as_the_others_leads_close() -> None:
    routing, _, _ = _route(
        pool("ana", "bob", strategy=Strategy.LOAD_BALANCED), QUARTET, state(), 20
    )
    joined = pool("ana", "bob", "cat", strategy=Strategy.LOAD_BALANCED)
    routing, got, _ = _route(joined, QUARTET, routing, 1)
    assert routing.pool("p").fairness.credit["cat"][0] == 10
    # Every lead of ana and bob closes: cat's credit goes with them.
    closed = RoutingState(routing.pools, MappingProxyType({"cat": routing.load("cat")}))
    _, got, _ = _route(joined, QUARTET, closed, 6)
    assert got["cat"] <= 2
