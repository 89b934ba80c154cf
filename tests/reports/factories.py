"""The hand-computable fixture every report test uses.

Twelve leads in the window ending NOW (plus one older lead that every figure must ignore):
L1..L10 were touched 1..10 minutes after arriving; L11 and L12 wait in the fallback queue
untouched, L11 for 26 hours (past the 5-minute SLA) and L12 for 2 minutes (still within it).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from leadrouter.dashboard.demo import FALLBACK_QUEUE, POOL, StoredLead, store_leads, store_team
from leadrouter.reports.figures import LeadFact
from leadrouter.store import Database

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
START = NOW - timedelta(days=30)
SLA = timedelta(minutes=5)
MORNING = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
OWNERS = ("ana",) * 6 + ("bob",) * 3 + ("lea",)
OUTCOMES = {1: "won", 2: "qualified", 3: "lost", 4: "disqualified", 6: "won"}


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
    account = "acct-0" if i <= 5 else None
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
