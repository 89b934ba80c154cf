"""The service's one typed settings object, read once from `LEADROUTER_*` environment variables.

Everything the shell (API, CLI `serve`, store) can be configured with lives here, validated at
start. No other module reads the environment; the core never sees settings at all.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    # How long a verified API key is trusted without looking it up again; a key revoked through
    # another process stops working within this many seconds (0: look it up on every request).
    key_cache_seconds: float = Field(default=5.0, ge=0)
    # The most leads one server process stores and routes in one transaction, when that many
    # arrive while the previous batch is in the database (1: every lead on its own).
    intake_batch: int = Field(default=32, gt=0)
    # Notification endpoints and the SLA worker (`leadrouter worker`); none set: messages wait in
    # the outbox until an endpoint is configured.
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, gt=0, lt=65536)
    smtp_from: str = "leadrouter@localhost"
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    slack_webhook_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    templates_dir: Path | None = None
    worker_batch: int = Field(default=500, gt=0)
    worker_lease_seconds: float = Field(default=120.0, gt=0)

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
