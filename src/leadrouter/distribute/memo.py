"""Memo tables keyed by object identity, for compiled views of frozen core values.

A team's reps, shifts and pools are immutable values that live for as long as the team is loaded,
but hashing them (tuples of dataclasses, mappings) costs more per lead than the compilation saves.
Keying by identity is safe because each entry keeps its keys alive, so their ids cannot be reused
by other objects while cached. Never use it for values that may be mutated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

V = TypeVar("V")


class IdentityMemo(Generic[V]):
    """`build(*keys)` remembered per identity of the keys; cleared whole when `size` is reached
    (teams are reloaded as a whole, so there is no point evicting entries one by one)."""

    __slots__ = ("_build", "_entries", "_size")

    def __init__(self, build: Callable[..., V], size: int) -> None:
        self._build = build
        self._size = size
        self._entries: dict[tuple[int, ...], tuple[tuple[object, ...], V]] = {}

    def __call__(self, *keys: object) -> V:
        ident = tuple(map(id, keys))
        entry = self._entries.get(ident)
        if entry is None:
            if len(self._entries) >= self._size:
                self._entries.clear()
            entry = self._entries[ident] = (keys, self._build(*keys))
        return entry[1]
