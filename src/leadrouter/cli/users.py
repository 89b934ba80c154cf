"""`leadrouter users create|list|set-role|set-password|deactivate|activate`: the people who sign in
to the dashboard, from the machine that runs it (the first admin is made here).

Passwords are read from a prompt (or LEADROUTER_USER_PASSWORD for scripts), never from the command
line, where the shell history would keep them. Changes are audited with the actor "cli".
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import typer
from rich.table import Table

from leadrouter.cli import app
from leadrouter.cli.database import DB_HELP, reading, writing
from leadrouter.cli.output import EXIT_USAGE, console, fail

users_app = typer.Typer(
    help="Manage the people who sign in to the dashboard.", no_args_is_help=True
)
app.add_typer(users_app, name="users")
ROLES = ("viewer", "manager", "admin")
PASSWORD_ENV = "LEADROUTER_USER_PASSWORD"


def _password() -> str:
    return os.environ.get(PASSWORD_ENV) or typer.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )


def _role(role: str) -> str:
    if role not in ROLES:
        fail(f"--role {role!r}: choose from {', '.join(ROLES)}", EXIT_USAGE)
    return role


@users_app.command("create")
def users_create(
    login: str = typer.Argument(..., help="what the person types to sign in"),
    name: str = typer.Option(..., "--name", help="shown on pages and written in the audit log"),
    role: str = typer.Option("viewer", "--role", help=f"one of {', '.join(ROLES)}"),
    email: str | None = typer.Option(None, "--email"),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Add a person with a password (prompted, or from LEADROUTER_USER_PASSWORD)."""
    from pydantic import ValidationError

    from leadrouter.errors import Conflict
    from leadrouter.users import service as users
    from leadrouter.users.schemas import UserCreate

    try:
        user_in = UserCreate(
            login=login, name=name, role=_role(role), email=email, password=_password()
        )
    except ValidationError as error:
        fail("; ".join(f"{e['loc'][0]}: {e['msg']}" for e in error.errors()), EXIT_USAGE)
    with writing(db, refused=Conflict) as session:
        users.create(session=session, user_in=user_in, actor="cli", now=datetime.now(UTC))
    console.print(f"user '{login}' created as {role}")


@users_app.command("list")
def users_list(db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """List the people: login, name, role, active, created."""
    from leadrouter.users import service as users

    with reading(db) as session:
        rows = users.list_(session=session)
        table = Table(title=f"{len(rows)} users", title_justify="left")
        for column in ("login", "name", "role", "active", "created (UTC)"):
            table.add_column(column)
        for row in rows:
            table.add_row(
                row.login,
                row.name,
                row.role,
                "yes" if row.active else "no",
                f"{row.created_at:%Y-%m-%d %H:%M}",
            )
    console.print(table)


@users_app.command("set-role")
def users_set_role(
    login: str = typer.Argument(...),
    role: str = typer.Argument(..., help=f"one of {', '.join(ROLES)}"),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Give a person another role."""
    _change(login, db, role=_role(role))


@users_app.command("set-password")
def users_set_password(
    login: str = typer.Argument(...), db: str | None = typer.Option(None, "--db", help=DB_HELP)
) -> None:
    """Set a new password (prompted, or from LEADROUTER_USER_PASSWORD)."""
    _change(login, db, password=_password())


@users_app.command("deactivate")
def users_deactivate(
    login: str = typer.Argument(...), db: str | None = typer.Option(None, "--db", help=DB_HELP)
) -> None:
    """Stop a person signing in; their open sessions end at their next request."""
    _change(login, db, active=False)


@users_app.command("activate")
def users_activate(
    login: str = typer.Argument(...), db: str | None = typer.Option(None, "--db", help=DB_HELP)
) -> None:
    """Let a stopped person sign in again."""
    _change(login, db, active=True)


def _change(
    login: str,
    db: str | None,
    *,
    role: str | None = None,
    password: str | None = None,
    active: bool | None = None,
) -> None:
    from pydantic import ValidationError

    from leadrouter.errors import NotFound
    from leadrouter.users import service as users
    from leadrouter.users.schemas import Role

    now = datetime.now(UTC)
    try:
        with writing(db, refused=NotFound) as session:
            if role is not None:
                users.set_role(session=session, login=login, role=Role(role), actor="cli", now=now)
            if password is not None:
                users.set_password(
                    session=session, login=login, password=password, actor="cli", now=now
                )
            if active is not None:
                users.set_active(session=session, login=login, active=active, actor="cli", now=now)
    except ValidationError as error:
        fail("; ".join(e["msg"] for e in error.errors()), EXIT_USAGE)
    console.print(f"user '{login}' updated")
