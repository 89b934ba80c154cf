"""Accessibility of every dashboard page, checked by axe-core (bundled by axe-playwright-python,
no CDN) in Debian's Chromium: no violation of serious or critical impact, signed out (the sign-in
page) and signed in as an admin (every page, including the results that htmx swaps in). One
browser and one sign-in for the whole walk, so the check stays fast."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from .browser_kit import Served, new_page, sign_in_as
from .conftest import PASSWORD

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}
# Every page an admin reaches from the navigation, plus the pages behind a row.
PAGES = (
    "/",
    "/queue",
    "/queue?list=review",
    "/queue?list=breached",
    "/queue?list=at-risk",
    "/reps",
    "/reps/bob",
    "/team",
    "/rules",
    "/leads",
    "/leads?q=corp&sort=-arrived",
    "/policy",
    "/policy/flow?period=90d",
    "/people",
    "/leads/no-such-lead",
)


def _violations(axe: Axe, page: Page, where: str) -> list[str]:
    """Each serious or critical violation on the page as it stands, one line per element."""
    found = axe.run(page).response["violations"]
    return [
        f"{where}: {v['id']} ({v['impact']}): {v['help']} at {node['target']}"
        for v in found
        if v["impact"] in BLOCKING
        for node in v["nodes"]
    ]


def test_axe__no_serious_or_critical_violation_on_any_page(browser: Browser, server: Served):
    axe = Axe()
    page = new_page(browser, server)
    problems: list[str] = []
    try:
        page.goto("/login")
        problems += _violations(axe, page, "/login")
        sign_in_as(page, "ada", PASSWORD)
        expect(page.get_by_role("heading", name="Overview")).to_be_visible()
        for path in PAGES:
            page.goto(path)
            expect(page.locator("h1")).to_be_visible()
            problems += _violations(axe, page, path)
        page.goto("/leads")
        page.locator("#results tbody a").first.click()
        expect(page.locator("#timeline")).to_be_visible()
        problems += _violations(axe, page, "a lead's page")
        page.goto("/policy")
        page.get_by_role("button", name="Simulate").first.click()
        expect(page.locator("#simulation")).to_contain_text("latest leads would go elsewhere")
        problems += _violations(axe, page, "/policy after a simulation")
        page.get_by_label("Replay the stored leads of the").select_option("90d")
        expect(page.locator("#backtest-summary")).to_be_visible(timeout=30_000)
        problems += _violations(axe, page, "/policy with a backtest")
    finally:
        page.context.close()
    assert problems == []
