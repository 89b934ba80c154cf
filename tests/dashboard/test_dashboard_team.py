"""Team admin: a rep's page, editing a rep (out of office, capacity, hours, pools) and pools and
queues through forms, with errors inline and every change audited under who made it; the next
lead skips a rep set out of office."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from leadrouter.audit.models import AuditRow
from leadrouter.dashboard.team_forms import hours_text, parse_hours
from leadrouter.keys.schemas import Scope
from leadrouter.pools.models import PoolRow
from leadrouter.queues.models import QueueRow
from leadrouter.reps.models import RepRow
from leadrouter.settings import Settings

from .conftest import NOW, FixedClock, sign_in
from .server import dashboard_app

EDITOR = "config:write"


@pytest.fixture
def editor(demo) -> TestClient:
    db, tokens = demo
    client = TestClient(dashboard_app(Settings(db=db.url), db, FixedClock()))
    sign_in(client, tokens[Scope.CONFIG_WRITE])
    return client


def _rep_form(client: TestClient, rep_id: str, **changes) -> dict:
    """The rep form's fields as the page renders them, with `changes` applied."""
    html = client.get(f"/reps/{rep_id}").text
    form = html[html.index('id="rep-form"') : html.index("</form>", html.index('id="rep-form"'))]
    data: dict = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form):
        if name in ("keep_absence", "pool"):
            continue
        data[name] = value
    for tag in re.findall(r"<input[^>]*>", form):
        if 'type="checkbox"' in tag and " checked" in tag:
            name = re.search(r'name="([^"]+)"', tag).group(1)
            value = re.search(r'value="([^"]+)"', tag)
            if name == "active":
                data["active"] = "on"
            else:
                data.setdefault(name, []).append(value.group(1))
    hours = re.search(r'name="hours"[^>]*>([^<]*)</textarea>', form)
    data["hours"] = hours.group(1) if hours else ""
    data.update(changes)
    return data


