"""The demo data is the real engine's work: decisions made by the policy version active at each
arrival, a small fallback queue whose older leads were assigned by hand, loads that add up."""

from __future__ import annotations

import orjson
from sqlalchemy import func, or_, select

from leadrouter.codec import decision_from_dict, json_line
from leadrouter.dashboard.demo import FALLBACK_QUEUE, HANDLED_AFTER, TRIAGE
from leadrouter.leads import record
from leadrouter.leads.models import ROUTED, DecisionRow, LeadRow
from leadrouter.matching import dedupe_keys
from leadrouter.model import Reason
from leadrouter.normalize import normalize_lead
from leadrouter.reps.models import RepLoadRow
from leadrouter.sequence import remembered

from .conftest import NOW


def test_demo__each_lead_was_routed_by_the_policy_active_when_it_arrived(db):
    with db.read() as session:
        rows = session.execute(
            select(LeadRow.received_at, DecisionRow.policy_version)
            .join(DecisionRow, DecisionRow.lead_id == LeadRow.id)
            .where(DecisionRow.cause == "new")
        ).all()
    switch = NOW.replace(day=NOW.day - 7)
    assert rows
    assert all((version == "2026.11.2") == (at >= switch) for at, version in rows)


def test_demo__leads_and_decisions_are_the_rows_live_routing_writes(db):
    decision_columns = set(DecisionRow.__table__.c.keys())
    lead_columns = set(LeadRow.__table__.c.keys())
    with db.read() as session:
        routed = session.execute(
            select(LeadRow, DecisionRow)
            .join(DecisionRow, DecisionRow.lead_id == LeadRow.id)
            .where(DecisionRow.cause == "new")
        ).all()
    assert routed
    for lead, row in routed:
        decision = decision_from_dict(row.body)
        keys = dedupe_keys(normalize_lead(lead.raw, id=lead.id, received_at=lead.received_at))
        account_id = remembered(lead.id, keys, decision).account_id
        written = record.lead_row(lead.received_at, "new", lead.id, keys, decision, account_id)
        assert orjson.loads(json_line(written.pop("body"))) == row.body  # the same codec path
        assert {c: getattr(row, c) for c in written if c in decision_columns} == {
            c: v for c, v in written.items() if c in decision_columns
        }
        # The dedupe keys and account stay; a hand assignment since moved the lead itself.
        kept = ("account_id", "email_key", "phone", "name_key")
        compared = [c for c in written if c in lead_columns]
        if lead.decision_id != row.id:
            compared = [c for c in compared if c in kept]
        assert {c: getattr(lead, c) for c in compared} == {c: written[c] for c in compared}
        assert lead.status == ROUTED and lead.raw is not None


def test_demo__traces_are_the_engines_with_every_rule_tried(db):
    with db.read() as session:
        body = session.scalar(
            select(DecisionRow.body).where(DecisionRow.rule == "smb", DecisionRow.cause == "new")
        )
    decision = decision_from_dict(body)
    assert [check.rule for check in decision.trace.rules][-1] == "smb"
    assert any(check.rep for check in decision.trace.reps)


def test_demo__a_small_share_falls_back_and_only_recent_ones_still_wait(db):
    with db.read() as session:
        leads = session.scalar(select(func.count()).select_from(LeadRow))
        fell = session.scalar(select(func.count()).where(DecisionRow.fallback))
        waiting = session.scalars(
            select(LeadRow.received_at).where(
                LeadRow.kind == "queue", LeadRow.queue == FALLBACK_QUEUE
            )
        ).all()
        manual = session.scalars(select(DecisionRow.body).where(DecisionRow.cause == "manual"))
        notes = [decision_from_dict(body).trace.notes[0] for body in manual]
    assert 0 < fell < leads * 0.1
    assert waiting and all(NOW - at <= HANDLED_AFTER for at in waiting)
    assert len(notes) == fell - len(waiting)
    assert all(n.code is Reason.MANUAL_ASSIGNMENT and TRIAGE in n.message for n in notes)


def test_demo__rep_loads_count_their_open_leads(db):
    with db.read() as session:
        open_leads = dict(
            session.execute(
                select(LeadRow.owner, func.count())
                .where(
                    LeadRow.kind == "rep",
                    or_(LeadRow.outcome.is_(None), LeadRow.outcome.not_in(("won", "lost"))),
                )
                .group_by(LeadRow.owner)
            ).all()
        )
        loads = {row.rep_id: row.open for row in session.scalars(select(RepLoadRow))}
    assert loads == open_leads
