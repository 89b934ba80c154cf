"""Shared terminal output for CLI commands: one console, and how errors are printed and exit."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

from leadrouter.errors import DataFileError, PolicyError

# No ":name:" emoji codes: messages print user data (rep names, file paths) as written, and
# rich's table of codes costs every command that prints ~0.025 s to load.
console = Console(highlight=False, emoji=False)
errors = Console(stderr=True, highlight=False, emoji=False)

EXIT_INVALID = 1  # the input (policy, data) is invalid or tests failed
EXIT_USAGE = 2  # the command was called wrongly (typer/click use 2 as well)


def fail(message: str, code: int = EXIT_INVALID) -> NoReturn:
    # One line however narrow the terminal: it is often copied into a search or a ticket.
    errors.print(f"[bold red]error:[/] {message}", soft_wrap=True)
    raise typer.Exit(code)


def fail_on(exc: PolicyError | DataFileError) -> NoReturn:
    """Print every problem of a PolicyError (file:line:column: field: message) and exit."""
    problems = exc.errors if isinstance(exc, PolicyError) else [exc.error]
    for problem in problems:
        errors.print(f"[red]{problem}[/]", soft_wrap=True)
    noun = "problem" if len(problems) == 1 else "problems"
    errors.print(f"[bold red]{len(problems)} {noun} found[/]")
    raise typer.Exit(EXIT_INVALID)
