"""Values of the routing state that are built by hand for speed."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import get_type_hints

from hypothesis import given
from hypothesis import strategies as st

from leadrouter.model import RepLoad

# Every field drawn, none left to its default: a field added to RepLoad that `closed_one` (which
# builds the value positionally) did not pass on would come back at its default and differ.
_HINTS = get_type_hints(RepLoad)
_LOADS = st.builds(RepLoad, **{f.name: st.from_type(_HINTS[f.name]) for f in fields(RepLoad)})


@given(_LOADS)
def test_rep_load_closed_one__changes_open_alone_like_replace(load: RepLoad) -> None:
    assert load.closed_one() == replace(load, open=max(load.open - 1, 0))


def test_rep_load_closed_one__never_below_zero() -> None:
    assert RepLoad(0, 4).closed_one() == RepLoad(0, 4)
