"""collector: what pauses or narrows Python's cycle collector is undone when the block ends."""

from __future__ import annotations

import gc
import weakref

import pytest

from leadrouter.collector import collection_paused, freeze_survivors, loaded_frozen


def test_loaded_frozen__freezes_what_is_alive_for_the_block_only():
    gc.unfreeze()
    loaded = [object() for _ in range(1000)]

    with loaded_frozen():
        assert gc.get_freeze_count() >= len(loaded)

    assert gc.get_freeze_count() == 0  # a process that goes on collects all of it again


def test_loaded_frozen__unfreezes_when_the_block_fails():
    gc.unfreeze()
    with pytest.raises(RuntimeError), loaded_frozen():
        raise RuntimeError("routing failed")

    assert gc.get_freeze_count() == 0


class _Node:
    next: object = None


def test_loaded_frozen__freezes_what_survives_a_full_collection_in_the_block_not_garbage():
    gc.unfreeze()
    with loaded_frozen():
        frozen = gc.get_freeze_count()
        kept = [[] for _ in range(1000)]
        garbage = _Node()
        garbage.next = garbage  # a cycle only the collector frees
        gone = weakref.ref(garbage)
        del garbage

        gc.collect()

        assert gc.get_freeze_count() >= frozen + len(kept)
        assert gone() is None

    assert gc.get_freeze_count() == 0
    assert freeze_survivors not in gc.callbacks


def test_collection_paused__restores_the_collector_and_leaves_it_off_if_it_was():
    with collection_paused():
        assert not gc.isenabled()
    assert gc.isenabled()

    gc.disable()
    try:
        with collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
