"""The account hierarchy: which parent links form cycles, and each account's ultimate parent.

Both the accounts-file loader (which reports cycles with row numbers) and the account index (which
must stay safe for accounts that come from elsewhere) use these. Links to unknown accounts and
links inside a cycle are treated as absent. Pure functions over id mappings; this module must
never read files or know about leads.
"""

from __future__ import annotations

from collections.abc import Mapping


def cyclic_ids(parents: Mapping[str, str | None]) -> set[str]:
    """Ids of the accounts on a parent cycle (an account that is its own parent included)."""
    # Walk each chain once; state 1 = on the current path, 2 = finished. Linear in the accounts.
    state: dict[str, int] = {}
    cyclic: set[str] = set()
    for start in parents:
        path: list[str] = []
        node: str | None = start
        while node is not None and node in parents and node not in state:
            state[node] = 1
            path.append(node)
            node = parents[node]
        if node is not None and state.get(node) == 1:
            cyclic.update(path[path.index(node) :])
        for seen in path:
            state[seen] = 2
    return cyclic


def ultimate_parents(parents: Mapping[str, str | None]) -> dict[str, str]:
    """The top of each account's parent chain: itself for an account without a (valid) parent."""
    cyclic = cyclic_ids(parents)
    top: dict[str, str] = {}
    for start in parents:
        path: list[str] = []
        node = start
        while node not in top:
            parent = parents[node]
            if parent is None or parent not in parents or node in cyclic:
                top[node] = node
                break
            path.append(node)
            node = parent
        for seen in path:
            top[seen] = top[node]
    return top
