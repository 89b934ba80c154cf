"""`leadrouter policy check|test`: validate a policy and run its test cases."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.text import Text

from leadrouter.cli import app
from leadrouter.cli.output import EXIT_INVALID, console, fail_on
from leadrouter.errors import PolicyError
from leadrouter.explain import render
from leadrouter.policy_cases import run_cases
from leadrouter.workspace import Workspace, load_workspace

policy_app = typer.Typer(
    help="Check a routing policy and run its test cases.", no_args_is_help=True
)
app.add_typer(policy_app, name="policy")


def load_or_exit(path: Path) -> Workspace:
    try:
        return load_workspace(path)
    except PolicyError as exc:
        fail_on(exc)


@policy_app.command("check")
def check(
    path: Path = typer.Argument(..., help="policy.yaml, or the workspace folder holding it"),
) -> None:
    """Validate a policy and its `sla:` section against its team.yaml; print ok or every problem
    with file:line:column."""
    workspace = load_or_exit(path)
    policy, team = workspace.policy, workspace.team
    console.print(
        f"[bold green]ok[/]: {policy.name} version {policy.version}: {len(policy.rules)} rules, "
        f"{len(team.reps)} reps, {len(team.pools)} pools, {len(team.queues)} queues, "
        f"{len(policy.tests)} test cases"
    )
    for problem in workspace.account_problems:
        console.print(f"[yellow]accounts.csv row {problem.row}: {problem.field}: {problem.message}")


@policy_app.command("test")
def test(
    path: Path = typer.Argument(..., help="the workspace folder (or its policy.yaml)"),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="show the trace of passing cases"),
) -> None:
    """Run the policy's test cases; print each result and the trace of each failure."""
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
