"""The HTTP API: app factory, error mapping, auth, body limits. Domain routers live in their
packages (`leads/api.py`, ...); this package only assembles them and owns the edge concerns.

The factory is imported on first use, not here: domain schemas import the edge's limits
(`api/limits.py`, `api/patch.py`) downward, and the app imports every domain's router.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from leadrouter.api.app import app_from_env, create_app

__all__ = ["app_from_env", "create_app"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from leadrouter.api import app

        return getattr(app, name)
    raise AttributeError(f"module 'leadrouter.api' has no attribute '{name}'")
