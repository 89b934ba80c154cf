"""The API tests' database fixtures, shared: `database` is a fresh SQLite file, or the run's
PostgreSQL schema wiped (marked `postgres`)."""

from ..api.conftest import database, postgres_url  # noqa: F401
