"""`leadrouter serve`, `leadrouter db upgrade`, `leadrouter keys create`: the service's commands.

`serve` migrates the database, seeds it from a workspace when it is empty, then runs uvicorn with
N worker processes (which read their settings back from the environment).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer
import uvicorn
from sqlalchemy import func, select

from leadrouter.api.workers import Supervisor
from leadrouter.cli import app
from leadrouter.cli.output import EXIT_USAGE, console, fail, fail_on
from leadrouter.dashboard.demo import seed_demo
from leadrouter.errors import Conflict, PolicyError
from leadrouter.keys import service as keys
from leadrouter.keys.schemas import KeyCreate, Scope
from leadrouter.migrations import upgrade
from leadrouter.policies.seed import seed_workspace
from leadrouter.policies.snapshot import active_version
from leadrouter.reps.models import RepRow
from leadrouter.settings import Settings, get_settings
from leadrouter.store import Database

db_app = typer.Typer(help="Manage the service's database.", no_args_is_help=True)
keys_app = typer.Typer(help="Manage API keys.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(keys_app, name="keys")

DB_HELP = "database URL, e.g. postgresql+psycopg://user@host/db (default: LEADROUTER_DB or SQLite)"


def _settings(**overrides: object) -> Settings:
    given = {k: v for k, v in overrides.items() if v is not None}
    return get_settings().model_copy(update=given)


def _migrated(settings: Settings) -> Database:
    database = Database(settings.db)
    upgrade(database.engine)
    return database


@app.command("serve")
def serve(
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    workspace: Path | None = typer.Option(
        None, "--workspace", help="seed an empty database from this workspace folder"
    ),
    host: str | None = typer.Option(None, "--host"),
    port: int | None = typer.Option(None, "--port"),
    workers: int | None = typer.Option(None, "--workers", help="server processes"),
    demo: bool = typer.Option(
        False, "--demo", help="seed an empty database with 30 days of routed demo leads"
    ),
) -> None:
    """Run the HTTP API (docs at /docs), migrating and seeding the database first."""
    settings = _settings(db=db, workspace=workspace, host=host, port=port, workers=workers)
    if demo and settings.workspace is not None:
        fail("--demo seeds its own team: use it without --workspace", EXIT_USAGE)
    database = _migrated(settings)
    if demo:
        with database.session() as session:
            if not session.scalar(select(func.count()).select_from(RepRow)):
                seed_demo(session, datetime.now(UTC))
                console.print("seeded the database with 30 days of demo leads")
    if settings.workspace is not None:
        try:
            with database.session() as session:
                seeded = seed_workspace(
                    session=session, path=settings.workspace, now=datetime.now(UTC)
                )
        except PolicyError as error:
            fail_on(error)
        if seeded:
            console.print(f"seeded the database from {settings.workspace}")
    with database.read() as session:
        if active_version(session) is None:
            console.print(
                "no policy is active: leads are stored and held (202, GET /v1/leads/waiting)"
                " until one is uploaded and activated (POST /v1/policies/{version}/activate)"
            )
    database.dispose()
    settings.export()
    config = uvicorn.Config(
        "leadrouter.app:app_from_env",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        access_log=False,  # one log line per lead costs more than routing it
        # The C HTTP parser and event loop: measurably less CPU per request than h11/asyncio
        # on a machine where the database and the servers share two cores.
        http="httptools",
        loop="uvloop",
        # A worker imports the whole routing stack before it answers the parent's health
        # check; on a busy machine that takes longer than uvicorn's 5 s default.
        timeout_worker_healthcheck=60,
    )
    if settings.workers == 1:
        uvicorn.Server(config).run()
        return
    try:
        supervisor = Supervisor(config)
    except OSError as error:
        fail(f"cannot listen on {settings.host}:{settings.port}: {error.strerror}")
    code = supervisor.run()
    if code:
        raise typer.Exit(code)


@db_app.command("upgrade")
def db_upgrade(db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Apply every pending migration."""
    _migrated(_settings(db=db)).dispose()
    console.print("database is up to date")


@keys_app.command("create")
def keys_create(
    name: str = typer.Option(..., "--name", help="who uses the key; recorded in the audit log"),
    scope: list[Scope] = typer.Option(..., "--scope", help="repeat for several scopes"),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Create an API key and print it once (only its hash is stored)."""
    database = _migrated(_settings(db=db))
    try:
        with database.session() as session:
            created = keys.create(
                session=session,
                key_in=KeyCreate(name=name, scopes=scope),
                actor="cli",
                now=datetime.now(UTC),
            )
    except Conflict as error:
        fail(str(error))
    finally:
        database.dispose()
    console.print(created.token)
