"""The HTTP API: app factory, error mapping, auth, body limits. Domain routers live in their
packages (`leads/api.py`, ...); this package only assembles them and owns the edge concerns.
"""

from leadrouter.api.app import app_from_env, create_app

__all__ = ["app_from_env", "create_app"]
