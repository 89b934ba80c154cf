"""The `leadrouter` command: one module per command group, each adding itself to `app`.

A command's module is imported only when that command runs: `leadrouter --help` and
`leadrouter policy check` must not pay for the service stack (FastAPI, SQLAlchemy, uvicorn) that
`serve` needs. `COMMANDS` names each command's module and the one-line help shown in the command
list; a test checks that line against the command's own docstring. Command modules import their
heavy dependencies inside the command functions for the same reason.
"""

from __future__ import annotations

import importlib
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

# name -> (module that registers it on `app`, first line of its help)
COMMANDS: dict[str, tuple[str, str]] = {
    "match": (
        "leadrouter.cli.match",
        "Match leads to accounts; write account, confidence, method and reason per lead.",
    ),
    "route": (
        "leadrouter.cli.route",
        "Route a CSV of leads; write decisions as JSON lines and print a summary.",
    ),
    "explain": (
        "leadrouter.cli.route",
        "Route one lead and show why it went where it did: every rule and rep considered.",
    ),
    "policy": (
        "leadrouter.cli.policy",
        "Check a routing policy, run its test cases, load it into the service database.",
    ),
    "serve": (
        "leadrouter.cli.serve",
        "Run the HTTP API (docs at /docs), migrating and seeding the database first.",
    ),
    "worker": (
        "leadrouter.cli.worker",
        "Run SLA clocks and the notification outbox until stopped.",
    ),
    "report": (
        "leadrouter.cli.report",
        "Speed-to-lead, SLA compliance, fairness, conversion and fallback queues.",
    ),
    "backtest": (
        "leadrouter.cli.experiments",
        "Replay past leads through a draft policy and the current one: what changes, for whom.",
    ),
    "whatif": (
        "leadrouter.cli.experiments",
        "Replay past leads with the team as it is and with roster changes: who absorbs the leads.",
    ),
    "abtest": (
        "leadrouter.cli.abtest",
        "Split live routing between two policy versions and compare them per arm.",
    ),
    "db": ("leadrouter.cli.db", "Manage the service's database."),
    "keys": ("leadrouter.cli.keys", "Manage API keys."),
    "crm": ("leadrouter.cli.crm", "Poll a CRM for leads; sign a test webhook as the CRM would."),
    "users": ("leadrouter.cli.users", "Manage the people who sign in to the dashboard."),
}


class _LazyGroup(TyperGroup):
    """A command group that imports a command's module when the command is asked for.

    Contexts and commands are typer's own click (typer vendors it); importing the separate
    `click` package only to name their types would cost every command 20 ms.
    """

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in COMMANDS:
            return None
        if ctx.meta.get("leadrouter.listing"):
            # The command list needs only names and one line each: no module imported.
            return TyperCommand(cmd_name, help=COMMANDS[cmd_name][1])
        if cmd_name not in self.commands:
            importlib.import_module(COMMANDS[cmd_name][0])
            self.commands[cmd_name] = _built(cmd_name)
        return self.commands[cmd_name]

    def format_help(self, ctx: Any, formatter: Any) -> None:
        ctx.meta["leadrouter.listing"] = True
        try:
            super().format_help(ctx, formatter)
        finally:
            ctx.meta["leadrouter.listing"] = False


def _built(name: str) -> Any:
    """The (typer-vendored) click command `name`, from what its module registered on `app`."""
    options: dict[str, Any] = {"pretty_exceptions_short": True, "rich_markup_mode": "rich"}
    for info in app.registered_commands:
        if (info.name or info.callback.__name__) == name:  # type: ignore[union-attr]
            return typer.main.get_command_from_info(info, **options)
    for group in app.registered_groups:
        if group.name == name:
            return typer.main.get_group_from_info(group, suggest_commands=True, **options)
    raise LookupError(f"{COMMANDS[name][0]} did not register the command {name!r}")


app = typer.Typer(
    name="leadrouter",
    cls=_LazyGroup,
    help="Route inbound B2B leads: normalize, match, score, apply ranked rules, distribute.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # The command list in click's plain format: Rich's help renderer and the Markdown parser it
    # imports would double the CPU time of `leadrouter --help`. Each command's own help is Rich.
    rich_markup_mode=None,
)


@app.callback()
def _main() -> None:
    # A callback makes typer build a group even when one module alone has registered a command.
    pass
