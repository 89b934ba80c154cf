"""The policy workspace in a real browser: a manager edits a rule, sees the error with its line
and column as they type, fixes it, saves and activates the new version, then rolls back."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from .browser_kit import Served, new_page, shoot, sign_in_as
from .conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_browser__edit_check_activate_and_roll_back_a_policy(browser: Browser, server: Served):
    page = new_page(browser, server)
    sign_in_as(page, "maria", PASSWORD)
    page.goto("/policy")
    expect(page.locator("#check")).to_contain_text("compiles against the team")
    editor = page.locator("#policy-text")
    text = editor.input_value()
    broken = text.replace('"2026.11.2"', '"2026.11.3"').replace(
        "route: pool inbound", "route: pool nowhere", 1
    )
    editor.fill(broken)
    editor.press("End")  # a keystroke: the check runs as the person types
    expect(page.locator("#problems")).to_contain_text("policy.yaml:")
    expect(page.locator("#problems")).to_contain_text("nowhere")
    shoot(page, "policy-error")
    editor.fill(broken.replace("route: pool nowhere", "route: pool inbound"))
    editor.press("End")
    expect(page.locator("#check")).to_contain_text("Version 2026.11.3 compiles")
    expect(page.locator("#diff")).to_contain_text('+version: "2026.11.3"')
    page.get_by_role("button", name="Save and activate", exact=True).click()
    expect(page.locator("#policy-message")).to_contain_text("2026.11.3 saved and activated")
    shoot(page, "policy-activated")
    page.get_by_role("button", name="Roll back to the version before").click()
    expect(page.locator("#policy-message")).to_contain_text("2026.11.2 is active again")
    page.reload()
    expect(page.locator("#active-version")).to_have_text("2026.11.2")
    page.context.close()
