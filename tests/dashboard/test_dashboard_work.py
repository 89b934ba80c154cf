"""The Work queues page: fallback, manual-review and SLA lists, waits since arrival, reps ranked
with unavailable ones behind a confirmation, bulk assign, undo for a minute, conflicts that say
who took the lead; and the API's assign for review leads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from leadrouter.audit.models import AuditRow
from leadrouter.dashboard.demo import FALLBACK_QUEUE, REVIEW_QUEUE
from leadrouter.keys.schemas import Scope
from leadrouter.leads.models import DecisionRow, LeadRow
from leadrouter.reps.models import RepLoadRow, RepRow
from leadrouter.settings import Settings
from leadrouter.store import Database

from .conftest import DASHBOARD, NOW, sign_in
from .server import dashboard_app


class MovableClock:
    def __init__(self) -> None:
        self.at = NOW

    def now(self):
        return self.at


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def manager(demo, clock) -> TestClient:
    db, tokens = demo
    client = TestClient(dashboard_app(Settings(db=db.url), db, clock))
    sign_in(client, tokens[DASHBOARD])
    return client


def _ids(db: Database, kind: str, queue: str) -> list[str]:
    with db.read() as session:
        query = select(LeadRow.id).where(LeadRow.kind == kind, LeadRow.queue == queue)
        return list(session.scalars(query.order_by(LeadRow.received_at)))


def _set_rep(db: Database, rep_id: str, **values) -> None:
    with db.session() as session:
        row = session.get(RepRow, rep_id)
        for key, value in values.items():
            setattr(row, key, value)


def test_review_list__shows_the_review_leads_and_assigns_one(manager, db):
    review = _ids(db, "review", REVIEW_QUEUE)
    assert review
    html = manager.get("/queue", params={"list": "review"}).text
    for lead_id in review:
        assert f'id="lead-{lead_id}"' in html
    answer = manager.post(f"/queue/{review[0]}/assign", data={"rep": "sam"})
    assert answer.status_code == 200 and "assigned to sam" in answer.text
    assert answer.headers["HX-Retarget"] == f"#lead-{review[0]}"
    with db.read() as session:
        lead = session.get(LeadRow, review[0])
        assert (lead.kind, lead.owner) == ("rep", "sam")


def test_wait__counts_from_arrival_and_a_reroute_does_not_restart_it(manager, db, clock):
    lead_id = _ids(db, "queue", FALLBACK_QUEUE)[0]
    with db.read() as session:
        received = session.get(LeadRow, lead_id).received_at
    clock.at = NOW + timedelta(minutes=5)
    manager.post(f"/queue/{lead_id}/reroute")
    with db.read() as session:
        assert session.get(LeadRow, lead_id).kind == "queue"  # still no rule takes it
    html = manager.get("/queue").text
    row = html[html.index(f'id="lead-{lead_id}"') :]
    waited = (clock.at - received).total_seconds()
    from leadrouter.dashboard.web import duration

    assert f'<span class="wait">{duration(waited)}</span>' in row[:2000]


def test_reps__an_unavailable_rep_is_never_first_and_is_marked(manager, db):
    _set_rep(db, "ana", active=False)
    html = manager.get("/queue").text
    select_html = html[html.index('aria-label="Rep for ') :]
    first_option = select_html[select_html.index("<option") : select_html.index("</option>")]
    assert "ana" not in first_option
    assert "⚠ unavailable: inactive" in html or "⚠ unavailable" in html


def test_assign__an_unavailable_rep_needs_a_confirmation(manager, db):
    lead_id = _ids(db, "queue", FALLBACK_QUEUE)[0]
    absent = [
        {
            "start": (NOW - timedelta(days=1)).isoformat(),
            "end": (NOW + timedelta(days=2)).isoformat(),
            "note": "holiday",
        }
    ]
    _set_rep(db, "lea", out_of_office=absent)
    answer = manager.post(f"/queue/{lead_id}/assign", data={"rep": "lea"})
    assert answer.status_code == 409
    assert "unavailable" in answer.text and "anyway" in answer.text
    assert lead_id in _ids(db, "queue", FALLBACK_QUEUE)
    confirmed = manager.post(f"/queue/{lead_id}/assign", data={"rep": "lea", "confirm": "yes"})
    assert confirmed.status_code == 200
    assert lead_id not in _ids(db, "queue", FALLBACK_QUEUE)


def test_conflict__says_who_took_the_lead(manager, db):
    lead_id = _ids(db, "queue", FALLBACK_QUEUE)[0]
    manager.post(f"/queue/{lead_id}/assign", data={"rep": "bob"})
    answer = manager.post(f"/queue/{lead_id}/assign", data={"rep": "sam"})
    assert answer.status_code == 409
    assert "bob has it" in answer.text and f"assign by {DASHBOARD}" in answer.text


def test_undo__within_a_minute_puts_the_lead_back_with_its_load(manager, db, clock):
    lead_id = _ids(db, "review", REVIEW_QUEUE)[0]
    with db.read() as session:
        before = session.get(RepLoadRow, "bob").open
    manager.post(f"/queue/{lead_id}/assign", data={"rep": "bob"})
    clock.at = NOW + timedelta(seconds=50)
    answer = manager.post(f"/queue/{lead_id}/undo")
    assert answer.status_code == 200 and "back in review deal_desk" in answer.text
    with db.read() as session:
        lead = session.get(LeadRow, lead_id)
        assert (lead.kind, lead.owner, lead.queue) == ("review", None, REVIEW_QUEUE)
        assert session.get(RepLoadRow, "bob").open == before
        causes = session.scalars(
            select(DecisionRow.cause).where(DecisionRow.lead_id == lead_id).order_by(DecisionRow.id)
        ).all()
        assert causes[-2:] == ["manual", "undo"]
        actions = session.scalars(
            select(AuditRow.action).where(AuditRow.entity_id == lead_id)
        ).all()
        assert len(actions) == 2


def test_undo__after_a_minute_is_refused(manager, db, clock):
    lead_id = _ids(db, "queue", FALLBACK_QUEUE)[0]
    manager.post(f"/queue/{lead_id}/assign", data={"rep": "bob"})
    clock.at = NOW + timedelta(seconds=61)
    answer = manager.post(f"/queue/{lead_id}/undo")
    assert answer.status_code == 409 and "Too late" in answer.text
    with db.read() as session:
        assert session.get(LeadRow, lead_id).owner == "bob"


def test_bulk__assigns_every_ticked_lead_and_reports_the_ones_taken(manager, db):
    waiting = _ids(db, "queue", FALLBACK_QUEUE)[:3]
    manager.post(f"/queue/{waiting[0]}/assign", data={"rep": "ana"})  # a colleague was faster
    answer = manager.post("/queue/bulk", data={"lead": waiting, "rep": "sam"})
    assert answer.status_code == 200
    assert "2 assigned, 1 not" in answer.text and "ana has it" in answer.text
    with db.read() as session:
        assert [session.get(LeadRow, i).owner for i in waiting] == ["ana", "sam", "sam"]


def test_sla_breached__lists_untouched_overdue_leads_and_reassigns_one(manager, db):
    html = manager.get("/queue", params={"list": "breached"}).text
    with db.read() as session:
        overdue = session.scalars(
            select(LeadRow.id).where(
                LeadRow.kind == "rep",
                LeadRow.first_touch_at.is_(None),
                LeadRow.received_at < NOW - timedelta(minutes=15),
                LeadRow.outcome.is_(None),
            )
        ).all()
    assert overdue
    for lead_id in overdue[:5]:
        assert f'id="lead-{lead_id}"' in html
    with db.read() as session:
        owner = session.get(LeadRow, overdue[0]).owner
    other = next(r for r in ("ana", "bob", "sam", "lea") if r != owner)
    answer = manager.post(f"/queue/{overdue[0]}/assign", data={"rep": other, "owner": owner})
    assert answer.status_code == 200
    stale = manager.post(f"/queue/{overdue[0]}/assign", data={"rep": owner, "owner": owner})
    assert stale.status_code == 409 and f"{other} has it" in stale.text


def test_api__assigns_a_review_lead_and_answers_409_for_an_unavailable_rep(demo, db):
    _, tokens = demo
    api = TestClient(dashboard_app(Settings(db=db.url), db, MovableClock()))
    key = {"Authorization": f"Bearer {tokens[Scope.LEADS_WRITE]}"}
    lead_id = _ids(db, "review", REVIEW_QUEUE)[0]
    _set_rep(db, "ana", active=False)
    refused = api.post(f"/v1/leads/{lead_id}/assign", json={"rep": "ana"}, headers=key)
    assert refused.status_code == 409 and "unavailable" in refused.text
    answer = api.post(f"/v1/leads/{lead_id}/assign", json={"rep": "bob"}, headers=key)
    assert answer.status_code == 200, answer.text
    assert answer.json()["owner"] == "bob"
    again = api.post(f"/v1/leads/{lead_id}/assign", json={"rep": "sam"}, headers=key)
    assert again.status_code == 409 and "bob has it" in again.text
