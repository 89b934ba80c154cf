"""`quick_init` builds the very values the dataclass's own `__init__` builds."""

from __future__ import annotations

from dataclasses import astuple, dataclass, field, fields
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadrouter.model import Decision, RepLoad
from leadrouter.model.frozen import quick_init


@dataclass(frozen=True, slots=True)
class _Base:
    name: str
    size: int = 3


@dataclass(frozen=True, slots=True)
class _Plain(_Base):
    tags: tuple[str, ...] = ()
    extra: dict[str, int] = field(default_factory=dict, compare=False)
    note: str | None = None


@quick_init
@dataclass(frozen=True, slots=True)
class _Quick(_Base):
    tags: tuple[str, ...] = ()
    extra: dict[str, int] = field(default_factory=dict, compare=False)
    note: str | None = None


_VALUES = st.fixed_dictionaries(
    {"name": st.text(max_size=5)},
    optional={
        "size": st.integers(),
        "tags": st.lists(st.text(max_size=3), max_size=3).map(tuple),
        "extra": st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
        "note": st.none() | st.text(max_size=5),
    },
)


@given(_VALUES, st.booleans())
def test_quick_init__builds_what_the_dataclass_builds(
    values: dict[str, Any], positional: bool
) -> None:
    if positional:  # the same values by position, as far as they are given in field order
        names = [f.name for f in fields(_Plain)]
        given_names = names[: next((i for i, n in enumerate(names) if n not in values), len(names))]
        args = [values[n] for n in given_names]
        plain, quick = _Plain(*args), _Quick(*args)
    else:
        plain, quick = _Plain(**values), _Quick(**values)
    assert astuple(quick) == astuple(plain)
    assert repr(quick) == repr(plain).replace("_Plain", "_Quick")
    assert hash(quick) == hash(_Quick(*astuple(plain)))
    assert quick == _Quick(*astuple(plain))
    assert quick.extra is not _Quick(values["name"]).extra  # a new default per value


def test_quick_init__keeps_values_frozen_and_signatures_strict() -> None:
    value = _Quick("a")
    with pytest.raises(AttributeError):
        value.name = "b"  # type: ignore[misc]
    with pytest.raises(TypeError):
        _Quick()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        _Quick("a", nope=1)  # type: ignore[call-arg]


def test_quick_init__refuses_what_it_cannot_build_alike() -> None:
    @dataclass(frozen=True)
    class Unslotted:
        name: str

    @dataclass(frozen=True, slots=True)
    class Checked:
        name: str

        def __post_init__(self) -> None:
            pass

    for cls in (Unslotted, Checked):
        with pytest.raises(TypeError):
            quick_init(cls)


def test_quick_init__routing_values_by_keyword_and_by_position_are_equal() -> None:
    load = RepLoad(open=2, today=1, recent=(1.0,))
    assert load == RepLoad(2, 1, None, 0, None, 0, None, (1.0,))
    assert Decision.__init__.__qualname__ == "Decision.__init__"


@quick_init
@dataclass(frozen=True, slots=True)
class _Own:
    name: str
    type: str = "own"  # a field named as a builtin its `__init__` would use
    tags: tuple[str, ...] = ()
    extra: dict[str, int] = field(default_factory=dict, compare=False)


class _Inherits(_Own):  # a subclass that keeps `_Own`'s `__init__`
    __slots__ = ()


def test_quick_init__a_value_keeps_its_class_and_stays_frozen() -> None:
    own, inherits = _Own("a", "t", ("x",)), _Inherits("a", "t", ("x",))

    assert type(own) is _Own and type(inherits) is _Inherits
    assert astuple(own) == astuple(inherits) == ("a", "t", ("x",), {})
    for value in (own, inherits):
        with pytest.raises(AttributeError):
            value.name = "b"  # type: ignore[misc]
        with pytest.raises(AttributeError):
            del value.name  # type: ignore[misc]
