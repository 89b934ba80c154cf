"""The dashboard's pages, actions and /metrics through the real app, on the demo data."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from leadrouter.audit.models import AuditRow
from leadrouter.dashboard.demo import FALLBACK_QUEUE
from leadrouter.dashboard.views import WINDOW
from leadrouter.dashboard.web import duration as _duration
from leadrouter.dashboard.web import percent as _percent
from leadrouter.keys.schemas import Scope
from leadrouter.leads.models import DecisionRow, LeadRow
from leadrouter.reports.summary import DEFAULT_SLA, build_report
from leadrouter.reps.models import RepLoadRow
from leadrouter.settings import Settings
from leadrouter.store import Database

from .conftest import DASHBOARD, NOW, FixedClock
from .server import dashboard_app

PAGES = ("/", "/queue", "/reps", "/rules", "/leads?q=buyer1", "/leads/L0000001", "/policy")


def _waiting(db: Database) -> list[str]:
    with db.read() as session:
        return list(
            session.scalars(
                select(LeadRow.id).where(LeadRow.kind == "queue", LeadRow.queue == FALLBACK_QUEUE)
            )
        )


def _text(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S)
    assert match, element_id
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_pages__send_a_visitor_without_key_to_the_login_page(db):
    client = TestClient(dashboard_app(Settings(db=db.url), db, FixedClock()))
    for page in PAGES:
        response = client.get(page, follow_redirects=False)
        assert (response.status_code, response.headers["location"]) == (303, "/login"), page


def _login_nonce(client: TestClient) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert match
    return match.group(1)


def test_login__refuses_an_unknown_key(db):
    client = TestClient(dashboard_app(Settings(db=db.url), db, FixedClock()))
    nonce = _login_nonce(client)
    response = client.post("/login", data={"key": "lr_not_a_key", "csrf_token": nonce})
    assert response.status_code == 401
    assert "unknown" in response.text


def test_login__with_a_valid_key_opens_the_overview(demo):
    db, tokens = demo
    client = TestClient(dashboard_app(Settings(db=db.url), db, FixedClock()))
    nonce = _login_nonce(client)
    response = client.post("/login", data={"key": tokens[DASHBOARD], "csrf_token": nonce})
    assert response.status_code == 200
    assert "<h1>Overview</h1>" in response.text


def test_pages__all_render_for_a_key_with_leads_and_config_read(client):
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 200, page
        assert "<h1>" in response.text


def test_pages__a_leads_read_key_sees_lead_pages_but_not_configuration(reader):
    for page in ("/", "/queue", "/leads?q=buyer1", "/leads/L0000001"):
        assert reader.get(page).status_code == 200, page
    for page in ("/reps", "/rules", "/policy"):
        response = reader.get(page)
        assert response.status_code == 403, page
        assert "config:read" in response.text
    nav = reader.get("/").text
    assert 'href="/queue"' in nav and 'href="/reps"' not in nav and 'href="/policy"' not in nav
    response = reader.post("/policy/simulate", data={"version": "2026.11.1"})
    assert response.status_code == 403 and "config:read" in response.text


def test_overview__shows_the_same_figures_as_the_report(client, db):
    html = client.get("/").text
    with db.read() as session:
        report = build_report(session, NOW, WINDOW, DEFAULT_SLA)
    assert _text(html, "median-touch") == _duration(report.speed.median)
    assert _text(html, "p90-touch") == _duration(report.speed.p90)
    assert _text(html, "sla-rate") == _percent(report.sla.rate)
    assert _text(html, "fallback-size") == str(sum(q.size for q in report.fallback))


def test_queue__lists_every_waiting_lead_with_why_it_landed_there(client, db):
    html = client.get("/queue").text
    waiting = _waiting(db)
    assert waiting
    for lead_id in waiting:
        assert f'id="lead-{lead_id}"' in html
    # The engine's own trace: the rules the lead failed and why.
    assert "employees missing" in html


def test_assign__moves_the_lead_to_the_rep_with_a_decision_audit_and_load(client, db):
    lead_id = _waiting(db)[0]
    with db.read() as session:
        open_before = session.get(RepLoadRow, "bob").open
    response = client.post(f"/queue/{lead_id}/assign", data={"rep": "bob"})
    assert response.status_code == 200
    assert "assigned to bob" in response.text
    assert lead_id not in _waiting(db)
    assert f'id="lead-{lead_id}"' not in client.get("/queue").text
    with db.read() as session:
        lead = session.get(LeadRow, lead_id)
        decision = session.get(DecisionRow, lead.decision_id)
        audit = session.scalars(select(AuditRow).where(AuditRow.entity_id == lead_id)).one()
        assert (lead.kind, lead.owner, lead.queue) == ("rep", "bob", None)
        assert (decision.cause, decision.owner, decision.at) == ("manual", "bob", NOW)
        assert (audit.action, audit.actor) == ("assign", DASHBOARD)
        assert session.get(RepLoadRow, "bob").open == open_before + 1


def test_assign__the_timeline_says_who_assigned_it_by_hand(client, db):
    lead_id = _waiting(db)[0]
    client.post(f"/queue/{lead_id}/assign", data={"rep": "bob"})
    html = client.get(f"/leads/{lead_id}").text
    assert "Routed again (manual)" in html
    assert f"assigned by {DASHBOARD} from queue unrouted" in html


def test_assign__a_lead_no_longer_waiting_is_a_conflict(client, db):
    lead_id = _waiting(db)[0]
    client.post(f"/queue/{lead_id}/assign", data={"rep": "bob"})
    response = client.post(f"/queue/{lead_id}/assign", data={"rep": "ana"})
    assert response.status_code == 409
    assert "already taken: bob has it" in response.text


def test_assign__needs_a_key_that_may_change_leads(reader, db):
    lead_id = _waiting(db)[0]
    response = reader.post(f"/queue/{lead_id}/assign", data={"rep": "bob"})
    assert response.status_code == 403
    assert lead_id in _waiting(db)
    assert "hx-post" not in reader.get("/queue").text


def test_lead__timeline_shows_arrival_routing_touch_and_outcome_in_order(client, db):
    with db.read() as session:
        lead_id = session.scalar(
            select(LeadRow.id).where(LeadRow.outcome == "won").order_by(LeadRow.id).limit(1)
        )
    html = client.get(f"/leads/{lead_id}").text
    steps = [html.index(step) for step in ("Arrived", "Routed", "Touched by", "Outcome: won")]
    assert steps == sorted(steps)
    assert "rule &#39;" in html or "rule '" in html


def test_lead_explorer__finds_by_email_prefix_and_by_company(client, db):
    with db.read() as session:
        email = session.get(LeadRow, "L0000012").email_key
    by_email = client.get("/leads", params={"q": email[:-4]}).text
    assert 'href="/leads/L0000012"' in by_email
    by_company = client.get("/leads", params={"q": "mid-market corp"}).text
    assert "Mid-Market Corp" in by_company
    assert "No lead matches" in client.get("/leads", params={"q": "nobody-here"}).text


def test_rules__lists_the_active_policy_rules_in_order(client):
    html = client.get("/rules").text
    assert html.index("existing-customer") < html.index("enterprise") < html.index("catch-all")


def test_policy__shows_the_active_version_its_history_and_the_diff(client):
    html = client.get("/policy").text
    assert _text(html, "active-version") == "2026.11.2"
    assert "2026.11.1" in html
    assert "+  - id: existing-customer" in html


def test_metrics__is_prometheus_text_with_routed_queues_and_breaches(demo):
    db, tokens = demo
    client = TestClient(dashboard_app(Settings(db=db.url), db, FixedClock()))
    key = {"Authorization": f"Bearer {tokens[Scope.METRICS_READ]}"}
    response = client.get("/metrics", headers=key)
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    sample = re.compile(r'^[a-z_]+(\{([a-z_]+="[^"]*",?)*\})? -?[0-9.e+]+$')
    lines = response.text.strip().splitlines()
    assert all(line.startswith("# ") or sample.match(line) for line in lines)
    assert f'leadrouter_queue_leads{{queue="{FALLBACK_QUEUE}"}}' in response.text
    assert 'leadrouter_routing_latency_seconds_bucket{le="+Inf"}' in response.text
    assert "leadrouter_sla_breaches_total " in response.text
    with db.read() as session:
        first = session.scalar(select(func.count()).where(DecisionRow.cause == "new"))
    assert f"leadrouter_routing_latency_seconds_count {first}" in response.text


def test_static__serves_vendored_files_and_nothing_else(client):
    assert client.get("/static/htmx-2.0.11.min.js").status_code == 200
    assert client.get("/static/chart-4.6.1.umd.min.js").status_code == 200
    assert client.get("/static/..%2Fdemo.py").status_code == 404


def test_reroute__routes_the_lead_again_with_the_active_policy(client, db):
    lead_id = _waiting(db)[0]
    response = client.post(f"/queue/{lead_id}/reroute")
    assert response.status_code == 200
    assert f"{lead_id} rerouted" in response.text
    # The answer replaces the lead's row, not only its message cell.
    assert response.headers["HX-Retarget"] == f"#lead-{lead_id}"
    assert response.headers["HX-Reswap"] == "outerHTML"
    with db.read() as session:
        causes = session.scalars(select(DecisionRow.cause).where(DecisionRow.lead_id == lead_id))
        assert list(causes) == ["new", "reroute"]


def test_simulate__replays_the_latest_leads_with_an_older_version(client):
    response = client.post("/policy/simulate", data={"version": "2026.11.1"})
    assert response.status_code == 200
    assert "against active <b>2026.11.2</b>" in response.text


def test_simulate__an_unknown_version_is_reported_not_raised(client):
    response = client.post("/policy/simulate", data={"version": "nope"})
    assert response.status_code == 409
    assert "nope" in response.text


def test_lead_page__unknown_lead_answers_404_with_a_page(client):
    answer = client.get("/leads/no-such-lead")
    assert answer.status_code == 404
    assert "There is no lead no-such-lead" in answer.text
