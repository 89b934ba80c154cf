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
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
