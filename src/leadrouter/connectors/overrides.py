"""An owner changed by hand in the CRM after leadrouter wrote its choice: an override.

It is what a misroute looks like from the CRM, so each is recorded (lead, the rule that routed
it, the rep chosen, the CRM user set instead and their rep when crm.yaml knows them) and the
reports show the rate per rule. A change before leadrouter's write-back reached the CRM, and
the echo of our own write (the CRM tells of every change, ours included), are not overrides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadrouter.audit import service as audit
from leadrouter.connectors.models import CrmOverrideRow
from leadrouter.connectors.writeback import OWNER, external_id, written_owner
from leadrouter.leads.models import LeadRow
from leadrouter.notify.message import Channel
from leadrouter.notify.models import SENT, OutboxRow
from leadrouter.policy.crm import CrmSide

_AUDIT = audit.Recorder("lead")


def record_owner_change(
    session: Session, side: CrmSide, record_id: str, crm_owner: str, now: datetime
) -> CrmOverrideRow | None:
    """Record the CRM record's owner set to `crm_owner` if it overrides what leadrouter wrote;
    the override, or None (not our lead, not written yet, or our own write)."""
    lead = session.scalar(
        select(LeadRow).where(LeadRow.external_id == external_id(side.crm, record_id))
    )
    if lead is None:
        return None
    written = written_owner(session, lead.id)
    if written is None or written.get("owner_id") == crm_owner:
        return None
    last = session.scalar(
        select(CrmOverrideRow)
        .where(CrmOverrideRow.lead_id == lead.id)
        .order_by(CrmOverrideRow.id.desc())
        .limit(1)
    )
    if last is not None and last.crm_owner == crm_owner and last.decision_id == lead.decision_id:
        return None  # the CRM told us twice (a webhook retry)
    row = CrmOverrideRow(
        lead_id=lead.id,
        crm=str(side.crm),
        decision_id=lead.decision_id,
        rule=written.get("rule") or lead.rule,
        routed_owner=written.get("rep") or written.get("queue"),
        written=written.get("owner_id"),
        crm_owner=crm_owner,
        rep=side.rep_of(crm_owner),
        at=now,
    )
    session.add(row)
    _AUDIT.record(
        session,
        lead.id,
        "crm_override",
        actor=f"{side.crm}",
        at=now,
        before={"owner": row.routed_owner, "crm_user": row.written},
        after={"owner": row.rep, "crm_user": crm_owner},
    )
    session.flush()
    return row


@dataclass(frozen=True, slots=True)
class OverrideRate:
    rule: str
    written: int  # leads whose owner was written back to a CRM
    overridden: int  # of those, leads whose owner someone changed by hand afterwards

    @property
    def rate(self) -> float:
        return self.overridden / self.written if self.written else 0.0


def override_rates(
    session: Session, since: datetime | None = None, until: datetime | None = None
) -> list[OverrideRate]:
    """Per rule: leads whose owner was written back to a CRM (in the window, by the time of the
    write-back's decision), and how many of them someone overrode by hand afterwards."""
    query = select(OutboxRow.lead_id, OutboxRow.payload).where(
        OutboxRow.channel == str(Channel.CRM),
        OutboxRow.state == SENT,
        OutboxRow.key.like(f"%:crm:{OWNER}"),
    )
    if since is not None:
        query = query.where(OutboxRow.created_at >= since)
    if until is not None:
        query = query.where(OutboxRow.created_at < until)
    written: dict[str, set[str]] = {}
    decisions: set[int] = set()
    for lead_id, payload in session.execute(query):
        data = payload.get("data", {})
        written.setdefault(data.get("rule") or "(none)", set()).add(lead_id)
        decisions.add(int(data.get("decision_id", 0)))
    overridden: dict[str, set[str]] = {}
    for lead_id, rule, decision_id in session.execute(
        select(CrmOverrideRow.lead_id, CrmOverrideRow.rule, CrmOverrideRow.decision_id)
    ):
        if decision_id in decisions:
            overridden.setdefault(rule or "(none)", set()).add(lead_id)
    return [
        OverrideRate(rule, len(leads), len(overridden.get(rule, set()) & leads))
        for rule, leads in sorted(written.items())
    ]
