"""The intake pipeline of one server process: store, then route, each stage coalescing the
requests that reach it at the same moment into one transaction.

Two stages rather than one batch doing both: while one batch is being routed, the next one is
being stored, so the commit a stage waits for overlaps the other stage's work. Leads enter the
routing stage in the order their storing finished, and each is routed as it would be alone.
"""

from __future__ import annotations

from datetime import datetime

from leadrouter.coalesce import Coalescer
from leadrouter.errors import Conflict
from leadrouter.leads import service
from leadrouter.leads.routing import StoredLead
from leadrouter.leads.schemas import DecisionSummary
from leadrouter.policies.snapshot import ConfigCache
from leadrouter.store import Database


class IntakePipeline:
    def __init__(self, db: Database, cache: ConfigCache, *, max_batch: int) -> None:
        self._store: Coalescer[service.Intake, service.Stored] = Coalescer(
            lambda batch: service.store(db=db, intakes=batch), max_batch=max_batch
        )
        self._route: Coalescer[tuple[StoredLead, datetime], DecisionSummary] = Coalescer(
            lambda batch: service.route_stored(
                db=db,
                cache=cache,
                leads=[lead for lead, _ in batch],
                now=max(now for _, now in batch),
            ),
            max_batch=max_batch,
        )

    async def submit(self, intake: service.Intake) -> tuple[DecisionSummary, bool]:
        """Store and route the lead; (its current decision, newly created). Raises Conflict
        when its idempotency key or external id came with another payload."""
        stored = await self._store.submit(intake)
        if isinstance(stored, Conflict):
            raise stored
        lead, created = stored
        return await self._route.submit((lead, intake.now)), created
