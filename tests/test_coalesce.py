"""The coalescer: requests that arrive while a batch runs go together in the next one."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

import pytest

from leadrouter.coalesce import Coalescer


class Recorder:
    """Work that doubles numbers, fails on negative ones, and records its batches; the first
    batch waits until `release` is set, so that others queue up behind it."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.release = threading.Event()

    def __call__(self, items: Sequence[int]) -> list[int | Exception]:
        if not self.batches:
            self.release.wait(5)
        self.batches.append(list(items))
        if 13 in items:
            raise RuntimeError("unlucky batch")
        return [ValueError(f"negative: {n}") if n < 0 else n * 2 for n in items]


async def submit_all(
    coalescer: Coalescer[int, int], work: Recorder, items: Sequence[int]
) -> list[int | Exception]:
    async def one(item: int) -> int | Exception:
        try:
            return await coalescer.submit(item)
        except Exception as error:
            return error

    tasks = [asyncio.create_task(one(item)) for item in items]
    await asyncio.sleep(0.05)  # the first leads a batch; the rest queue behind it
    work.release.set()
    return await asyncio.gather(*tasks)


def test_waiting_requests__go_together_in_the_next_batch() -> None:
    work = Recorder()
    results = asyncio.run(submit_all(Coalescer(work, max_batch=10), work, range(6)))
    assert results == [0, 2, 4, 6, 8, 10]
    assert work.batches == [[0], [1, 2, 3, 4, 5]]


def test_batches__hold_at_most_max_batch_items() -> None:
    work = Recorder()
    results = asyncio.run(submit_all(Coalescer(work, max_batch=2), work, range(6)))
    assert results == [0, 2, 4, 6, 8, 10]
    assert work.batches == [[0], [1, 2], [3, 4], [5]]


def test_an_item_error__goes_to_its_submitter_only() -> None:
    work = Recorder()
    results = asyncio.run(submit_all(Coalescer(work, max_batch=10), work, [1, -1, 2]))
    assert results[0] == 2 and results[2] == 4
    assert isinstance(results[1], ValueError)


def test_a_failed_batch__fails_each_of_its_submitters() -> None:
    work = Recorder()
    results = asyncio.run(submit_all(Coalescer(work, max_batch=10), work, [1, 13, 2, 3]))
    assert results[0] == 2
    assert [str(r) for r in results[1:]] == ["unlucky batch"] * 3


def test_alone__a_request_is_a_batch_of_one() -> None:
    work = Recorder()
    work.release.set()
    coalescer = Coalescer(work, max_batch=10)
    assert asyncio.run(coalescer.submit(21)) == 42
    with pytest.raises(ValueError, match="negative"):
        asyncio.run(coalescer.submit(-1))
    assert work.batches == [[21], [-1]]


def test_an_interrupted_batch__releases_its_submitters_and_the_next_batch_runs() -> None:
    release = threading.Event()

    def work(items: Sequence[int]) -> list[int | Exception]:
        release.wait(5)
        if 7 in items:
            raise asyncio.CancelledError  # as when the loop cancels the batch's leader
        return [n * 2 for n in items]

    coalescer = Coalescer(work, max_batch=10)

    async def outcome(item: int) -> BaseException | int:
        try:
            return await coalescer.submit(item)
        except (Exception, asyncio.CancelledError) as error:
            return error

    async def scenario() -> list[BaseException | int]:
        tasks = [asyncio.create_task(outcome(n)) for n in (1, 7, 8)]
        await asyncio.sleep(0.05)  # 1 runs alone; 7 and 8 wait, then go together
        release.set()
        return [*await asyncio.wait_for(asyncio.gather(*tasks), 5), await outcome(3)]

    first, interrupted, follower, after = asyncio.run(scenario())
    assert (first, after) == (2, 6)
    assert isinstance(interrupted, asyncio.CancelledError)
    assert str(follower) == "the batch was interrupted"
