"""What a function gives for immutable values, remembered by the values' identity.

The engine hands out the same trace objects lead after lead (a policy remembers its rule checks
and scores), so their JSON and their sentences are made once. Identity is a cheap key (hashing a
rule check would run Python code) and a safe one: each entry keeps its value alive, so no other
object can take its id while it is remembered. The memo is cleared whole when full.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

V = TypeVar("V")
R = TypeVar("R")


class IdentityMemo(Generic[V, R]):
    __slots__ = ("_kept", "_made", "_make", "_size")

    def __init__(self, make: Callable[[V], R], size: int) -> None:
        self._make = make
        self._size = size
        self._made: dict[int, R] = {}
        self._kept: dict[int, V] = {}

    def of(self, value: V) -> R:
        made = self._made.get(id(value))
        return made if made is not None else self._add(value)

    def _add(self, value: V) -> R:
        if len(self._made) >= self._size:
            self._made.clear()
            self._kept.clear()
        made = self._made[id(value)] = self._make(value)
        self._kept[id(value)] = value
        return made
