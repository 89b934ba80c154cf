"""Demo data for the dashboard: a small team, accounts, policy versions and leads with their
decisions, touches and outcomes, written straight into the service's tables.

It exists so that `serve` has something to show on a fresh database, and so that the dashboard's
browser tests and `bench/dashboard.py` share one picture of a working week. Generated from a seed
and a given `now`: the same arguments give the same rows. Never run against a production database.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from leadrouter.accounts.models import AccountRow
from leadrouter.codec import decision_to_dict
from leadrouter.leads.models import ROUTED, DecisionRow, LeadRow, OutcomeRow, TouchRow
from leadrouter.model import Decision, Kind, Note, Reason, RepCheck, RuleCheck, Trace
from leadrouter.policies.models import PolicyActivationRow, PolicyVersionRow
from leadrouter.pools.models import PoolRow
from leadrouter.queues.models import QueueRow
from leadrouter.reports.figures import LeadFact
from leadrouter.reps.models import RepLoadRow, RepRow

REPS = (("ana", "Ana Souza"), ("bob", "Bob Stone"), ("lea", "Lea Kurz"), ("sam", "Sam Tan"))
POOL = "inbound"
WEIGHTS = {"ana": 2, "bob": 1, "lea": 1, "sam": 1}
FALLBACK_QUEUE = "unrouted"
# Each demo rule and the clause that decides it, as a trace shows it when the rule did not match.
RULE_CLAUSES = {
    "existing-customer": "account.matched",
    "enterprise": "employees >= 1000",
    "smb": "employees < 200",
    "catch-all": "always",
}
RULES = tuple(RULE_CLAUSES)
SOURCES = ("website", "webinar", "partner", "event")
SEGMENTS = ("enterprise", "mid-market", "smb")
OUTCOMES = (None, None, "qualified", "disqualified", "won", "lost")
POLICY_V1 = """version: "2026.11.1"
name: Acme inbound routing
fallback_queue: unrouted
rules:
  - id: enterprise
    when: employees >= 1000
    route: pool inbound
  - id: catch-all
    route: queue unrouted
