"""What every request handler may use: the database, the compiled-config cache, the clock and
the recently verified API keys.

The clock is injected (tests pass a fake one); nothing in the service reads the time of day
otherwise (the key cache ages its entries on the monotonic clock).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from fastapi import Request

from leadrouter.keys.cache import VerifiedKeys
from leadrouter.leads.pipeline import IntakePipeline
from leadrouter.policies.snapshot import ConfigCache
from leadrouter.settings import Settings
from leadrouter.store import Database


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    db: Database
    cache: ConfigCache
    clock: Clock
    keys: VerifiedKeys
    intake: IntakePipeline  # stores and routes the leads posted at the same moment


async def services(request: Request) -> Services:
    """FastAPI dependency: the app's services."""
    # Async, like every dependency cheap enough for the event loop: FastAPI hands a plain
    # function to a worker thread, which costs more than the function.
    return request.app.state.services
