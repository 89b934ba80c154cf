"""`leadrouter db upgrade`: create the service database or bring it to the latest schema."""

from __future__ import annotations

import typer

from leadrouter.cli import app
from leadrouter.cli.database import DB_HELP, opened, settings_with
from leadrouter.cli.output import console

db_app = typer.Typer(help="Manage the service's database.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Create the database if it is a new SQLite file, and apply every pending migration."""
    with opened(settings_with(db=db), create=True):
        pass
    console.print("database is up to date")
