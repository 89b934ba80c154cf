"""The intake pipeline of one server process: the requests that reach it at the same moment are
stored, routed and written to disk together, as one batch in one worker thread.

While a batch is in the database the requests that arrive wait on the event loop, then go as
the next batch: at low traffic a batch is one request; under load, one round of statements and
one wait for the disk serve many. One stage rather than one per step: the commits are lazy
(`store/database.py`), so no step waits long on its own, and every hand-over to a thread costs
more than the overlap of steps would save. Each lead is routed as it would be alone, and fails
alone: whatever stops one lead goes to its own request only (`leads/intake.py`).

Before it joins a batch, a lead is enriched by the provider crm.yaml names, if any
(`leads/provider.py`): on the request's own time, each request waiting for its own answer at
most the provider's timeout, never holding up a batch. Posted or sent by a CRM, every lead comes
through here.
"""

from __future__ import annotations

from datetime import datetime

from starlette.concurrency import run_in_threadpool

from leadrouter.coalesce import Coalescer
from leadrouter.leads import intake
from leadrouter.leads.provider import Enricher
from leadrouter.policies.snapshot import ConfigCache
from leadrouter.store import Database


class IntakePipeline:
    def __init__(
        self, db: Database, cache: ConfigCache, *, max_batch: int, enricher: Enricher | None = None
    ) -> None:
        self._db, self._cache = db, cache
        self.enricher = enricher  # the provider, when crm.yaml configures one
        self._intake: Coalescer[intake.Intake, intake.Taken] = Coalescer(
            lambda batch: intake.store_and_route(db=db, cache=cache, intakes=batch),
            max_batch=max_batch,
        )

    async def submit(self, request: intake.Intake) -> tuple[intake.Answer, bool]:
        """Store and route the lead; (its current decision, or `Held` while no policy is active;
        newly created). Raises Conflict when its idempotency key or external id came with
        another payload, and what stopped this lead alone from being stored or routed."""
        if self.enricher is not None:
            request = await run_in_threadpool(enriched, self.enricher, request)
        taken = await self._intake.submit(request)
        if isinstance(taken, Exception):
            raise taken
        return taken

    def sweep(self, *, received_by: datetime, now: datetime) -> int:
        """Route the leads still `received` that arrived by `received_by` (those held while no
        policy was active); how many were routed."""
        return intake.sweep(db=self._db, cache=self._cache, received_by=received_by, now=now)


def enriched(enricher: Enricher, request: intake.Intake) -> intake.Intake:
    """The request with what the provider found stored with its lead (see `enrichment.py`)."""
    found = enricher.enrich(request.lead_in.lead, request.now)
    if not found:
        return request
    lead_in = request.lead_in.model_copy(update={"lead": request.lead_in.lead | found})
    return intake.Intake(lead_in, request.idempotency_key, request.now)
