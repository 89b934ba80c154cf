"""Team admin and people in a real browser: a manager signs in with a password, sets a rep out
of office, and the next leads skip that rep; an admin adds a person. Screenshots go to
tmp/artifacts/."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import Browser, expect

from .browser_kit import Served, new_page, shoot, sign_in_as
from .conftest import PASSWORD

pytestmark = pytest.mark.browser


def _post_lead(server: Served, n: int) -> str:
    lead = {
        "email": f"cto{n}@freshprospect{n}.com",
        "company": f"Fresh Prospect {n}",
        "employees": "1,000-5,000",
        "country": "US",
    }
    answer = httpx.post(
        f"{server.base}/v1/leads",
        json={"lead": lead},
        headers={"Authorization": f"Bearer {server.tokens['leads:write']}"},
    )
    assert answer.status_code in (200, 201), answer.text
    return answer.json()["owner"]


def test_browser__a_manager_sets_a_rep_out_of_office_and_the_next_leads_skip_her(
    browser: Browser, server: Served
):
    page = new_page(browser, server)
    sign_in_as(page, "maria", PASSWORD)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    expect(page.locator("header .who")).to_contain_text("Maria Diaz")
    page.get_by_role("link", name="Reps", exact=True).click()
    page.get_by_role("link", name="Ana Souza").click()
    expect(page.get_by_role("heading", name="Rep Ana Souza")).to_be_visible()
    now = datetime.now(UTC)
    page.get_by_label("Away from").fill((now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("back at").fill((now + timedelta(days=4)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Note").fill("offsite")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_contain_text("Saved")
    expect(page.locator("#upcoming")).to_contain_text("offsite")
    expect(page.locator("#rep-available")).to_contain_text("no")
    expect(page.locator("#changes")).to_contain_text("Maria Diaz")
    shoot(page, "rep-out-of-office")
    owners = {_post_lead(server, n) for n in range(8)}
    assert owners and "ana" not in owners
    page.context.close()


def test_browser__an_invalid_capacity_is_shown_next_to_its_field(browser: Browser, server: Served):
    page = new_page(browser, server)
    sign_in_as(page, "maria", PASSWORD)
    page.goto("/reps/bob")
    page.get_by_label("Capacity (open leads)").fill("-3")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#err-max_open")).to_be_visible()
    shoot(page, "rep-invalid")
    page.context.close()


def test_browser__an_admin_adds_a_viewer_who_signs_in_and_sees_no_buttons(
    browser: Browser, server: Served
):
    admin = new_page(browser, server)
    sign_in_as(admin, "ada", PASSWORD)
    admin.get_by_role("link", name="People").click()
    admin.get_by_label("Login", exact=True).fill("nora")
    admin.get_by_label("Name", exact=True).fill("Nora Finch")
    admin.get_by_label("Role", exact=True).select_option("viewer")
    admin.get_by_label("First password").fill("a-long-password")
    admin.get_by_role("button", name="Add person").click()
    expect(admin.locator("#people")).to_contain_text("Nora Finch")
    shoot(admin, "people")
    admin.context.close()
    nora = new_page(browser, server)
    sign_in_as(nora, "nora", "a-long-password")
    nora.goto("/queue")
    expect(nora.get_by_role("button", name="Assign")).to_have_count(0)
    nora.context.close()
