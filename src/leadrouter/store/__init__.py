"""Persistence shared by every service package: the declarative Base, the database handle with
its transactions and the config-version counter.

It stays generic: domain tables live in their own packages (`leads/models.py`, ...) and are
registered, with the migrations, in `leadrouter.migrations`. Nothing here knows about routing.
"""

from leadrouter.store.base import Base, JSONValue, UTCDateTime
from leadrouter.store.database import Database, is_postgres

__all__ = ["Base", "Database", "JSONValue", "UTCDateTime", "is_postgres"]
