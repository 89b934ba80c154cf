"""Coalescing: requests of one server process that want the same work done at the same time
have it done for all of them in one go, in one worker thread.

The service stores and routes each lead in two transactions, and on a loaded machine those
round trips and commits, and handing each request to a thread, cost more than routing itself.
While one batch is in the database, the requests that arrive wait on the event loop and then go
together as the next one: at low traffic a batch is one request and adds no delay; under load,
one commit serves many. No timer and no background task: a waiting request whose work is not
done yet leads the next batch.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from anyio import to_thread

T = TypeVar("T")
R = TypeVar("R")

_PENDING = object()


class _Job(Generic[T]):
    __slots__ = ("item", "result", "wake")

    def __init__(self, item: T, wake: asyncio.Future[None]) -> None:
        self.item = item
        self.result: object = _PENDING
        self.wake = wake  # set when the job is done or may lead the next batch


class Coalescer(Generic[T, R]):
    """Runs the blocking `work` over batches of up to `max_batch` submitted items.

    `work` returns, for each item in order, its result or the exception to raise to its
    submitter; an exception raised by `work` itself goes to every submitter of the batch.
    Use from one event loop (a server process's).
    """

    def __init__(
        self, work: Callable[[Sequence[T]], Sequence[R | Exception]], *, max_batch: int
    ) -> None:
        self._work = work
        self.max_batch = max_batch
        self._pending: list[_Job[T]] = []
        self._busy = False

    async def submit(self, item: T) -> R:
        """Do `item` (in a batch, perhaps led by another request) and return its result."""
        loop = asyncio.get_running_loop()
        job = _Job(item, loop.create_future())
        self._pending.append(job)
        while job.result is _PENDING:
            if self._busy:
                await job.wake
                job.wake = loop.create_future()
                continue
            self._busy = True
            batch = self._pending[: self.max_batch]
            del self._pending[: self.max_batch]
            try:
                await self._run(batch)
            finally:
                self._busy = False
                if self._pending:  # the oldest waiting request leads the next batch
                    _wake(self._pending[0])
        if isinstance(job.result, Exception):
            raise job.result
        return job.result  # type: ignore[return-value]

    async def _run(self, batch: list[_Job[T]]) -> None:
        items = [job.item for job in batch]
        try:
            # Not abandoned on cancellation (a client hanging up): the batch's leads are
            # stored and routed whatever happens to the request that led it.
            results: Sequence[object] = await to_thread.run_sync(self._work, items)
        except Exception as error:  # the batch failed as a whole: each submitter hears why
            results = [error] * len(batch)
        except BaseException:  # cancelled or interrupted: nobody may wait for it forever
            for job in batch:
                job.result = RuntimeError("the batch was interrupted")
                _wake(job)
            raise
        for job, result in zip(batch, results, strict=True):
            job.result = result
            _wake(job)


def _wake(job: _Job[object]) -> None:
    if not job.wake.done():
        job.wake.set_result(None)
