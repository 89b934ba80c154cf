"""Schema migrations: `upgrade` brings a database to the latest Alembic revision.

Revisions live in `migrations/versions/`; a package adding tables registers its models in
`migrations/tables.py` and adds a revision (`alembic revision --autogenerate` with
`make_config`). Never creates tables any other way. This package sits above every domain (its
table registry imports their models), so the store below stays generic.

`startup_lock` lets one process at a time migrate and seed a PostgreSQL database: two service
nodes started at once against one database would otherwise both find it empty and both insert.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

MIGRATIONS = Path(__file__).parent
# The advisory lock key of start-up work (migrations, seeding); any fixed number of this
# application's own, the same in every process ("lead" in ASCII).
STARTUP_LOCK_KEY = 0x6C656164


def make_config(engine: Engine) -> Config:
    """An Alembic config for the packaged migrations, bound to `engine`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply every migration up to `revision`, in one transaction per run."""
    config = make_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@contextmanager
def startup_lock(engine: Engine) -> Iterator[None]:
    """Hold the start-up lock of `engine`'s database while the block migrates and seeds it.

    PostgreSQL: a session advisory lock on a connection of its own, so the block's transactions
    commit while it is held and a second process waits, then finds the work done. SQLite: no
    lock, since one process serves a SQLite file and its writes are serialized anyway.
    """
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": STARTUP_LOCK_KEY})
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": STARTUP_LOCK_KEY})
