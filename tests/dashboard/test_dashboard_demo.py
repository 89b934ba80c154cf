"""The demo data is the real engine's work: decisions made by the policy version active at each
arrival, a small fallback queue whose older leads were assigned by hand, loads that add up."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from leadrouter.codec import decision_from_dict
from leadrouter.dashboard.demo import FALLBACK_QUEUE, HANDLED_AFTER, TRIAGE
from leadrouter.leads.models import DecisionRow, LeadRow
from leadrouter.model import Reason
from leadrouter.reps.models import RepLoadRow

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
