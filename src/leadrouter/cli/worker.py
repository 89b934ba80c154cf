"""`leadrouter worker`: run SLA timers and deliver notifications against the service database.

Endpoints come from options (the settings object has no notification fields yet). `--speed`
runs the worker's clock faster than real time, for demos: at 60, a 5-minute SLA breaches in five
seconds. SIGTERM and Ctrl-C stop it after the current pass; SIGKILL loses nothing either.
"""

from __future__ import annotations

import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType

import httpx
import typer

from leadrouter.cli import app
from leadrouter.cli.output import console, fail, fail_on
from leadrouter.cli.serve import DB_HELP, _migrated, _settings
from leadrouter.errors import PolicyError
from leadrouter.notify.deliver import Deliverer, Endpoints
from leadrouter.notify.smtp import SmtpConfig
from leadrouter.notify.templates import Templates
from leadrouter.notify.webhook import WebhookConfig
from leadrouter.worker import ScaledClock, Worker, file_slas, policy_slas


@app.command("worker")
def worker(
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    smtp: str | None = typer.Option(None, "--smtp", help="SMTP server host:port for rep emails"),
    smtp_from: str = typer.Option("leadrouter@localhost", "--smtp-from", help="sender address"),
    slack_url: str | None = typer.Option(None, "--slack-url", help="Slack incoming-webhook URL"),
    webhook_url: str | None = typer.Option(None, "--webhook-url", help="signed webhook URL"),
    webhook_secret: str | None = typer.Option(None, "--webhook-secret", help="HMAC secret"),
    templates: Path | None = typer.Option(None, "--templates", help="folder overriding templates"),
    sla: Path | None = typer.Option(
        None, "--sla", help="YAML with an `sla:` section (default: the active policy's)"
    ),
    batch: int = typer.Option(500, "--batch", min=1, help="rows claimed per transaction"),
    idle: float = typer.Option(0.5, "--idle", min=0.0, help="seconds to sleep when idle"),
    lease: float = typer.Option(120.0, "--lease", min=1.0, help="seconds a message is claimed"),
    speed: float = typer.Option(1.0, "--speed", min=1.0, help="clock speed-up, for demos"),
    once: bool = typer.Option(False, "--once", help="one pass, then exit"),
) -> None:
    """Run SLA clocks and the notification outbox until stopped."""
    if (webhook_url is None) != (webhook_secret is None):
        fail("--webhook-url and --webhook-secret go together")
    smtp_config = None
    if smtp is not None:
        host, _, port = smtp.rpartition(":")
        if not host or not port.isdigit():
            fail(f"--smtp wants host:port, not {smtp!r}")
        smtp_config = SmtpConfig(host, int(port), smtp_from)
    endpoints = Endpoints(
        smtp=smtp_config,
        slack_url=slack_url,
        webhook=WebhookConfig(webhook_url, webhook_secret)
        if webhook_url and webhook_secret
        else None,
    )
    database = _migrated(_settings(db=db))
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
            slas=file_slas(sla) if sla is not None else policy_slas(),
            batch=batch,
            lease=timedelta(seconds=lease),
        )
        channels = ", ".join(sorted(endpoints.channels)) or "none (messages wait in the outbox)"
        console.print(
            f"worker {runner.name} on {database.url.split('@')[-1]}; channels: {channels}"
        )
        try:
            if once:
                console.print(runner.run_once())
            else:
                runner.run(should_stop=lambda: stopping, idle_seconds=idle)
        except PolicyError as error:
            fail_on(error)
        finally:
            database.dispose()
