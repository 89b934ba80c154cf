"""The policy workspace in a real browser: a manager edits a rule in the code editor, sees the
error with its line and column as they type, fixes it, sees the backtest of the edit on the
stored leads, saves and activates the new version, then rolls back."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from .browser_kit import Served, new_page, shoot, sign_in_as
from .conftest import PASSWORD

pytestmark = pytest.mark.browser
SMB_POOL = "  - id: smb\n    when: employees < 1000\n    route: pool inbound"
SMB_NURTURE = "  - id: smb\n    when: employees < 1000\n    route: queue marketing_nurture"


def _type(page: Page, text: str) -> None:
    """Replace the editor's text, then type one key as a person would (the check and the
    backtest run on keystrokes)."""
    page.evaluate("(text) => document.querySelector('.CodeMirror').CodeMirror.setValue(text)", text)
    page.get_by_role("textbox", name="Policy YAML (policy.yaml)").press("End")


def test_browser__edit_a_rule_see_its_backtest_activate_and_roll_back(
    browser: Browser, server: Served
):
    page = new_page(browser, server)
    sign_in_as(page, "maria", PASSWORD)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    problems: list[str] = []  # the editor under the Content-Security-Policy: no console error
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto("/policy")
    expect(page.locator("#check")).to_contain_text("compiles against the team")
    expect(page.locator(".CodeMirror .cm-atom").first).to_be_visible()  # YAML highlighted
    text = page.locator("#policy-text").input_value()  # the form field behind the editor
    edited = text.replace('"2026.11.2"', '"2026.11.3"').replace(SMB_POOL, SMB_NURTURE)
    assert edited.count("marketing_nurture") == 1
    _type(page, edited.replace("queue marketing_nurture", "pool nowhere"))
    expect(page.locator("#problems")).to_contain_text("policy.yaml:")
    expect(page.locator("#problems")).to_contain_text("nowhere")
    shoot(page, "policy-error")
    _type(page, edited)
    expect(page.locator("#check")).to_contain_text("Version 2026.11.3 compiles")
    expect(page.locator("#diff")).to_contain_text("+    route: queue marketing_nurture")
    page.get_by_label("Replay the stored leads of the").select_option("90d")
    changes = page.locator("#backtest-changes")
    expect(changes).to_contain_text("queue:marketing_nurture", timeout=30_000)
    expect(page.locator("#backtest-pools")).to_contain_text("Fair share")
    shoot(page, "policy-backtest")
    page.get_by_role("button", name="Save and activate", exact=True).click()
    expect(page.locator("#policy-message")).to_contain_text("2026.11.3 saved and activated")
    shoot(page, "policy-activated")
    page.get_by_role("button", name="Roll back to the version before").click()
    expect(page.locator("#policy-message")).to_contain_text("2026.11.2 is active again")
    example = changes.get_by_role("link").first  # an example lead opens its page
    lead_id = example.inner_text()
    example.click()
    expect(page.locator("h1")).to_contain_text(lead_id)
    page.goto("/policy")
    expect(page.locator("#active-version")).to_have_text("2026.11.2")
    assert problems == []
    page.context.close()


def test_browser__the_flow_view_opens_the_leads_behind_a_branch(browser: Browser, server: Served):
    page = new_page(browser, server)
    sign_in_as(page, "maria", PASSWORD)
    page.goto("/policy")
    page.get_by_role("link", name="See the flow of the active policy").click()
    page.get_by_label("Period").select_option("90d")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("svg.flow path.edge").first).to_be_visible()
    shoot(page, "policy-flow")
    branch = page.get_by_role("link", name="leads from smb to pool inbound")
    count = branch.inner_text().split()[0]
    branch.click()
    expect(page).to_have_url(re.compile(r"/leads\?.*rule=smb.*pool=inbound"))
    expect(page.locator("#total")).to_have_text(count)  # the same leads the branch counted
    page.context.close()