def _post_lead(client: TestClient, token: str, n: int) -> str:
    lead = {
        "email": f"buyer{n}@newprospect{n}.com",
        "company": f"New Prospect {n}",
        "employees": "1,000-5,000",
        "country": "US",
        "source": "website",
    }
    answer = client.post(
        "/v1/leads", json={"lead": lead}, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code in (200, 201), answer.text
    return answer.json()["owner"]


def test_working_hours__read_as_people_write_them_and_shown_back():
    shifts = parse_hours("Mon-Fri 09:00-17:00\nsat 10:00-14:00")
    assert len(shifts) == 6 and shifts[5] == {"weekday": 5, "start": "10:00", "end": "14:00"}
    assert parse_hours("") is None and parse_hours("never") == []
    assert hours_text(shifts).splitlines()[0] == "Mon 09:00-17:00"
    with pytest.raises(ValueError, match="line 1"):
        parse_hours("weekdays 9-5")


def test_rep_page__shows_load_sla_leads_and_no_form_without_config_write(client, db):
    html = client.get("/reps/ana").text
    assert 'id="rep-load"' in html and 'id="rep-sla"' in html and 'id="rep-leads"' in html
    assert 'id="rep-form"' not in html  # the dashboard key may read the team, not change it


def test_out_of_office_set_in_the_ui_is_audited_and_the_next_leads_skip_the_rep(editor, demo, db):
    _, tokens = demo
    start = (NOW - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    end = (NOW + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    form = _rep_form(editor, "ana", absence_start=start, absence_end=end, absence_note="holiday")
    answer = editor.post("/reps/ana", data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    page = editor.get(answer.headers["location"]).text
    assert "Saved" in page and "holiday" in page
    with db.read() as session:
        assert session.get(RepRow, "ana").out_of_office[0]["note"] == "holiday"
        change = session.scalars(
            select(AuditRow).where(AuditRow.entity == "rep", AuditRow.entity_id == "ana")
        ).one()
        assert change.actor == EDITOR and "out_of_office" in change.after
    owners = {_post_lead(editor, tokens[Scope.LEADS_WRITE], n) for n in range(8)}
    assert "ana" not in owners and owners


def test_rep_form__errors_show_next_to_their_field_and_nothing_changes(editor, db):
    form = _rep_form(editor, "bob", timezone="Mars/Olympus", max_open="many", hours="9 to 5")
    answer = editor.post("/reps/bob", data=form)
    assert answer.status_code == 422
    assert 'id="err-max_open"' in answer.text and 'id="err-working_hours"' in answer.text
    assert 'value="many"' in answer.text  # what was typed stays
    form = _rep_form(editor, "bob", timezone="Mars/Olympus")
    answer = editor.post("/reps/bob", data=form)
    assert answer.status_code == 422 and 'id="err-timezone"' in answer.text
    assert "unknown time zone" in answer.text
    with db.read() as session:
        assert session.get(RepRow, "bob").timezone == "UTC"


def test_rep_form__a_missing_field_takes_its_default_and_an_unknown_one_is_ignored(editor, db):
    # FastAPI reads the post into RepForm beside the CSRF check's own form field: neither a
    # field left out nor one the form does not have may turn into FastAPI's 422.
    form = _rep_form(editor, "lea", max_open="12", nickname="Lea")
    form.pop("timezone")
    del editor.headers["X-CSRF-Token"]  # the token from the form's field alone
    answer = editor.post("/reps/lea", data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    with db.read() as session:
        lea = session.get(RepRow, "lea")
        assert lea.max_open == 12 and lea.timezone == "UTC"
    blank = editor.post("/reps/lea", data={"csrf_token": form["csrf_token"]})
    assert blank.status_code == 422 and 'id="err-name"' in blank.text  # the page, with its errors


def test_rep_form__capacity_hours_and_pool_weight_change_through_the_services(editor, db):
    form = _rep_form(editor, "lea", max_open="30", hours="Mon-Fri 08:00-16:00")
    form["weight:inbound"] = "3"
    answer = editor.post("/reps/lea", data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    with db.read() as session:
        lea = session.get(RepRow, "lea")
        assert lea.max_open == 30 and len(lea.working_hours) == 5
        assert session.get(PoolRow, "inbound").weights["lea"] == 3
        entities = set(session.scalars(select(AuditRow.entity).where(AuditRow.actor == EDITOR)))
        assert entities == {"rep", "pool"}


def test_rep_form__taking_the_rep_out_of_every_pool_says_why_it_cannot(editor, db):
    with db.session() as session:
        session.get(PoolRow, "inbound").members = ["sam"]
        session.get(PoolRow, "inbound").weights = {"sam": 1}
    form = _rep_form(editor, "sam")
    form.pop("pool", None)
    answer = editor.post("/reps/sam", data=form)
    assert answer.status_code == 422 and 'id="err-pools"' in answer.text


def test_team__pools_and_queues_are_edited_with_inline_errors(editor, db):
    html = editor.get("/team").text
    assert 'id="pool-inbound"' in html and 'id="queue-unrouted"' in html
    bad = editor.post(
        "/team/pools/inbound",
        data={
            "name": "Inbound",
            "strategy": "weighted",
            "member": ["ana", "nobody"],
            "when_full": "least_loaded",
        },
    )
    assert bad.status_code == 422 and "unknown rep" in bad.text
    good = editor.post(
        "/team/pools/inbound",
        data={
            "name": "Inbound EMEA",
            "strategy": "round_robin",
            "member": ["ana", "bob"],
            "when_full": "least_loaded",
            "respect_working_hours": "on",
        },
        follow_redirects=False,
    )
    assert good.status_code == 303, good.text
    added = editor.post(
        "/team/queues", data={"id": "partners", "name": "Partner leads"}, follow_redirects=False
    )
    assert added.status_code == 303
    empty = editor.post("/team/queues/partners", data={"name": ""})
    assert empty.status_code == 422
    with db.read() as session:
        assert session.get(PoolRow, "inbound").members == ["ana", "bob"]
        assert session.get(QueueRow, "partners").name == "Partner leads"
        actors = set(
            session.scalars(select(AuditRow.actor).where(AuditRow.entity.in_(("pool", "queue"))))
        )
        assert actors == {EDITOR}


def test_team__a_reader_cannot_change_anything(client, db):
    answer = client.post("/team/queues", data={"id": "x", "name": "X"})
    assert answer.status_code == 403
    with db.read() as session:
        assert session.get(QueueRow, "x") is None
