"""`leadrouter keys create|list|revoke`: the service's API keys, from the machine that runs it.

Each command names the database it works on (stderr), so that a key is never created in a
database the server does not read. Tokens are printed once, at creation; only hashes are stored.
"""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from rich.table import Table

from leadrouter.cli import app
from leadrouter.cli.database import DB_HELP, reading, writing
from leadrouter.cli.output import EXIT_USAGE, console, fail

keys_app = typer.Typer(help="Manage API keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")

# The scopes as the API names them (`keys.schemas.Scope`); a test keeps the two lists equal.
SCOPES = ("leads:read", "leads:write", "config:read", "config:write", "metrics:read", "admin")


@keys_app.command("create")
def keys_create(
    name: str = typer.Option(..., "--name", help="who uses the key; recorded in the audit log"),
    scope: list[str] = typer.Option(
        ..., "--scope", help=f"one of {', '.join(SCOPES)}; repeat for several scopes"
    ),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Create an API key and print it once (only its hash is stored)."""
    from leadrouter.errors import Conflict
    from leadrouter.keys import service as keys
    from leadrouter.keys.schemas import KeyCreate, Scope

    unknown = [s for s in scope if s not in SCOPES]
    if unknown:
        fail(f"--scope {unknown[0]!r}: choose from {', '.join(SCOPES)}", EXIT_USAGE)
    with writing(db, refused=Conflict) as session:
        created = keys.create(
            session=session,
            key_in=KeyCreate(name=name, scopes=[Scope(s) for s in scope]),
            actor="cli",
            now=datetime.now(UTC),
        )
    console.print(created.token, soft_wrap=True)


@keys_app.command("list")
def keys_list(db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """List the API keys: id, name, scopes, token prefix, created, revoked."""
    from leadrouter.keys import service as keys

    with reading(db) as session:
        rows = keys.list_(session=session)
        table = Table(title=f"{len(rows)} API keys", title_justify="left")
        for column in ("id", "name", "scopes", "prefix", "created", "revoked"):
            table.add_column(column, justify="right" if column == "id" else "left")
        for row in rows:
            table.add_row(
                str(row.id),
                row.name,
                " ".join(row.scopes),
                row.prefix + "…",
                f"{row.created_at:%Y-%m-%d %H:%M}",
                f"{row.revoked_at:%Y-%m-%d %H:%M}" if row.revoked_at else "",
            )
    console.print(table)


@keys_app.command("revoke")
def keys_revoke(
    key: str = typer.Argument(..., help="the key's id or name (see `leadrouter keys list`)"),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Revoke an API key: it stops working within LEADROUTER_KEY_CACHE_SECONDS on every server."""
    from leadrouter.keys import service as keys

    with writing(db) as session:
        rows = keys.list_(session=session)
        found = [r for r in rows if str(r.id) == key or r.name == key]
        if not found:
            fail(f"no API key with id or name {key!r} (see `leadrouter keys list`)")
        already = found[0].revoked_at is not None
        row = keys.revoke(session=session, key_id=found[0].id, actor="cli", now=datetime.now(UTC))
        name, revoked_at = row.name, row.revoked_at
    when = f"{revoked_at:%Y-%m-%d %H:%M:%S} UTC" if revoked_at else ""
    console.print(f"key '{name}' {'was already revoked at' if already else 'revoked at'} {when}")
