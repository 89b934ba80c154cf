"""The backtest's off-hours check says what `unavailable` (capacity relaxed) says, member by
member: inactive, out of office and outside working hours count; being busy does not."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from leadrouter.distribute import unavailable
from leadrouter.experiments.backtest import _nobody_working, _workers
from leadrouter.model import Absence, RepLoad, Team
from leadrouter.workspace import load_workspace

ACME = Path(__file__).resolve().parents[2] / "examples" / "acme"
TEAM = load_workspace(ACME).team
START = datetime(2026, 12, 1, tzinfo=UTC)


def _reference(team: Team, pool_id: str, at: datetime) -> bool:
    reps = team.reps
    return all(
        member not in reps or unavailable(reps[member], RepLoad(), at, capacity=False) is not None
        for member in team.pools[pool_id].members
    )


@settings(max_examples=80, deadline=None)
@given(
    minutes=st.integers(0, 60 * 24 * 14),
    away=st.sampled_from(sorted(TEAM.reps)),
    inactive=st.sampled_from(sorted(TEAM.reps)),
    capped=st.sampled_from(sorted(TEAM.reps)),
)
def test_nobody_working__equals_unavailable_for_every_pool(minutes, away, inactive, capped):
    at = START + timedelta(minutes=minutes)
    reps = dict(TEAM.reps)
    absence = Absence(at - timedelta(hours=1), at + timedelta(hours=1))
    reps[away] = replace(reps[away], out_of_office=(absence,))
    reps[inactive] = replace(reps[inactive], active=False)
    reps[capped] = replace(reps[capped], max_per_day=0)
    team = replace(TEAM, reps=reps)
    for pool_id in team.pools:
        found = _nobody_working(_workers(team, pool_id), at)
        assert found == _reference(team, pool_id, at), (pool_id, at)
