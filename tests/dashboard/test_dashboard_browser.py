"""The dashboard in a real browser (Debian's Chromium through Playwright) against a real server
(uvicorn on 127.0.0.1) with the demo data: every page loads, the charts draw, and a lead assigned
from the fallback queue by clicking leaves the queue. Screenshots go to tmp/artifacts/."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from .browser_kit import Served, shoot

pytestmark = pytest.mark.browser

PAGES = {
    "overview": "/",
    "queue": "/queue",
    "reps": "/reps",
    "rules": "/rules",
    "leads": "/leads?q=corp",
    "policy": "/policy",
}


def test_browser__every_page_loads_without_errors(page: Page):
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda r: problems.append(r.url) if r.status >= 400 else None)
    # The Content-Security-Policy allows no inline script or style: a violation is a console error.
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    for name, path in PAGES.items():
        page.goto(path)
        expect(page.locator("h1")).to_be_visible()
        shoot(page, name)
    assert problems == []


def test_browser__overview_draws_both_charts(page: Page):
    page.goto("/")
    drawn = page.evaluate("() => ['leads-chart', 'touch-chart'].map(id => !!Chart.getChart(id))")
    assert drawn == [True, True]
    assert page.locator("#median-touch").inner_text() != "–"


def test_browser__lead_timeline_opens_from_the_explorer(page: Page):
    page.goto("/leads")
    page.get_by_label("Search leads").fill("halcyon")
    page.get_by_role("button", name="Filter").click()
    page.locator("#results tbody a").first.click()
    expect(page.locator("#timeline")).to_contain_text("Arrived")
    expect(page.locator("#timeline")).to_contain_text("Routed")
    shoot(page, "lead")


def test_browser__assigning_a_lead_by_clicking_takes_it_out_of_the_queue(page: Page):
    page.goto("/queue")
    rows = page.locator("#queue tbody tr[id^='lead-']")
    before = rows.count()
    assert before > 0
    first = rows.first
    lead_id = first.get_attribute("id")
    first.get_by_role("combobox").select_option("bob")
    first.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("status")).to_contain_text("assigned to bob")
    shoot(page, "queue-assigned")
    page.reload()
    expect(page.locator(f"#{lead_id}")).to_have_count(0)
    assert rows.count() == before - 1


def test_browser__simulating_a_policy_version_sends_the_csrf_token_with_htmx(page: Page):
    page.goto("/policy")
    page.get_by_role("button", name="Simulate").first.click()
    expect(page.locator("#simulation")).to_contain_text("latest leads would go elsewhere")


def test_browser__signing_out_ends_the_session_on_the_server(page: Page, server: Served):
    base = server.base
    cookie = next(c for c in page.context.cookies() if c["name"] == "leadrouter_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{base}/login")
    answer = httpx.get(
        f"{base}/queue", cookies={cookie["name"]: cookie["value"]}, follow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/login"


def test_browser__the_breached_sla_figure_opens_a_breached_lead(page: Page):
    page.goto("/")
    figure = page.locator("#sla-breached")
    count = int("".join(ch for ch in figure.inner_text() if ch.isdigit()))
    assert count > 0
    figure.click()
    expect(page.locator("#total")).to_have_text(str(count))
    expect(page.get_by_label("First-touch SLA")).to_have_value("breached")
    shoot(page, "explorer-breached")
    page.locator("#results tbody a").first.click()
    expect(page.locator("#timeline")).to_contain_text("Arrived")


def test_browser__explorer_filters_and_the_reps_table_sorts_by_clicking(page: Page):
    page.goto("/leads")
    page.get_by_label("Period").select_option("30d")
    page.get_by_label("Rep").select_option("bob")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#summary")).to_contain_text("the period before")
    rows = page.locator("#results tbody tr")
    for i in range(min(rows.count(), 10)):
        expect(rows.nth(i).locator("td[data-label='Now with']")).to_have_text("bob")
    page.goto("/reps")
    page.locator("#reps thead").get_by_role("button", name="Rep").click()
    names = page.locator("#reps tbody td[data-label='Rep'] a").all_inner_texts()
    assert names == sorted(names)
    page.locator("#reps thead").get_by_role("button", name="Rep").click()
    names = page.locator("#reps tbody td[data-label='Rep'] a").all_inner_texts()
    assert names == sorted(names, reverse=True)


def test_browser__charts_have_a_table_and_tables_fit_a_phone(page: Page):
    page.goto("/")
    page.locator("#trend-table summary").click()
    expect(page.locator("#trend-table table")).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/", "/queue?list=breached", "/reps", "/leads?period=30d"):
        page.goto(path)
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= 400, (path, wide)
    shoot(page, "phone-explorer")
