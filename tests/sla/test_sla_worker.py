"""The worker end to end on SQLite and PostgreSQL, on a fake clock: clocks start from decisions,
the ladder runs to recycling, a touch stops it, fallback leads alert, failing endpoints dead-letter.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from leadrouter.accounts import service as accounts
from leadrouter.accounts.schemas import AccountIn
from leadrouter.leads.models import LeadRow
from leadrouter.notify import outbox
from leadrouter.notify.models import DEAD, SENT, OutboxRow
from leadrouter.policies import service as policies
from leadrouter.sla.models import CANCELLED, FIRED, SlaTimerRow
from leadrouter.sla.service import timeline
from leadrouter.store import Database
from leadrouter.store.config_version import bump_config_version

from .service_setup import POLICY, Service, service

NY = ZoneInfo("America/New_York")
TUESDAY_10AM = datetime(2026, 11, 24, 10, 0, tzinfo=NY)


@pytest.fixture
def svc(database: Database) -> Iterator[Service]:
    with service(database, TUESDAY_10AM) as running:
        yield running


def sla_reasons(svc: Service, lead_id: str) -> list[str]:
    with svc.db.read() as session:
        return [e.code for e in timeline(session, lead_id) if e.kind == "sla"]


def mails(svc: Service) -> list[tuple[str, str]]:
    return [(m["To"], m["Subject"]) for m in svc.mail.messages]


def test_worker__runs_the_whole_ladder_from_reminder_to_recycling(svc: Service) -> None:
    lead_id = svc.new_lead()
    svc.worker.run_once()
    svc.run_until(TUESDAY_10AM + timedelta(hours=2), timedelta(seconds=150))
    assert sla_reasons(svc, lead_id) == [
        "SLA_STARTED",
        "SLA_REMINDER",
        "SLA_BREACHED",
        "SLA_ESCALATED",
        "SLA_REASSIGNED",
        "SLA_RECYCLED",
    ]
    assert [to for to, _ in mails(svc)] == [
        "ana@acme.example",  # assigned
        "ana@acme.example",  # reminder at 50%
        "maria@acme.example",  # breach alert to the manager
        "bob@acme.example",  # reassigned to the next rep in the pool
    ]
    assert mails(svc)[1][1] == "Reminder: contact Jo Park by Tue 24 Nov 2026 10:05 EST"
    with svc.db.read() as session:
        lead = session.get(LeadRow, lead_id)
        assert (lead.kind, lead.owner, lead.queue) == ("queue", None, "shared")
    # Every message also went to the signed webhook, each key once, every signature valid.
    assert svc.hooks.rejected == [] and len(svc.hooks.delivered_keys) == 4


def test_worker__a_pass_that_finds_the_whole_ladder_due_fires_it_in_order_on_the_new_owner(
    svc: Service,
) -> None:
    lead_id = svc.new_lead()
    svc.worker.run_once()
    svc.clock.advance(timedelta(hours=2))  # a worker back from an outage: every step is due
    svc.worker.run_once()
    with svc.db.read() as session:
        steps = [(e.code, e.message) for e in timeline(session, lead_id) if e.kind == "sla"]
    assert [code for code, _ in steps][1:] == [
        "SLA_REMINDER",
        "SLA_BREACHED",
        "SLA_ESCALATED",
        "SLA_REASSIGNED",
        "SLA_RECYCLED",
    ]
    # Recycling, in the same batch as the reassignment, sees the owner that step made.
    assert steps[-1][1] == "moved from bob to queue shared"
    assert [to for to, _ in mails(svc)] == [
        "ana@acme.example",
        "ana@acme.example",
        "maria@acme.example",
        "bob@acme.example",
    ]


def test_worker__a_touch_stops_the_ladder_and_meets_the_sla(svc: Service) -> None:
    lead_id = svc.new_lead()
    svc.worker.run_once()
    svc.clock.advance(timedelta(minutes=2))
    svc.touch(lead_id)
    svc.run_until(TUESDAY_10AM + timedelta(hours=3), timedelta(minutes=5))
    assert sla_reasons(svc, lead_id) == ["SLA_STARTED", "SLA_MET"]
    with svc.db.read() as session:
        states = set(session.scalars(select(SlaTimerRow.state)))
    assert states == {CANCELLED}
    assert len(svc.mail.messages) == 1  # only the assignment


def test_worker__a_touch_between_passes_wins_over_a_step_already_due(svc: Service) -> None:
    lead_id = svc.new_lead()
    svc.worker.run_once()
    svc.clock.advance(timedelta(minutes=4))  # the 50% reminder is due but not fired yet
    svc.touch(lead_id)
    svc.worker.run_once()
    assert sla_reasons(svc, lead_id) == ["SLA_STARTED", "SLA_MET"]


def test_worker__a_friday_evening_lead_breaches_on_monday_after_a_quiet_weekend(
    database: Database,
) -> None:
    friday = datetime(2026, 11, 27, 16, 58, tzinfo=NY)
    with service(database, friday) as svc:
        lead_id = svc.new_lead()
        svc.worker.run_once()
        svc.run_until(datetime(2026, 11, 30, 9, 0, tzinfo=NY), timedelta(hours=1))
        assert sla_reasons(svc, lead_id) == ["SLA_STARTED"]  # 2m30s of business time left
        svc.run_until(datetime(2026, 11, 30, 9, 4, tzinfo=NY), timedelta(minutes=1))
        assert sla_reasons(svc, lead_id)[-2:] == ["SLA_BREACHED", "SLA_ESCALATED"]


def test_worker__a_lead_in_the_fallback_queue_alerts_the_team_at_once(svc: Service) -> None:
    lead_id = svc.new_lead(employees="5000")  # no rule but the catch-all: queue unrouted
    svc.worker.run_once()
    assert sla_reasons(svc, lead_id) == ["FALLBACK_ALERT"]
    (received,) = svc.hooks.requests
    assert (
        received.json()["event"] == "queue_alert" and received.json()["data"]["queue"] == "unrouted"
    )
    assert svc.mail.messages == []  # team alerts go to the team's channels, not a rep's inbox


def test_worker__a_failing_endpoint_is_retried_with_backoff_then_dead_lettered(
    svc: Service,
) -> None:
    svc.hooks.failures["/hook"] = 1000
    lead_id = svc.new_lead(employees="5000")
    svc.run_until(TUESDAY_10AM + timedelta(minutes=30), timedelta(minutes=1))
    assert len(svc.hooks.requests) == 4  # max_attempts
    with svc.db.read() as session:
        (dead,) = outbox.dead_letters(session=session)
        assert dead.lead_id == lead_id and dead.attempts == 4 and "HTTP 503" in dead.last_error
    with svc.db.session() as session:
        assert outbox.retry_dead(session, dead.id, now=svc.clock.now())


def test_worker__processing_a_decision_twice_is_impossible(svc: Service) -> None:
    svc.new_lead()
    first = svc.worker.run_once()
    again = svc.worker.run_once()
    assert (first.started, again.started) == (1, 0)
    with svc.db.read() as session:
        keys = list(session.scalars(select(OutboxRow.key).where(OutboxRow.state == SENT)))
        fired = list(session.scalars(select(SlaTimerRow).where(SlaTimerRow.state == FIRED)))
    assert len(keys) == len(set(keys)) == 2 and fired == []
    assert DEAD not in keys


# SLAs that read what only routing knows: the matched account, and the policy's own sets.
SCOPED = (
    POLICY.replace('"s1"', '"s2"')
    + """sets:
  EMEA: [GB, DE, FR]
