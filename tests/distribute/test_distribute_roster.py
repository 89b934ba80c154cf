"""The roster's reading of availability: its shortcut for members free by open leads alone."""

from __future__ import annotations

from datetime import timedelta
from types import MappingProxyType

from distribute_factories import NINE_TO_FIVE, at, pool, rep, team
from hypothesis import given, settings
from hypothesis import strategies as st

from leadrouter.distribute.availability import instant_of
from leadrouter.distribute.roster import Roster, _blocker, seats_of
from leadrouter.model import Absence, RepLoad

NOW = at("2026-11-24T15:00:00")
_AWAY = (Absence(NOW - timedelta(days=1), NOW + timedelta(days=1)),)
_CAPS = st.none() | st.integers(min_value=0, max_value=3)


@st.composite
def _members(draw: st.DrawFn) -> tuple[tuple[object, ...], dict[str, RepLoad], bool]:
    reps = []
    loads = {}
    for i in range(draw(st.integers(min_value=1, max_value=6))):
        rep_id = f"r{i}"
        reps.append(
            rep(
                rep_id,
                active=draw(st.booleans()),
                out_of_office=draw(st.sampled_from([(), _AWAY])),
                working_hours=draw(st.sampled_from([None, NINE_TO_FIVE, ()])),
                max_open=draw(_CAPS),
                max_per_day=draw(_CAPS),
                max_per_week=draw(_CAPS),
                max_per_month=draw(_CAPS),
            )
        )
        if draw(st.booleans()):
            day = NOW.date()
            loads[rep_id] = RepLoad(draw(st.integers(0, 4)), draw(st.integers(0, 4)), day)
    return tuple(reps), loads, draw(st.booleans())


@given(_members(), st.booleans())
@settings(max_examples=500, deadline=None)
def test_blockers__the_open_leads_shortcut_agrees_with_blocker(
    members: tuple[tuple[object, ...], dict[str, RepLoad], bool], stranger: bool
) -> None:
    reps, loads, hours = members
    ids = tuple(r.id for r in reps) + (("nobody",) if stranger else ())  # type: ignore[attr-defined]
    the_pool = pool(*ids, respect_working_hours=hours)
    the_team = team(*reps)  # type: ignore[arg-type]
    seats = seats_of(the_pool, the_team)
    roster = Roster(the_pool, seats, MappingProxyType(loads), instant_of(NOW))

    expected = [_blocker(seat, roster.loads, roster.now) for seat in seats]

    assert roster.blockers() == expected
