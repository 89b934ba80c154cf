"""`leadrouter policy check|test|load`: validate a policy, run its test cases, and load it into
the service database as a new version.

`check` and `test` read files only; `load` is the one command here that writes, through the same
service functions as `POST /v1/policies` (validated against the database's team, audited).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from leadrouter.cli import app
from leadrouter.cli.database import DB_HELP, opened, settings_with
from leadrouter.cli.output import EXIT_INVALID, console, fail, fail_on
from leadrouter.errors import PolicyError

if TYPE_CHECKING:
    from leadrouter.workspace import Workspace

policy_app = typer.Typer(
    help="Check a routing policy, run its test cases, load it into the service database.",
    no_args_is_help=True,
)
app.add_typer(policy_app, name="policy")


@policy_app.callback()
def _policy(ctx: typer.Context) -> None:
    # A check builds the compiled policy and the account rows: ~100,000 objects in no cycle
    # that the cycle collector would walk again and again for nothing (a tenth of the check).
    from leadrouter.collector import collection_paused

    ctx.with_resource(collection_paused())


def load_or_exit(path: Path, *, index: bool = True) -> Workspace:
    from leadrouter.workspace import load_workspace

    try:
        return load_workspace(path, index=index)
    except PolicyError as exc:
        fail_on(exc)


@policy_app.command("check")
def check(
    path: Path = typer.Argument(..., help="policy.yaml, or the workspace folder holding it"),
) -> None:
    """Validate a policy and its `sla:` section against its team.yaml; print ok or every problem
    with file:line:column."""
    from leadrouter.cli.check_cache import check_key, remember, remembered
    from leadrouter.workspace import policy_paths, workspace_files

    root = policy_paths(path)[1]
    key = check_key(workspace_files(path))
    lines = remembered(root, key)
    if lines is None:
        lines = _checked(path)
        remember(root, key, lines)
    for line in lines:
        console.print(line)


def _checked(path: Path) -> list[str]:
    """What a full check of the workspace prints when it passes."""
    workspace = load_or_exit(path, index=False)  # checks the accounts, matches no lead
    policy, team = workspace.policy, workspace.team
    lines = [
        f"[bold green]ok[/]: {policy.name} version {policy.version}: {len(policy.rules)} rules, "
        f"{len(team.reps)} reps, {len(team.pools)} pools, {len(team.queues)} queues, "
        f"{len(policy.tests)} test cases"
    ]
    if workspace.crm is not None:
        lines += [
            f"[bold green]ok[/]: crm.yaml {crm}: {len(side.fields)} fields, "
            f"{len(side.owners)} reps mapped to users, {len(side.queues)} queues, "
            f"{len(side.tasks)} tasks"
            for crm, side in workspace.crm.sides.items()
        ]
    lines += [
        f"[yellow]accounts.csv row {problem.row}: {problem.field}: {problem.message}"
        for problem in workspace.account_problems
    ]
    return lines


@policy_app.command("test")
def test(
    path: Path = typer.Argument(..., help="the workspace folder (or its policy.yaml)"),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="show the trace of passing cases"),
) -> None:
    """Run the policy's test cases; print each result and the trace of each failure."""
    from rich.text import Text

    from leadrouter.cli.trace import render
    from leadrouter.policy_cases import run_cases

    workspace = load_or_exit(path)
    results = run_cases(workspace.snapshot())
    for result in results:
        mark = ("PASS", "bold green") if result.passed else ("FAIL", "bold red")
        console.print(
            Text.assemble(mark, f" {result.case.name}", (f"  (line {result.case.line})", "dim"))
        )
        for failure in result.failures:
            console.print(f"      [red]{failure}[/]")
        if not result.passed or verbose:
            console.print(render(result.decision))
    failed = sum(not r.passed for r in results)
    style = "bold red" if failed else "bold green"
    console.print(f"[{style}]{len(results) - failed} passed, {failed} failed[/]")
    if failed:
        raise typer.Exit(EXIT_INVALID)


@policy_app.command("load")
def load(
    path: Path = typer.Argument(..., help="policy.yaml, or the workspace folder holding it"),
    activate: bool = typer.Option(
        False, "--activate", help="make it the routing policy at once (default: only store it)"
    ),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Store a policy file as a new version in an existing database (validated against the
    database's team, audited); with --activate, route with it from now on."""
    from datetime import UTC, datetime

    from leadrouter.errors import LeadRouterError
    from leadrouter.policies import service as policies
    from leadrouter.policies.snapshot import active_version

    file = path / "policy.yaml" if path.is_dir() else path
    if not file.is_file():
        fail(f"no policy file at {file}")
    text = file.read_text(encoding="utf-8")
    now = datetime.now(UTC)
    with opened(settings_with(db=db)) as database:
        try:
            with database.session() as session:
                before = active_version(session)
                row = policies.upload(session=session, text=text, actor="cli", now=now)
                version = row.version
                if activate and version != before:
                    policies.activate(session=session, version=version, actor="cli", now=now)
        except PolicyError as error:
            fail_on(_in_file(error, file))
        except LeadRouterError as error:
            fail(str(error))
    if activate:
        console.print(
            f"policy {version} from {file} is active (was: {before or 'none'})", soft_wrap=True
        )
    else:
        console.print(
            f"stored policy {version} from {file}; active: {before or 'none'}. "
            f"Activate it with --activate, or POST /v1/policies/{version}/activate",
            soft_wrap=True,
        )


def _in_file(error: PolicyError, file: Path) -> PolicyError:
    """The upload's problems, placed in the file that was read (the service names no file)."""
    from dataclasses import replace

    return PolicyError([replace(e, file=str(file)) for e in error.errors])
