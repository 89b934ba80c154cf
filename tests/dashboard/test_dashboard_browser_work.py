"""The Work queues in a real browser: assign from the review queue, a warning to confirm before
giving a lead to an unavailable rep, undo, a conflict shown in the row that says who took the
lead, bulk assign. Screenshots go to tmp/artifacts/."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from .browser_kit import Served, new_page, shoot, sign_in_with_key

pytestmark = pytest.mark.browser


def test_browser__assigning_from_the_review_queue_then_undoing_it(page: Page):
    page.goto("/queue")
    page.get_by_role("link", name="Manual review").click()
    rows = page.locator("#queue tbody tr[id^='lead-']")
    expect(rows.first).to_be_visible()
    row = rows.first
    row_id = row.get_attribute("id")
    assert "review deal_desk" in row.inner_text()
    # The default rep is an available one: the first option carries no warning.
    first_option = row.locator("select option").first.inner_text()
    assert "unavailable" not in first_option
    row.get_by_role("button", name="Assign").click()
    done = page.locator(f"#{row_id}")
    expect(done).to_contain_text("assigned to")
    shoot(page, "review-assigned")
    done.get_by_role("button", name="Undo").click()
    expect(page.locator(f"#{row_id}")).to_contain_text("back in review deal_desk")
    page.reload()
    expect(page.locator(f"#{row_id}")).to_have_count(1)


def test_browser__an_out_of_office_rep_needs_a_confirmation(page: Page, server: Served):
    _out_of_office(server, "lea")
    page.goto("/queue")
    row = page.locator("#queue tbody tr[id^='lead-']").first
    row_id = row.get_attribute("id")
    lead_id = row_id.removeprefix("lead-")
    options = row.locator("select option")
    labels = [options.nth(i).inner_text() for i in range(options.count())]
    assert "Lea Kurz" not in labels[0]  # never the default
    lea = next(label for label in labels if label.startswith("Lea Kurz"))
    assert "⚠ unavailable: out of office" in lea
    row.get_by_role("combobox").select_option(label=lea)
    row.get_by_role("button", name="Assign").click()
    message = page.locator(f"#msg-{lead_id}")
    expect(message).to_contain_text("Lea Kurz is unavailable")
    shoot(page, "queue-confirm-unavailable")
    message.get_by_role("button", name="anyway").click()
    expect(page.locator(f"#{row_id}")).to_contain_text("assigned to lea")


def _out_of_office(server: Served, rep_id: str) -> None:
    """Put a rep out of office through the API, as another tool would."""
    now = datetime.now(UTC)
    absence = {
        "start": (now - timedelta(hours=1)).isoformat(),
        "end": (now + timedelta(days=3)).isoformat(),
    }
    answer = httpx.patch(
        f"{server.base}/v1/reps/{rep_id}",
        json={"out_of_office": [absence]},
        headers={"Authorization": f"Bearer {server.tokens['config:write']}"},
    )
    assert answer.status_code == 200, answer.text


def test_browser__a_lead_a_colleague_took_says_who_has_it(
    page: Page, browser: Browser, server: Served
):
    page.goto("/queue")
    row = page.locator("#queue tbody tr[id^='lead-']").first
    lead_id = row.get_attribute("id").removeprefix("lead-")
    colleague = new_page(browser, server)
    sign_in_with_key(colleague, server, server.key)
    colleague.goto("/queue")
    colleague.locator(f"#lead-{lead_id}").get_by_role("button", name="Assign").click()
    expect(colleague.locator(f"#lead-{lead_id}")).to_contain_text("assigned to")
    colleague.context.close()
    row.get_by_role("button", name="Assign").click()
    message = page.locator(f"#msg-{lead_id}")
    expect(message).to_contain_text("already taken")
    expect(message).to_contain_text("has it")
    shoot(page, "queue-conflict")


def test_browser__bulk_assign_takes_every_ticked_lead(page: Page):
    page.goto("/queue?list=breached")
    rows = page.locator("#queue tbody tr[id^='lead-']")
    assert rows.count() >= 2
    ticked = [rows.nth(i).get_attribute("id") for i in range(2)]
    for row_id in ticked:
        page.locator(f"#{row_id}").get_by_role("checkbox").check()
    page.locator("#bulk select").select_option("sam")
    page.get_by_role("button", name="Assign selected").click()
    expect(page.locator("#bulk-result")).to_contain_text("assigned")
    shoot(page, "queue-bulk")
    page.reload()
    for row_id in ticked:
        # Still untouched and past the deadline that counts from arrival, now with sam.
        expect(page.locator(f"#{row_id} td[data-label='Where']")).to_have_text("rep sam")


def test_browser__the_breached_list_opens_a_lead(page: Page):
    page.goto("/queue?list=breached")
    rows = page.locator("#queue tbody tr[id^='lead-']")
    expect(rows.first).to_contain_text("breached")
    rows.first.get_by_role("link").first.click()
    expect(page.locator("#timeline")).to_contain_text("Arrived")
