"""`leadrouter crm`: the CRM connectors from the terminal.

`poll salesforce` takes in Leads modified since the last poll, for orgs that allow neither a
callout nor an Outbound Message (run it from cron, or with `--every`). `sign hubspot` prints
the headers HubSpot would send with a body, so a webhook can be tried by hand with curl (as
docs/connectors.md does). Credentials come from settings (`LEADROUTER_SALESFORCE_CLIENT_ID`,
`LEADROUTER_HUBSPOT_CLIENT_SECRET`, ... or their `_FILE` twins), never from the command line.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import typer

from leadrouter.cli import app
from leadrouter.cli.database import DB_HELP, opened, settings_with
from leadrouter.cli.output import console, fail, fail_on
from leadrouter.errors import PolicyError

crm_app = typer.Typer(
    help="Poll a CRM for leads; sign a test webhook as the CRM would.", no_args_is_help=True
)
app.add_typer(crm_app, name="crm")
poll_app = typer.Typer(help="Take in leads by polling a CRM's API.", no_args_is_help=True)
crm_app.add_typer(poll_app, name="poll")
sign_app = typer.Typer(help="Sign a request body as a CRM would.", no_args_is_help=True)
crm_app.add_typer(sign_app, name="sign")

_CRM_FILE = typer.Option(
    None,
    "--crm-file",
    help="crm.yaml",
    show_default="LEADROUTER_CRM_FILE, or crm.yaml in LEADROUTER_WORKSPACE",
)


@poll_app.command("salesforce")
def poll_salesforce(
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    crm_file: Path | None = _CRM_FILE,
    every: float | None = typer.Option(
        None, "--every", min=1.0, help="poll again every this many seconds, until stopped"
    ),
    limit: int = typer.Option(200, "--limit", min=1, max=2000, help="Leads per poll"),
) -> None:
    """Route the Leads modified since the last poll; record owners changed by hand."""
    from leadrouter.connectors.runtime import from_settings
    from leadrouter.connectors.salesforce.poll import poll_once
    from leadrouter.errors import IntegrationError
    from leadrouter.policies.snapshot import ConfigCache
    from leadrouter.policy.crm import Crm

    settings = settings_with(db=db, crm_file=crm_file)
    try:
        connectors = from_settings(settings)
    except PolicyError as error:
        fail_on(error)
    side = connectors.side(Crm.SALESFORCE)
    if side is None:
        fail("no salesforce: section in crm.yaml (--crm-file, or LEADROUTER_CRM_FILE)")
    if connectors.salesforce is None:
        fail("set LEADROUTER_SALESFORCE_CLIENT_ID and LEADROUTER_SALESFORCE_CLIENT_SECRET[_FILE]")
    cache = ConfigCache()
    with opened(settings) as database:
        while True:
            try:
                done = poll_once(
                    db=database,
                    cache=cache,
                    org=connectors.salesforce,
                    side=side,
                    now=datetime.now(UTC),
                    limit=limit,
                    enricher=connectors.enricher,
                )
            except IntegrationError as error:
                console.print(f"[yellow]poll failed: {error}")
                if every is None:
                    raise typer.Exit(1) from None
            else:
                console.print(
                    f"routed {done.routed} new Leads, {done.overrides} overrides, "
                    f"{done.handoffs} hand-offs; "
                    f"next poll from {done.cursor}"
                )
            if every is None:
                return
            time.sleep(every)


@sign_app.command("hubspot")
def sign_hubspot(
    url: str = typer.Argument(..., help="the webhook URL HubSpot calls"),
    body_file: Path = typer.Argument(..., help="the request body, as sent"),
) -> None:
    """Print the headers HubSpot would send with BODY_FILE posted to URL now (v3 signature),
    one per line, for `curl -H @file`."""
    from leadrouter.connectors.hubspot.signature import (
        SIGNATURE_HEADER,
        TIMESTAMP_HEADER,
        sign,
    )

    secret = settings_with().hubspot_client_secret
    if not secret:
        fail("set LEADROUTER_HUBSPOT_CLIENT_SECRET[_FILE]: the app's client secret")
    stamp = int(time.time() * 1000)
    signature = sign(secret, "POST", url, body_file.read_bytes(), stamp)
    print(f"{SIGNATURE_HEADER}: {signature}\n{TIMESTAMP_HEADER}: {stamp}")
