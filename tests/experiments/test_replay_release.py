"""A recorded close in a replay frees its rep's open slot and nothing else."""

from __future__ import annotations

from datetime import UTC, date, datetime

from leadrouter.experiments.replay import _release
from leadrouter.model import CompanyClaim, RepLoad, RoutingState

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC).timestamp()


def test_release__frees_one_slot_and_keeps_period_counts_and_company_claims() -> None:
    load = RepLoad(3, 2, date(2026, 12, 1), 5, date(2026, 11, 30), 9, date(2026, 12, 1), (1.0,))
    claim = CompanyClaim("ana", datetime(2026, 12, 1, 12, tzinfo=UTC))
    state = RoutingState({}, {"ana": load}, {"acme.com": claim})
    closes = [(NOW, 0, "ana")]

    after = _release(state, closes, NOW)

    assert after.load("ana") == RepLoad(
        2, 2, date(2026, 12, 1), 5, date(2026, 11, 30), 9, date(2026, 12, 1), (1.0,)
    )
    assert after.companies == {"acme.com": claim}
    assert closes == []


def test_release__never_goes_below_zero_and_leaves_later_closes() -> None:
    later = datetime(2026, 12, 2, tzinfo=UTC).timestamp()
    closes = [(NOW, 0, "ana"), (later, 1, "bo")]

    after = _release(RoutingState(), closes, NOW)

    assert after.load("ana").open == 0
    assert closes == [(later, 1, "bo")]
