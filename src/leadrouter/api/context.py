"""What every request handler may use: the database, the compiled-config cache, the clock and
the recently verified API keys.

The clock is injected (tests pass a fake one); nothing in the service reads the time of day
otherwise (the key cache ages its entries on the monotonic clock). The domain services are
named here only for type checking: `leadrouter.app` builds them, so this plumbing never imports
a domain above it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import Request
from sqlalchemy.orm import Session

from leadrouter.api.scopes import Principal
from leadrouter.clock import Clock
from leadrouter.settings import Settings
from leadrouter.store import Database

if TYPE_CHECKING:  # services of the domains above; the composition root (`app.py`) builds them
    from leadrouter.keys.cache import VerifiedKeys
    from leadrouter.leads.pipeline import IntakePipeline
    from leadrouter.policies.snapshot import ConfigCache


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    db: Database
    cache: ConfigCache
    clock: Clock
    keys: VerifiedKeys
    verify_key: Callable[[Session, str], Principal | None]  # a token's principal, or None
    intake: IntakePipeline  # stores and routes the leads posted at the same moment


async def services(request: Request) -> Services:
    """FastAPI dependency: the app's services."""
    # Async, like every dependency cheap enough for the event loop: FastAPI hands a plain
    # function to a worker thread, which costs more than the function.
    return request.app.state.services
