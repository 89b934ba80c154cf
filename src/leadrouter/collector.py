"""Python's cycle collector paused around work that builds many long-lived objects in no cycle."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collection_paused() -> Iterator[None]:
    """Pause Python's cycle collector for the block, as for a bulk load.

    A replay, an account index build or a policy compile allocates hundreds of thousands to
    millions of objects that live on and form no cycles; each full collection walks them, and
    everything else the process holds, again and again to find nothing (a third of a
    100,000-lead backtest, a fifth of a large account book's build). Reference counting still
    frees everything as usual. The collector is restored after, and left alone if it was off.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@contextmanager
def loaded_frozen() -> Iterator[None]:
    """Keep what is alive now out of the cycle collector's reach for the block (`gc.freeze`).

    What a long run loaded first (a workspace, a policy, an account index) lives as long as the
    run: the collector's full passes need not walk it again and again, and a child forked in
    the block need not touch, and so copy, its pages. Unfrozen after, so a process that goes on
    (a test runner calling the command) collects all of it as before.

    What the run builds and keeps (its memos, the leads it has routed, for later ones to match)
    grows with every lead, and each full collection walked all of it again: a tenth of the
    routing process's CPU over 100,000 new leads. So what survives a full collection is frozen
    too, and the next walks only what came since.
    """
    gc.freeze()
    gc.callbacks.append(freeze_survivors)
    try:
        yield
    finally:
        gc.callbacks.remove(freeze_survivors)
        gc.unfreeze()


def freeze_survivors(phase: str, info: dict[str, int]) -> None:
    """A `gc.callbacks` hook freezing what is tracked after each full collection."""
    # Right after a full collection every object still tracked is reachable: nothing frozen
    # here is garbage, and what dies later is freed by its reference count as before.
    if phase == "stop" and info["generation"] == 2:
        gc.freeze()
