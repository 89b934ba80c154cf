"""Schema migrations: `upgrade` brings a database to the latest Alembic revision.

Revisions live in `migrations/versions/`; a package adding tables registers its models in
`migrations/tables.py` and adds a revision (`alembic revision --autogenerate` with
`make_config`). Never creates tables any other way. This package sits above every domain (its
table registry imports their models), so the store below stays generic.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent


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
