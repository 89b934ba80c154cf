"""The `leadrouter` command: one module per command group, each adding itself to `app`."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="leadrouter",
    help="Route inbound B2B leads: normalize, match, score, apply ranked rules, distribute.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

# Each command module registers its commands on import.
from leadrouter.cli import (  # noqa: E402
    match,  # noqa: F401
    policy,  # noqa: F401
    report,  # noqa: F401
    route,  # noqa: F401
    serve,  # noqa: F401
    worker,  # noqa: F401
)
