"""What the browser tests share: a uvicorn process serving the demo data on 127.0.0.1, Debian's
Chromium through Playwright, a page signed in through the login form, and screenshots kept as
test artifacts (under tmp/artifacts/, or where LEADROUTER_TEST_ARTIFACTS says)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from .conftest import DASHBOARD, seeded_database

TESTS = Path(__file__).parents[1]
ARTIFACTS = Path(os.environ.get("LEADROUTER_TEST_ARTIFACTS", TESTS.parent / "tmp" / "artifacts"))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@dataclass(frozen=True)
class Served:
    base: str
    tokens: dict[str, str]
    db_url: str

    @property
    def key(self) -> str:
        """A leads:write and config:read key (every page and queue button)."""
        return self.tokens[DASHBOARD]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A uvicorn process serving the demo data, with the real clock."""
    path = tmp_path_factory.mktemp("browser") / "demo.db"
    db, tokens = seeded_database(path, datetime.now(UTC), leads=300)
    db.dispose()
    port = _free_port()
    url = f"sqlite:///{path}"
    env = {**os.environ, "LEADROUTER_DB": url}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "dashboard.server:app",
            "--factory",
            "--app-dir",
            str(TESTS),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # a loaded machine may take a while to import everything
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not start")
        yield Served(base, tokens, url)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_page(browser: Browser, served: Served, width: int = 1280) -> Page:
    context = browser.new_context(base_url=served.base, viewport={"width": width, "height": 900})
    return context.new_page()


def sign_in_with_key(page: Page, served: Served, key: str) -> None:
    page.goto("/login")
    page.get_by_text("Sign in with an API key instead").click()
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in with the key").click()


@pytest.fixture
def page(browser: Browser, server: Served) -> Iterator[Page]:
    """A page signed in through the login form with an API key."""
    page = new_page(browser, server)
    page.goto("/")
    expect(page).to_have_url(f"{server.base}/login")
    sign_in_with_key(page, server, server.key)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    yield page
    page.context.close()


def shoot(page: Page, name: str) -> None:
    """Keep a full-page screenshot as a test artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"dashboard-{name}.png", full_page=True)


def sign_in_as(page: Page, login: str, password: str) -> None:
    """Sign in through the login form as a named user."""
    page.goto("/login")
    page.get_by_label("Login").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
