"""`leadrouter serve`: migrate the database, seed it when it is empty, then run the HTTP API.

Start-up work (migrations, seeding from `--workspace` or `--demo`) runs under the database's
start-up lock, so that several nodes started at once against one PostgreSQL database take turns:
the first does the work, the others find it done, say so, and serve. uvicorn then runs N worker
processes, which read their settings back from the environment.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from leadrouter.cli import app
from leadrouter.cli.database import DB_HELP, opened, settings_with, shown_url
from leadrouter.cli.output import EXIT_USAGE, console, fail, fail_on

if TYPE_CHECKING:
    from leadrouter.store import Database


@app.command("serve")
def serve(
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    workspace: Path | None = typer.Option(
        None,
        "--workspace",
        help="seed an empty database from this workspace folder (team, accounts, policy); "
        "a database that has a team already is left as it is: see `leadrouter policy load`",
    ),
    host: str | None = typer.Option(
        None, "--host", help="address to listen on", show_default="127.0.0.1 or LEADROUTER_HOST"
    ),
    port: int | None = typer.Option(
        None, "--port", help="port to listen on", show_default="8000 or LEADROUTER_PORT"
    ),
    workers: int | None = typer.Option(
        None,
        "--workers",
        min=1,
        help="server processes; more than one shares the connections among them",
        show_default="1 or LEADROUTER_WORKERS",
    ),
    demo: bool = typer.Option(
        False, "--demo", help="seed an empty database with a 4-rep demo team and 30 days of leads"
    ),
) -> None:
    """Run the HTTP API (docs at /docs), migrating and seeding the database first."""
    import uvicorn

    settings = settings_with(db=db, workspace=workspace, host=host, port=port, workers=workers)
    if demo and settings.workspace is not None:
        fail("--demo seeds its own team: use it without --workspace", EXIT_USAGE)
    with opened(settings, create=True) as database:
        for line in start_up(database, workspace=settings.workspace, demo=demo):
            console.print(line, soft_wrap=True)
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
    from leadrouter.api.workers import Supervisor

    try:
        supervisor = Supervisor(config)
    except OSError as error:
        fail(f"cannot listen on {settings.host}:{settings.port}: {error.strerror}")
    code = supervisor.run()
    if code:
        raise typer.Exit(code)


def start_up(database: Database, *, workspace: Path | None, demo: bool) -> list[str]:
    """Seed the database as asked, under the start-up lock; what was done, as lines to print.

    Safe to run in several processes at once: the lock makes them take turns, and each finds
    what the previous one did.
    """
    from datetime import UTC

    from leadrouter.errors import PolicyError
    from leadrouter.migrations import startup_lock
    from leadrouter.policies.seed import is_empty, seed_workspace
    from leadrouter.policies.snapshot import active_version

    now = datetime.now(UTC)
    lines: list[str] = []
    with startup_lock(database.engine), database.session() as session:
        empty = is_empty(session)
        if demo and empty:
            from leadrouter.dashboard.demo import seed_demo

            seed_demo(session, now)
            lines.append("seeded the database with a 4-rep demo team and 30 days of demo leads")
        elif workspace is not None and empty:
            try:
                seed_workspace(session=session, path=workspace, now=now)
            except PolicyError as error:
                fail_on(error)
            lines.append(f"seeded the database from {workspace}")
        elif demo or workspace is not None:
            asked = "--demo" if demo else f"--workspace {workspace}"
            lines.append(
                f"[yellow]the database already has a team and policies "
                f"(active policy: {active_version(session) or 'none'}); {asked} was not loaded."
                "[/]"
            )
            if workspace is not None:
                lines.append(
                    f"To add {workspace}'s policy as a new version: "
                    f"leadrouter policy load {workspace} --db {shown_url(database.url)} --activate"
                )
        else:
            active = active_version(session)
            if active is None:
                lines.append(
                    "[yellow]no active policy yet: leads are stored and held (202, GET "
                    "/v1/leads/waiting) until one is active; load one with `leadrouter policy "
                    "load WORKSPACE --activate`, or start on an empty database with --workspace[/]"
                )
            else:
                lines.append(f"active policy: {active}")
    return lines