sla:
  - id: customer
    when: account.type == "customer"
    first_touch: 1h
  - id: emea
    when: country in EMEA
    first_touch: 2h
"""
)


def started_slas(svc: Service, lead_id: str) -> list[str]:
    with svc.db.read() as session:
        entries = timeline(session, lead_id)
    return [e.data["sla"] for e in entries if e.code == "SLA_STARTED"]


def test_worker__an_sla_on_the_matched_account_starts_its_clock(database: Database) -> None:
    # It validated before, but the worker evaluated `when:` without the account: no clock.
    with service(database, TUESDAY_10AM, policy=SCOPED) as svc:
        with database.session() as session:
            customer = AccountIn(
                id="A1", name="Kessler", domains=["kessler.example"], type="customer"
            )
            accounts.upsert(session=session, accounts=[customer], actor="test", now=TUESDAY_10AM)
            bump_config_version(session)
        lead_id = svc.new_lead(email="jo@kessler.example", company="Kessler")
        svc.worker.run_once()
        assert started_slas(svc, lead_id) == ["customer"]


def test_worker__an_sla_on_a_policy_set_is_accepted_and_starts_its_clock(
    database: Database,
) -> None:
    # Refused at upload before: the SLA's scope had no sets or territories.
    with service(database, TUESDAY_10AM, policy=SCOPED) as svc:
        emea = svc.new_lead(country="Germany")
        elsewhere = svc.new_lead(email="al@tiny.io", country="Brazil")
        svc.worker.run_once()
        assert (started_slas(svc, emea), started_slas(svc, elsewhere)) == (["emea"], [])


def test_worker__starts_the_sla_of_the_policy_version_that_routed_the_lead(
    database: Database,
) -> None:
    with service(database, TUESDAY_10AM) as svc:
        lead_id = svc.new_lead()  # routed by s1, whose `standard` SLA applies
        with database.session() as session:
            without_slas = POLICY.replace('"s1"', '"s3"')
            policies.upload(session=session, text=without_slas, actor="test", now=TUESDAY_10AM)
            policies.activate(session=session, version="s3", actor="test", now=TUESDAY_10AM)
        later = svc.new_lead(email="al@tiny.io")  # routed by s3: no SLA
        svc.worker.run_once()
        assert (started_slas(svc, lead_id), started_slas(svc, later)) == (["standard"], [])
