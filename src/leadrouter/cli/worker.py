"""`leadrouter worker`: run SLA timers and deliver notifications against the service database.

Endpoints come from options, defaulting to the settings (`LEADROUTER_SMTP_HOST`, ...). Secrets
(the webhook's HMAC secret, the Slack URL, the SMTP password) are best given as settings or files
(`LEADROUTER_WEBHOOK_SECRET_FILE`, `--webhook-secret-file`): a command line is visible to every
user of the machine in the process list. `--speed`
runs the worker's clock faster than real time, for demos: at 60, a 5-minute SLA breaches in five
seconds. SIGTERM and Ctrl-C stop it after the current pass; SIGKILL loses nothing either.
"""

from __future__ import annotations

import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType

import typer

from leadrouter.cli import app
from leadrouter.cli.database import DB_HELP, describe, opened, settings_with
from leadrouter.cli.output import console, fail, fail_on
from leadrouter.settings import read_secret

_VISIBLE = " (shown in the process list; prefer "


@app.command("worker")
def worker(
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    smtp: str | None = typer.Option(None, "--smtp", help="SMTP server host:port for rep emails"),
    smtp_from: str | None = typer.Option(None, "--smtp-from", help="sender address"),
    slack_url: str | None = typer.Option(
        None,
        "--slack-url",
        help=f"Slack incoming-webhook URL{_VISIBLE}LEADROUTER_SLACK_WEBHOOK_URL[_FILE])",
    ),
    webhook_url: str | None = typer.Option(None, "--webhook-url", help="signed webhook URL"),
    webhook_secret: str | None = typer.Option(
        None, "--webhook-secret", help=f"HMAC secret{_VISIBLE}--webhook-secret-file)"
    ),
    webhook_secret_file: Path | None = typer.Option(
        None, "--webhook-secret-file", help="file holding the HMAC secret"
    ),
    templates: Path | None = typer.Option(None, "--templates", help="folder overriding templates"),
    batch: int | None = typer.Option(
        None,
        "--batch",
        min=1,
        help="timers, decisions or messages claimed per transaction",
        show_default="500 or LEADROUTER_WORKER_BATCH",
    ),
    idle: float = typer.Option(0.5, "--idle", min=0.0, help="seconds to sleep when idle"),
    lease: float | None = typer.Option(
        None,
        "--lease",
        min=1.0,
        help="seconds a claimed message stays this worker's before another may retry it",
        show_default="120 or LEADROUTER_WORKER_LEASE_SECONDS",
    ),
    speed: float = typer.Option(
        1.0,
        "--speed",
        min=1.0,
        help="clock speed-up, for demos; the fast clock starts with the worker, so start it "
        "after the leads to watch",
    ),
    once: bool = typer.Option(False, "--once", help="one pass, then exit"),
    crm_file: Path | None = typer.Option(
        None,
        "--crm-file",
        help="crm.yaml: write owners and tasks back to the CRMs whose credentials are set "
        "(LEADROUTER_HUBSPOT_ACCESS_TOKEN, LEADROUTER_SALESFORCE_CLIENT_ID/_SECRET)",
        show_default="LEADROUTER_CRM_FILE, or crm.yaml in LEADROUTER_WORKSPACE",
    ),
) -> None:
    """Run SLA clocks and the notification outbox until stopped."""
    import httpx

    from leadrouter.connectors.runtime import from_settings
    from leadrouter.errors import PolicyError
    from leadrouter.notify.deliver import Deliverer, Endpoints
    from leadrouter.notify.smtp import SmtpConfig
    from leadrouter.notify.templates import Templates
    from leadrouter.notify.webhook import WebhookConfig
    from leadrouter.worker import ScaledClock, Worker

    settings = settings_with(db=db)
    if crm_file is not None:
        settings = settings.model_copy(update={"crm_file": crm_file})
    try:
        connectors = from_settings(settings)
    except PolicyError as error:
        fail_on(error)
    webhook_url = webhook_url or settings.webhook_url
    if webhook_secret is None and webhook_secret_file is not None:
        try:
            webhook_secret = read_secret(webhook_secret_file)
        except ValueError as error:
            fail(str(error))
    webhook_secret = webhook_secret or settings.webhook_secret
    if (webhook_url is None) != (webhook_secret is None):
        fail("a webhook URL and its secret go together (LEADROUTER_WEBHOOK_SECRET_FILE)")
    smtp_host, smtp_port = settings.smtp_host, settings.smtp_port
    if smtp is not None:
        smtp_host, _, port = smtp.rpartition(":")
        if not smtp_host or not port.isdigit():
            fail(f"--smtp wants host:port, not {smtp!r}")
        smtp_port = int(port)
    smtp_config = (
        SmtpConfig(
            smtp_host,
            smtp_port,
            smtp_from or settings.smtp_from,
            settings.smtp_username,
            settings.smtp_password,
            settings.smtp_starttls,
        )
        if smtp_host
        else None
    )
    slack_url = slack_url or settings.slack_webhook_url
    templates = templates or settings.templates_dir
    endpoints = Endpoints(
        smtp=smtp_config,
        slack_url=slack_url,
        webhook=WebhookConfig(webhook_url, webhook_secret)
        if webhook_url and webhook_secret
        else None,
        crm=connectors.writer() if connectors.config is not None else None,
    )
    with opened(settings) as database:
        stopping = False

        def stop(_signum: int, _frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        clock = ScaledClock(datetime.now(UTC), speed)
        with httpx.Client(timeout=10) as client:
            runner = Worker(
                database,
                clock=clock,
                deliverer=Deliverer(endpoints, client),
                templates=Templates(templates),
                batch=batch or settings.worker_batch,
                lease=timedelta(seconds=lease or settings.worker_lease_seconds),
                crm=connectors.config,
            )
            channels = ", ".join(sorted(endpoints.channels)) or "none (messages wait in the outbox)"
            console.print(
                f"worker {runner.name} on the {describe(database.url)}; channels: {channels}"
            )
            try:
                if once:
                    console.print(runner.run_once())
                else:
                    runner.run(should_stop=lambda: stopping, idle_seconds=idle)
            except PolicyError as error:
                fail_on(error)
