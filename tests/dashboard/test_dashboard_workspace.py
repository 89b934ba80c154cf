"""The policy workspace: check as you type (file:line:column), the policy's own tests, the diff
against the active version, save, activate (refused while tests fail unless forced), roll back;
every change audited under who made it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from leadrouter.audit.models import AuditRow
from leadrouter.dashboard.demo import POLICY_V2
from leadrouter.policies.snapshot import active_version
from leadrouter.reports.models import FigureDayRow
from leadrouter.settings import Settings

from .conftest import NOW, FixedClock, sign_in
from .flow_reference import assert_same, by_lead, from_rollups
from .server import dashboard_app

V3 = POLICY_V2.replace('"2026.11.2"', '"2026.11.3"')
TESTS = """tests:
  - name: a big company goes to the inbound pool
    lead: {email: cto@bigco.com, company: Big Co, employees: "1,000-5,000", country: US}
    expect: {rule: %s}
"""


@pytest.fixture
def manager(demo) -> TestClient:
    db, _ = demo
    client = TestClient(dashboard_app(Settings(db=db.url), db, FixedClock()))
    sign_in(client, login="maria")
    return client


def test_check__a_broken_policy_names_line_and_column(manager):
    broken = V3.replace("route: pool inbound", "route: pool nowhere", 1)
    answer = manager.post("/policy/check", data={"text": broken})
    assert answer.status_code == 200
    assert "policy.yaml:" in answer.text and "nowhere" in answer.text
    bad_yaml = manager.post("/policy/check", data={"text": "rules: [\n  - id: x\n   oops"})
    assert "policy.yaml:" in bad_yaml.text


def test_check__runs_the_policys_tests_and_diffs_against_the_active_version(manager):
    passing = manager.post("/policy/check", data={"text": V3 + TESTS % "enterprise"}).text
    assert 'id="tests-pass"' in passing and "+  - name: a big company" in passing
    failing = manager.post("/policy/check", data={"text": V3 + TESTS % "smb"}).text
    assert 'id="test-failures"' in failing


def test_activate__refused_while_tests_fail_unless_forced_then_rolled_back(manager, db):
    text = V3 + TESTS % "smb"
    refused = manager.post("/policy/save", data={"text": text, "activate": "yes"})
    assert refused.status_code == 409 and "Not activated" in refused.text
    with db.read() as session:
        assert active_version(session) == "2026.11.2"
    forced = manager.post("/policy/save", data={"text": text, "activate": "yes", "force": "yes"})
    assert forced.status_code == 200, forced.text
    with db.read() as session:
        assert active_version(session) == "2026.11.3"
    back = manager.post("/policy/rollback")
    assert back.status_code == 200 and "2026.11.2" in back.text
    with db.read() as session:
        assert active_version(session) == "2026.11.2"
        changes = session.scalars(
            select(AuditRow).where(AuditRow.entity == "policy").order_by(AuditRow.id)
        ).all()
    assert [(c.action, c.actor) for c in changes][-3:] == [
        ("create", "Maria Diaz"),
        ("activate", "Maria Diaz"),
        ("activate", "Maria Diaz"),
    ]
    assert changes[-2].after.get("forced") is True


def test_workspace__a_viewer_may_check_but_not_save(demo):
    db, _ = demo
    viewer = TestClient(dashboard_app(Settings(db=db.url), db, FixedClock()))
    sign_in(viewer, login="victor")
    html = viewer.get("/policy").text
    assert "readonly" in html and "Save and activate" not in html
    assert viewer.post("/policy/check", data={"text": V3}).status_code == 200
    assert viewer.post("/policy/save", data={"text": V3}).status_code == 403


SMB_TO_NURTURE = V3.replace(
    "  - id: smb\n    when: employees < 1000\n    route: pool inbound",
    "  - id: smb\n    when: employees < 1000\n    route: queue marketing_nurture",
)


def test_backtest__shows_what_an_unsaved_edit_changes_on_stored_leads(manager, db):
    assert SMB_TO_NURTURE != V3
    answer = manager.post("/policy/backtest", data={"text": SMB_TO_NURTURE, "period": "90d"})
    assert answer.status_code == 200, answer.text
    page = answer.text
    assert 'id="backtest-changes"' in page and "queue:marketing_nurture" in page
    assert 'href="/leads/' in page  # example leads open their lead pages
    assert "reshuffle" in page and 'id="backtest-pools"' in page and "Fair share" in page
    assert "time to first touch" in page
    with db.read() as session:  # nothing saved
        assert active_version(session) == "2026.11.2"


def test_backtest__of_a_text_that_does_not_compile_says_so(manager):
    broken = V3.replace("route: pool inbound", "route: pool nowhere", 1)
    answer = manager.post("/policy/backtest", data={"text": broken})
    assert answer.status_code == 200 and "does not compile" in answer.text


def test_flow__each_rule_branches_to_where_its_leads_went_with_links(manager):
    answer = manager.get("/policy/flow?period=90d")
    assert answer.status_code == 200, answer.text
    page = answer.text
    assert "<svg" in page and 'id="flow-table"' in page
    assert 'href="/leads?period=90d&amp;rule=smb&amp;pool=inbound"' in page
    assert "leads from strategic-review to queue deal_desk" in page
    older = manager.get("/policy/flow?version=2026.11.1").text
    assert "existing-customer" in older  # its leads are listed under rules of other versions
    assert "(not in this version)" in older
    assert manager.get("/policy/flow?version=nope").status_code == 404


def test_flow__figures_from_the_rollups_equal_the_leads_own_exactly(db):
    period = timedelta(days=90)
    found = from_rollups(db, NOW, period)
    assert_same(found, by_lead(db, NOW - period, NOW))
    with db.read() as session:  # whole days came from stored rollups, not from the leads
        assert session.scalar(select(func.count()).select_from(FigureDayRow)) == 89
    leads, touched, median = found[("smb", "pool:inbound")]
    assert leads >= touched > 0 and median is not None and median > 0
    assert any(key.startswith("queue:") for _, key in found)
