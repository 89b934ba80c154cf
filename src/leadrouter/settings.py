"""The service's one typed settings object, read once from `LEADROUTER_*` environment variables.

Everything the shell (API, CLI `serve`, store) can be configured with lives here, validated at
start. No other module reads the environment; the core never sees settings at all.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SECRETS = (
    "smtp_password",
    "slack_webhook_url",
    "webhook_secret",
    "hubspot_client_secret",
    "hubspot_access_token",
    "salesforce_shared_secret",
    "salesforce_client_secret",
    "enrichment_token",
    "sequence_webhook_secret",
    "oidc_client_secret",
)  # each has a `_file` twin


def read_secret(path: Path) -> str:
    """A secret kept in a file: its text without the surrounding whitespace (a final newline)."""
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError as error:
        raise ValueError(f"cannot read the secret file {path}: {error.strerror}") from None


class Settings(BaseSettings):
    """Service configuration; every field can be set as `LEADROUTER_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix="LEADROUTER_", frozen=True, extra="ignore")

    db: str = "sqlite:///./leadrouter.db"
    workspace: Path | None = None  # seeds an empty database: team.yaml, accounts.csv, policy.yaml
    max_body_bytes: int = Field(default=64 * 1024, gt=0)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, gt=0, lt=65536)
    workers: int = Field(default=1, gt=0)
    simulate_max_leads: int = Field(default=5000, gt=0)
    # The most stored leads one API backtest or what-if replays (the latest of its window): a
    # request replays each twice, at roughly 0.3 ms a lead and side on a loaded 2-core machine.
    backtest_max_leads: int = Field(default=100_000, gt=0)
    # How long a verified API key is trusted without looking it up again (0: look it up on every
    # request). On PostgreSQL a revocation reaches every process at its commit (LISTEN/NOTIFY,
    # `keys/cache.py`); this is the bound only while a process's listening connection is down.
    key_cache_seconds: float = Field(default=5.0, ge=0)
    # How long a dashboard sign-in lasts; its cookie is Secure when the dashboard is served over
    # https, or when this says so (a TLS proxy in front that the server does not see).
    dashboard_session_hours: float = Field(default=12.0, gt=0)
    dashboard_secure_cookie: bool | None = None
    # The most leads one server process stores and routes in one transaction, when that many
    # arrive while the previous batch is in the database (1: every lead on its own).
    intake_batch: int = Field(default=32, gt=0)
    # Notification endpoints and the SLA worker (`leadrouter worker`); none set: messages wait in
    # the outbox until an endpoint is configured. Each secret (the Slack URL is one) can instead
    # be read from a file, `LEADROUTER_<NAME>_FILE` (a mounted secret): never on a command line,
    # where the process list shows it to every user of the machine.
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, gt=0, lt=65536)
    smtp_from: str = "leadrouter@localhost"
    smtp_username: str | None = None
    smtp_password: str | None = Field(default=None, repr=False)
    smtp_password_file: Path | None = None
    smtp_starttls: bool = False
    slack_webhook_url: str | None = Field(default=None, repr=False)
    slack_webhook_url_file: Path | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = Field(default=None, repr=False)
    webhook_secret_file: Path | None = None
    templates_dir: Path | None = None
    worker_batch: int = Field(default=500, gt=0)
    worker_lease_seconds: float = Field(default=120.0, gt=0)
    # CRM connectors (docs/connectors.md). `crm_file` maps CRM properties to lead fields and reps
    # to CRM users (default: crm.yaml in the workspace). `public_url` is the service's address as
    # the CRM calls it (behind a proxy), which HubSpot signs. Every secret has a `_file` twin.
    crm_file: Path | None = None
    public_url: str | None = None
    hubspot_client_secret: str | None = Field(default=None, repr=False)
    hubspot_client_secret_file: Path | None = None
    hubspot_access_token: str | None = Field(default=None, repr=False)
    hubspot_access_token_file: Path | None = None
    hubspot_base_url: str = "https://api.hubapi.com"
    salesforce_shared_secret: str | None = Field(default=None, repr=False)
    salesforce_shared_secret_file: Path | None = None
    salesforce_instance_url: str | None = None
    salesforce_login_url: str = "https://login.salesforce.com"
    salesforce_client_id: str | None = None
    salesforce_client_secret: str | None = Field(default=None, repr=False)
    salesforce_client_secret_file: Path | None = None
    salesforce_api_version: str = "59.0"
    # The org (00D..., Setup > Company Information) whose Outbound Messages are taken in.
    salesforce_organization_id: str | None = Field(
        default=None, pattern=r"^00D[a-zA-Z0-9]{12}(?:[a-zA-Z0-9]{3})?$"
    )
    crm_timeout_seconds: float = Field(default=10.0, gt=0)
    # The bearer token of the enrichment provider crm.yaml's `enrichment:` names.
    enrichment_token: str | None = Field(default=None, repr=False)
    enrichment_token_file: Path | None = None
    # The secret signing (HMAC-SHA256) the POSTs of crm.yaml's `sequence_webhooks:`.
    sequence_webhook_secret: str | None = Field(default=None, repr=False)
    sequence_webhook_secret_file: Path | None = None
    # Dashboard sign-in with an OpenID Connect provider (docs/dashboard.md): on when the issuer,
    # the client id and the secret are set. A person's role comes from `oidc_role_claim` when the
    # token carries one, else `oidc_default_role` (none: only people already on the People page).
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = Field(default=None, repr=False)
    oidc_client_secret_file: Path | None = None
    oidc_redirect_url: str | None = None  # default: <this site>/login/oidc/callback
    oidc_provider_name: str = "single sign-on"
    oidc_scopes: str = "openid email profile"
    oidc_role_claim: str | None = None
    oidc_default_role: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _read_secret_files(cls, data: Any) -> Any:
        """Fill each secret not set directly from its `_file` setting (one line, trimmed)."""
        if not isinstance(data, dict):
            return data
        for name in SECRETS:
            path = data.get(f"{name}_file")
            if path and not data.get(name):
                data = {**data, name: read_secret(Path(path))}
        return data

    @field_validator("db")
    @classmethod
    def _psycopg_driver(cls, url: str) -> str:
        # Hosting platforms hand out postgres:// and postgresql:// URLs; SQLAlchemy reads the
        # first as nothing and the second as psycopg2, which is not installed: both mean psycopg 3.
        for scheme in ("postgres://", "postgresql://"):
            if url.startswith(scheme):
                return "postgresql+psycopg://" + url[len(scheme) :]
        return url

    def export(self) -> None:
        """Put these settings in the environment, for `serve` worker processes to read back."""
        # uvicorn starts each worker as a fresh interpreter that builds the app from settings;
        # the environment is the only channel it offers.
        for name, value in self.model_dump().items():
            if value is not None:
                os.environ[f"LEADROUTER_{name.upper()}"] = str(value)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read from the environment once."""
    return Settings()
