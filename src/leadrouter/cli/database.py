"""Which database a service command works on: named on stderr, opened or refused in one line.

Every command that touches the service database (`serve`, `worker`, `report`, `keys`, `db`,
`policy load`) opens it here. Only `serve` and `db upgrade` may create one; every other command
refuses a SQLite file that does not exist rather than leave an empty database behind in whatever
folder it was run from. Connection problems (a PostgreSQL database that does not exist, a server
that does not answer) become one line saying what to do, never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from leadrouter.cli.output import EXIT_USAGE, errors, fail

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from leadrouter.settings import Settings
    from leadrouter.store import Database

DB_HELP = (
    "database URL: sqlite:///path/to/file.db or postgresql+psycopg://user@host:5432/name"
    " (default: LEADROUTER_DB, else sqlite:///./leadrouter.db in the current folder)"
)


def settings_with(**overrides: object) -> Settings:
    """The settings from the environment, with the options given on the command line."""
    from pydantic import ValidationError

    from leadrouter.settings import Settings, get_settings

    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        # Validated again with the overrides applied, so that `--db postgres://…` is read the
        # way LEADROUTER_DB=postgres://… is.
        return Settings.model_validate({**get_settings().model_dump(), **given})
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        fail(f"setting {where} (LEADROUTER_{where.upper()}): {first['msg']}", EXIT_USAGE)


def describe(url: str) -> str:
    """The database in words, without its password: what the user needs to recognize it."""
    from sqlalchemy import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite file {sqlite_path(url)}"
    where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    user = f" as {parsed.username}" if parsed.username else ""
    return f"PostgreSQL database '{parsed.database}' on {where}{user}"


def shown_url(url: str) -> str:
    """`url` as it can be shown and typed again: the password hidden."""
    from sqlalchemy import make_url

    return make_url(url).render_as_string(hide_password=True)


def sqlite_path(url: str) -> Path:
    from sqlalchemy import make_url

    return Path(make_url(url).database or "").resolve()


@contextmanager
def reading(db: str | None) -> Iterator[Session]:
    """A read session on the `--db` database (opened as `opened` does)."""
    with opened(settings_with(db=db)) as database, database.read() as session:
        yield session


@contextmanager
def writing(
    db: str | None, *, refused: type[Exception] | tuple[type[Exception], ...] = ()
) -> Iterator[Session]:
    """One write transaction on the `--db` database, committed after the block; an error of a
    `refused` type rolls it back and ends the command with its message."""
    with opened(settings_with(db=db)) as database:
        try:
            with database.session() as session:
                yield session
        except refused as error:
            fail(str(error))


@contextmanager
def opened(settings: Settings, *, create: bool = False, migrate: bool = True) -> Iterator[Database]:
    """The service database named by `settings`, migrated, and disposed of after the block.

    `create`: a missing SQLite file is created (only `serve` and `db upgrade` pass it).
    """
    from sqlalchemy import make_url
    from sqlalchemy.exc import ArgumentError, OperationalError

    from leadrouter.migrations import startup_lock, upgrade
    from leadrouter.store import Database

    url = settings.db
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        fail(f"--db {url!r} is not a database URL; {_EXAMPLES}", EXIT_USAGE)
    if backend not in {"sqlite", "postgresql"}:
        fail(f"--db {url!r}: leadrouter stores its data in SQLite or PostgreSQL; {_EXAMPLES}")
    if backend == "sqlite" and not create and not sqlite_path(url).is_file():
        fail(
            f"no database at {sqlite_path(url)}: run this in the folder where `leadrouter serve` "
            "created it, name it with --db sqlite:///path/to/leadrouter.db (or LEADROUTER_DB), "
            "or create one with `leadrouter db upgrade`"
        )
    errors.print(f"[dim]database: {describe(url)}[/]", soft_wrap=True)
    database = Database(url)
    try:
        if migrate:
            with startup_lock(database.engine):
                upgrade(database.engine)
        else:
            with database.engine.connect():
                pass
        yield database
    except OperationalError as error:
        fail(f"cannot open the {describe(url)}: {_reason(error, url)}")
    finally:
        database.dispose()


_EXAMPLES = (
    "e.g. --db sqlite:///leadrouter.db or --db postgresql+psycopg://postgres@127.0.0.1:5432/leads"
)


def _reason(error: Exception, url: str) -> str:
    """The driver's own explanation, on one line, with what to do for the common cases."""
    from sqlalchemy import make_url

    parsed = make_url(url)
    text = str(getattr(error, "orig", None) or error)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # psycopg: "connection failed: connection to server at …, port … failed: FATAL:  database …"
    reason = lines[0] if lines else type(error).__name__
    if "FATAL:" in reason:
        reason = reason.split("FATAL:", 1)[1].strip()
    if "does not exist" in reason and "database" in reason:
        user = f" -U {parsed.username}" if parsed.username else ""
        host = parsed.host or "localhost"
        reason += f": create it first (createdb -h {host}{user} {parsed.database})"
    elif "Connection refused" in reason:
        reason += " (is PostgreSQL running and listening there?)"
    return reason