"""
POLICY_V2 = POLICY_V1.replace('"2026.11.1"', '"2026.11.2"').replace(
    "rules:\n",
    "rules:\n  - id: existing-customer\n    when: account.matched\n    route: account owner\n",
)


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
    """The decision that put `lead` where its facts say, with a trace a human can read."""
    fact = lead.fact
    tried = RULES[: RULES.index(fact.rule) + 1] if fact.rule in RULES else ()
    rules = tuple(
        RuleCheck(rule, True) if rule == fact.rule else RuleCheck(rule, False, RULE_CLAUSES[rule])
        for rule in tried
    )
    reps = (RepCheck(fact.owner, lead.pool, Reason.REP_SELECTED),) if fact.owner else ()
    notes = (
        (Note(Reason.FALLBACK, "no rule routed the lead: waiting in the fallback queue"),)
        if lead.fallback
        else ()
    )
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


def store_leads(session: Session, leads: Iterable[StoredLead]) -> None:
    """Write each lead with its decision, first touch and outcome."""
    for lead in leads:
        fact = lead.fact
        decision = decision_for(lead)
        raw: dict[str, Any] = {"email": lead.email, "company": lead.company}
        if fact.source:
            raw["source"] = fact.source
        row = LeadRow(
            id=fact.id,
            raw=raw,
            received_at=fact.received_at,
            status=ROUTED,
            kind=decision.kind.value,
            owner=fact.owner,
            queue=fact.queue,
            pool=lead.pool,
            rule=fact.rule,
            account_id=lead.account_id,
            email_key=lead.email.lower(),
            outcome=fact.outcome,
            first_touch_at=fact.first_touch_at,
        )
        session.add(row)
        stored = DecisionRow(
            lead_id=fact.id,
            at=decision.at,
            cause="new",
            kind=decision.kind.value,
            owner=decision.owner,
            queue=decision.queue,
            rule=decision.rule,
            policy_version=decision.policy_version,
            fallback=decision.fallback,
            body=decision_to_dict(decision),
        )
        session.flush()
        session.add(stored)
        session.flush()
        row.decision_id = stored.id
        if fact.first_touch_at is not None:
            session.add(
                TouchRow(lead_id=fact.id, rep=fact.owner, channel="email", at=fact.first_touch_at)
            )
        if fact.outcome is not None:
            at = (fact.first_touch_at or fact.received_at) + timedelta(days=2)
            session.add(OutcomeRow(lead_id=fact.id, outcome=fact.outcome, at=at))


def store_team(session: Session, now: datetime) -> None:
    """The demo reps, pool, queues, accounts and two policy versions (the second active)."""
    for rep_id, name in REPS:
        session.add(RepRow(id=rep_id, name=name, email=f"{rep_id}@acme.example", max_open=40))
    # The tables declare no ORM relationships, so the flush order must be made explicit.
    session.flush()
    for rep_id, _ in REPS:
        session.add(RepLoadRow(rep_id=rep_id))
    session.add(
        PoolRow(
            id=POOL, name="Inbound", members=list(WEIGHTS), weights=WEIGHTS, strategy="weighted"
        )
    )
    session.add(QueueRow(id=FALLBACK_QUEUE, name="Unrouted", fallback=True))
    session.add(QueueRow(id="marketing_nurture", name="Marketing nurture"))
    for i, segment in enumerate(SEGMENTS):
        session.add(AccountRow(id=f"acct-{i}", name=f"{segment.title()} Corp", segment=segment))
    for days_ago, text in ((30, POLICY_V1), (7, POLICY_V2)):
        version = text.split('"')[1]
        at = now - timedelta(days=days_ago)
        session.add(
            PolicyVersionRow(
                version=version,
                name="Acme inbound routing",
                text=text,
                created_at=at,
                created_by="demo",
            )
        )
        session.flush()
        session.add(PolicyActivationRow(version=version, at=at, by="demo"))


def demo_leads(now: datetime, count: int, days: int, seed: int = 7) -> Sequence[StoredLead]:
    """`count` leads spread over the `days` before `now`; a few wait in the fallback queue."""
    rng = random.Random(seed)
    reps = [rep for rep, weight in WEIGHTS.items() for _ in range(weight)]
    leads = []
    for i in range(count):
        received = now - timedelta(seconds=rng.uniform(0, days * 86400))
        fallback = rng.random() < 0.03
        rule = "catch-all" if fallback else rng.choice(RULES[:3])
        owner = None if fallback else rng.choice(reps)
        age = (now - received).total_seconds()
        touch = rng.lognormvariate(6.0, 1.0) if owner else None
        touched = touch is not None and touch < age and rng.random() < 0.9
        company = rng.randrange(len(SEGMENTS))
        fact = LeadFact(
            id=f"L{i:07d}",
            received_at=received,
            first_touch_at=received + timedelta(seconds=touch) if touched and touch else None,
            owner=owner,
            queue=FALLBACK_QUEUE if fallback else None,
            rule=rule,
            source=rng.choice(SOURCES),
            segment=SEGMENTS[company],
            outcome=rng.choice(OUTCOMES) if touched and age > 3 * 86400 else None,
        )
        leads.append(
            StoredLead(
                fact,
                email=f"buyer{i}@{SEGMENTS[company]}-corp.example",
                company=f"{SEGMENTS[company].title()} Corp",
                pool=POOL if owner else None,
                account_id=f"acct-{company}",
                fallback=fallback,
            )
        )
    return leads


def seed_demo(session: Session, now: datetime, count: int = 400, days: int = 30) -> None:
    """The whole demo: team, policy history and `count` leads over the last `days`."""
    store_team(session, now)
    store_leads(session, demo_leads(now, count, days))
