"""The intake pipeline of one server process: the requests that reach it at the same moment are
stored, routed and written to disk together, as one batch in one worker thread.

While a batch is in the database the requests that arrive wait on the event loop, then go as
the next batch: at low traffic a batch is one request; under load, one round of statements and
one wait for the disk serve many. One stage rather than one per step: the commits are lazy
(`store/database.py`), so no step waits long on its own, and every hand-over to a thread costs
more than the overlap of steps would save. Each lead is routed as it would be alone, and fails
alone: whatever stops one lead goes to its own request only (`leads/intake.py`).
"""

from __future__ import annotations

from datetime import datetime

from leadrouter.coalesce import Coalescer
from leadrouter.leads import intake
from leadrouter.policies.snapshot import ConfigCache
from leadrouter.store import Database


class IntakePipeline:
    def __init__(self, db: Database, cache: ConfigCache, *, max_batch: int) -> None:
        self._db, self._cache = db, cache
        self._intake: Coalescer[intake.Intake, intake.Taken] = Coalescer(
            lambda batch: intake.store_and_route(db=db, cache=cache, intakes=batch),
            max_batch=max_batch,
        )

    async def submit(self, request: intake.Intake) -> tuple[intake.Answer, bool]:
        """Store and route the lead; (its current decision, or `Held` while no policy is active;
        newly created). Raises Conflict when its idempotency key or external id came with
        another payload, and what stopped this lead alone from being stored or routed."""
        taken = await self._intake.submit(request)
        if isinstance(taken, Exception):
            raise taken
        return taken

    def sweep(self, *, received_by: datetime, now: datetime) -> int:
        """Route the leads still `received` that arrived by `received_by` (those held while no
        policy was active); how many were routed."""
        return intake.sweep(db=self._db, cache=self._cache, received_by=received_by, now=now)
