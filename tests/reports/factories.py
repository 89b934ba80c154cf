"""The hand-computable fixture every report test uses.

Twelve leads in the window ending NOW (plus one older lead that every figure must ignore):
L1..L10 were touched 1..10 minutes after arriving; L11 and L12 wait in the fallback queue
untouched, L11 for 26 hours (past the 5-minute SLA) and L12 for 2 minutes (still within it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from leadrouter.dashboard.demo import (
    FALLBACK_QUEUE,
    POOL,
    store_follow_up,
    store_routed,
    store_team,
)
from leadrouter.leads import record
from leadrouter.leads.models import RECEIVED
from leadrouter.leads.routing import StoredLead as Arrived
from leadrouter.matching import DedupeKeys
from leadrouter.matching.dedupe import email_key
from leadrouter.model import Decision, Kind, Note, Reason, RepCheck, RuleCheck, Trace
from leadrouter.store import Database

from .reference import LeadFact

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
START = NOW - timedelta(days=30)
SLA = timedelta(minutes=5)
MORNING = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
OWNERS = ("ana",) * 6 + ("bob",) * 3 + ("lea",)
OUTCOMES = {1: "won", 2: "qualified", 3: "lost", 4: "disqualified", 6: "won"}


@dataclass(frozen=True, slots=True)
class StoredLead:
    """A lead to write: its report facts plus what the lead explorer shows."""

    fact: LeadFact
    email: str
    company: str
    pool: str | None = None
    account_id: str | None = None
    fallback: bool = False


def decision_for(lead: StoredLead) -> Decision:
    """A hand-built decision that put `lead` where its facts say."""
    fact = lead.fact
    rules = (RuleCheck(fact.rule, True),) if fact.rule else ()
    reps = (RepCheck(fact.owner, lead.pool, Reason.REP_SELECTED),) if fact.owner else ()
    notes = (Note(Reason.FALLBACK, "waiting in the fallback queue"),) if lead.fallback else ()
    return Decision(
        kind=Kind.REP if fact.owner else Kind.QUEUE,
        owner=fact.owner,
        queue=fact.queue,
        rule=fact.rule,
        policy_version="2026.11.2",
        at=fact.received_at,
        trace=Trace(rules=rules, reps=reps, notes=notes),
        fallback=lead.fallback,
        pool=lead.pool,
    )


def store_leads(session, leads: Iterable[StoredLead]) -> None:
    """Write each lead with its decision, first touch and outcome."""
    leads = list(leads)
    arrived = [
        Arrived(
            lead.fact.id,
            {"email": lead.email, "company": lead.company}
            | ({"source": lead.fact.source} if lead.fact.source else {}),
            lead.fact.received_at,
            RECEIVED,
        )
        for lead in leads
    ]
    decided = [
        record.lead_row(
            lead.fact.received_at,
            "new",
            lead.fact.id,
            DedupeKeys(email_key(lead.email), None, None),
            decision_for(lead),
            lead.account_id,
        )
        for lead in leads
    ]
    for lead, row in zip(leads, store_routed(session, arrived, decided), strict=True):
        fact = lead.fact
        outcome_at = (fact.first_touch_at or fact.received_at) + timedelta(days=2)
        outcome = (fact.outcome, outcome_at) if fact.outcome else None
        store_follow_up(session, row, fact.first_touch_at, outcome)


def _touched(i: int) -> StoredLead:
    received = MORNING + timedelta(minutes=i)
    fact = LeadFact(
        id=f"L{i}",
        received_at=received,
        first_touch_at=received + timedelta(minutes=i),
        due_at=received + SLA,
        owner=OWNERS[i - 1],
        rule="enterprise" if i <= 5 else "smb",
        source="webinar" if i <= 4 else "website",
        segment="enterprise" if i <= 5 else None,
        outcome=OUTCOMES.get(i),
    )
    account = "acct-halcyon" if i <= 5 else None  # an enterprise account
    return StoredLead(fact, f"buyer{i}@example.com", f"Buyer {i}", POOL, account_id=account)


def _waiting(i: int, received: datetime) -> StoredLead:
    fact = LeadFact(
        id=f"L{i}",
        received_at=received,
        due_at=received + SLA,
        queue=FALLBACK_QUEUE,
        rule="catch-all",
        source="website",
    )
    return StoredLead(fact, f"buyer{i}@example.com", f"Buyer {i}", fallback=True)


OLD = StoredLead(
    LeadFact(
        id="L0",
        received_at=NOW - timedelta(days=40),
        first_touch_at=NOW - timedelta(days=40) + timedelta(hours=3),
        due_at=NOW - timedelta(days=40) + SLA,
        owner="sam",
        rule="smb",
        source="website",
        outcome="won",
    ),
    "old@example.com",
    "Old Co",
    POOL,
)

LEADS = (
    *(_touched(i) for i in range(1, 11)),
    _waiting(11, datetime(2026, 11, 23, 10, 0, tzinfo=UTC)),
    _waiting(12, NOW - timedelta(minutes=2)),
)
FACTS = tuple(lead.fact for lead in LEADS)


def store_fixture(db: Database) -> None:
    """The demo team and policy, then the fixture's leads (the old one included)."""
    with db.session() as session:
        store_team(session, NOW)
        store_leads(session, (OLD, *LEADS))
