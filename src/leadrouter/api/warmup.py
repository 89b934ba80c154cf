"""Readying a `serve` worker process before its first request: the configuration is compiled
up front, and what the process will keep for its lifetime is taken out of the cyclic garbage
collector's sight.

A worker holds a large long-lived heap: the account index, the compiled policy, the bounded
caches of normalization and matching. CPython's full collections walk all of it, and on this
heap each one stalls the event loop and every request in flight for 50-100 ms, which is the
service's p99. Objects alive after warm-up live as long as the process, so they are frozen;
when a new configuration replaces the old, one full collection frees the old and the rest is
frozen again. The caches keep growing after warm-up, and full collections of what they add
came every few hundred leads, finding nothing to free and taking longer each time (10 -> 70 ms
over 12,000 leads); so what survives a full collection is frozen too, and the next one walks only
what came since. Only for the serving process: a test process creating apps must keep
collecting.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI

from leadrouter.api.context import Services
from leadrouter.collector import freeze_survivors


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[None]:
    """Lifespan of a worker: compile the configuration (its cache settles the heap after)."""
    services: Services = app.state.services

    def compile_config() -> None:
        with services.db.read() as session:
            services.cache.get(session)

    await to_thread.run_sync(compile_config)
    gc.callbacks.append(freeze_survivors)
    try:
        yield
    finally:
        gc.callbacks.remove(freeze_survivors)


def settle() -> None:
    """Freeze what is alive now, after one full collection (of the previous configuration too,
    once a new one replaced it): a pause once per configuration instead of one every few
    thousand requests."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
