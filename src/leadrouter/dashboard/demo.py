"""Demo data for the dashboard: a small team, accounts and two policy versions written into the
service's tables, then a month of leads routed by the real engine (`engine.route`, with the
policy version active at each lead's arrival and the rotation state carried from lead to lead),
so every trace on the dashboard is one the engine wrote. Each lead is stored as intake stores an
arrival and its decision recorded as live routing records it (`leads/intake.py`,
`leads/record.py`): the demo's rows are the ones the service would have written.

What people did afterwards is simulated from a seeded RNG: first touches, outcomes (a won or lost
lead frees its rep's capacity), and the fallback queue being worked: leads that fell there more
than `HANDLED_AFTER` ago were assigned by hand through `dashboard.actions`, the newer ones still
wait. It exists so that `serve` has something to show on a fresh database, and so that the
dashboard's browser tests and `bench/dashboard.py` share one picture of a working month. The same
arguments give the same rows. Never run against a production database.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadrouter.accounts.models import AccountRow
from leadrouter.codec import pool_state_json
from leadrouter.dashboard import actions
from leadrouter.engine import Snapshot
from leadrouter.errors import Conflict
from leadrouter.leads import intake, record
from leadrouter.leads.models import RECEIVED, LeadRow, OutcomeRow, TouchRow
from leadrouter.leads.routing import StoredLead
from leadrouter.model import Kind, RepLoad, RoutingState
from leadrouter.normalize import normalize_lead
from leadrouter.policies.models import PolicyActivationRow, PolicyVersionRow
from leadrouter.policies.snapshot import build_config, compile_version
from leadrouter.pools.models import PoolRow, PoolStateRow
from leadrouter.queues.models import QueueRow
from leadrouter.reps.models import RepLoadRow, RepRow
from leadrouter.sequence import LeadSequence

REPS = (("ana", "Ana Souza"), ("bob", "Bob Stone"), ("lea", "Lea Kurz"), ("sam", "Sam Tan"))
POOL = "inbound"
WEIGHTS = {"ana": 2, "bob": 1, "lea": 1, "sam": 1}
FALLBACK_QUEUE = "unrouted"
REVIEW_QUEUE = "deal_desk"
HANDLED_AFTER = timedelta(days=7)  # fallback leads older than this were assigned by hand
TRIAGE = "Dana (RevOps)"  # who works the fallback queue in the demo
# (id, name, domain, segment, owner, type): customers route to their owner under 2026.11.2.
ACCOUNTS = (
    ("acct-halcyon", "Halcyon Logistics", "halcyonlogistics.com", "enterprise", "ana", "customer"),
    ("acct-kessler", "Kessler Pharma", "kesslerpharma.com", "enterprise", "bob", "customer"),
    ("acct-tsubame", "Tsubame Robotics", "tsubamerobotics.jp", "mid-market", "lea", "customer"),
    (
        "acct-brightwater",
        "Brightwater Bank",
        "brightwaterbank.com",
        "enterprise",
        "ana",
        "prospect",
    ),
    (
        "acct-pinecrest",
        "Pinecrest Software",
        "pinecrestsoftware.io",
        "mid-market",
        "sam",
        "customer",
    ),
    ("acct-northline", "Northline Security", "northlinesecurity.io", "smb", "sam", "prospect"),
)
PROSPECTS = (
    ("Mid-Market Corp", "midmarketcorp.com"),
    ("Etoile Energie", "etoileenergie.fr"),
    ("Brown & Collins", "browncollins.io"),
    ("Riverbend Health", "riverbendhealth.org"),
    ("Quantix Analytics", "quantixanalytics.com"),
    ("Lumen Retail", "lumenretail.com"),
    ("Orbit Freight", "orbitfreight.com"),
    ("Sable Insurance", "sableinsurance.com"),
)
FIRST_NAMES = ("amelie", "david", "ryan", "steven", "mei", "omar", "ines", "lukas", "priya", "tom")
LAST_NAMES = ("michel", "turner", "adams", "hall", "chen", "haddad", "garcia", "weber", "rao")
EMPLOYEES = ("1-10", "11-50", "50-200", "201-500", "501-1,000", "1,000-5,000", "5k", "10000+")
SOURCES = ("website", "website", "webinar", "partner", "event")
COUNTRIES = ("US", "United States", "Germany", "France", "UK", "Japan")
MISSING_SIZE = 0.06  # share of forms without a company size: no rule but catch-all takes them
# Outcomes of touched leads, by weight; won and lost close the lead.
OUTCOMES = (("qualified", 3), ("disqualified", 3), ("won", 2), ("lost", 2), (None, 4))
CLOSED = frozenset({"won", "lost"})

POLICY_V1 = """version: "2026.11.1"
name: Acme inbound routing
fallback_queue: unrouted
rules:
  - id: enterprise
    when: employees >= 1000
    route: pool inbound
  - id: smb
    when: employees < 1000
    route: pool inbound
  - id: catch-all
    route: queue unrouted
"""
POLICY_V2 = POLICY_V1.replace('"2026.11.1"', '"2026.11.2"').replace(
    "rules:\n",
    "rules:\n  - id: existing-customer\n"
    '    when: account.matched and account.type == "customer"\n'
    "    route: account owner\n    otherwise: pool inbound\n"
    # The deal desk looks at the largest companies before a rep gets them.
    "  - id: strategic-review\n    when: employees >= 10000\n    route: review deal_desk\n",
)
VERSIONS = (("2026.11.1", POLICY_V1, 30), ("2026.11.2", POLICY_V2, 7))  # (version, text, days ago)


def store_team(session: Session, now: datetime) -> None:
    """The demo reps, pool, queues, accounts and two policy versions (the second active)."""
    for rep_id, name in REPS:
        session.add(RepRow(id=rep_id, name=name, email=f"{rep_id}@acme.example", max_open=120))
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
    session.add(QueueRow(id=REVIEW_QUEUE, name="Deal desk", description="manual review"))
    session.flush()
    session.add(PoolStateRow(pool_id=POOL))
    for account_id, name, domain, segment, owner, kind in ACCOUNTS:
        session.add(
            AccountRow(
                id=account_id, name=name, domains=[domain], segment=segment, owner=owner, type=kind
            )
        )
    for version, text, days_ago in VERSIONS:
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


def arrivals(now: datetime, count: int, days: int, rng: random.Random) -> list[StoredLead]:
    """`count` web forms posted over the `days` before `now`, oldest first, as intake receives
    them."""
    times = sorted(now - timedelta(seconds=rng.uniform(0, days * 86400)) for _ in range(count))
    forms = []
    for i, at in enumerate(times, start=1):
        if rng.random() < 0.3:
            _, company, domain, *_ = rng.choice(ACCOUNTS)
        else:
            company, domain = rng.choice(PROSPECTS)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        raw = {
            "first_name": first.title(),
            "last_name": last.title(),
            "email": f"{first}.{last}{i}@{domain}",
            "company": company,
            "country": rng.choice(COUNTRIES),
            "source": rng.choice(SOURCES),
        }
        if rng.random() >= MISSING_SIZE:
            raw["employees"] = rng.choice(EMPLOYEES)
        forms.append(StoredLead(f"L{i:07d}", raw, at, RECEIVED))
    return forms


def store_routed(
    session: Session, leads: Sequence[StoredLead], decided: Sequence[dict[str, Any]]
) -> list[LeadRow]:
    """Each lead stored as intake stores an arrival, then its decision recorded and the lead
    claimed as routing records them (`decided`: the `record.lead_row` of each, in order), in
    the session's transaction; the lead rows, read afterwards."""
    session.flush()  # the statements below go past the ORM: what it holds pending goes first
    connection = session.connection()
    stored = intake.insert_received(connection, [intake.received_row(lead) for lead in leads])
    written = record.write(connection, decided, [], [], new=True)
    if len(stored) != len(leads) or len(written.claimed) != len(leads):
        raise Conflict("the demo's leads are stored already: seed an empty database")
    # Written past the ORM: read fresh, never from objects the session may hold of them.
    rows = session.scalars(
        select(LeadRow)
        .where(LeadRow.id.in_([lead.id for lead in leads]))
        .execution_options(populate_existing=True)
    )
    by_id = {row.id: row for row in rows}
    return [by_id[lead.id] for lead in leads]


def store_follow_up(
    session: Session,
    lead: LeadRow,
    touched_at: datetime | None,
    outcome: tuple[str, datetime] | None,
) -> None:
    """A first touch by the owner and an outcome, on the lead and in their own tables."""
    if touched_at is not None:
        lead.first_touch_at = touched_at
        session.add(TouchRow(lead_id=lead.id, rep=lead.owner, channel="email", at=touched_at))
    if outcome is not None:
        lead.outcome = outcome[0]
        session.add(OutcomeRow(lead_id=lead.id, outcome=outcome[0], at=outcome[1]))


def _follow_up(
    rng: random.Random, received: datetime, now: datetime
) -> tuple[datetime | None, tuple[str, datetime] | None]:
    """When a rep first touched a lead (most within minutes, some after hours, a few never)
    and, for leads touched days ago, how it ended."""
    if rng.random() < 0.08:
        return None, None
    touched = received + timedelta(seconds=rng.lognormvariate(6.0, 1.1))
    if touched >= now:
        return None, None
    if now - touched < timedelta(days=3):
        return touched, None
    name = rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
    ended = touched + timedelta(days=rng.uniform(1, 3))
    return touched, ((name, ended) if name is not None and ended < now else None)


def _release(state: RoutingState, rep: str) -> RoutingState:
    load = state.load(rep)
    return replace(state, loads={**state.loads, rep: replace(load, open=max(load.open - 1, 0))})


def route_leads(
    session: Session, forms: Sequence[StoredLead], now: datetime, rng: random.Random
) -> None:
    """Route each form with the policy active at its arrival, carrying the rotation state and
    freeing capacity as leads close; then the simulated follow-up of each lead."""
    config = build_config(session)
    policies = {v: compile_version(session, v, config.team) for v, _, _ in VERSIONS}
    switches = [(now - timedelta(days=days), v) for v, _, days in VERSIONS]
    sequence = LeadSequence(Snapshot(policies[VERSIONS[0][0]], config.team, config.accounts))
    closing: list[tuple[datetime, str]] = []  # (closed at, rep) of leads that will close
    decided, follow_ups = [], []
    for form in forms:
        at = form.received_at
        state = sequence.state
        while closing and closing[0][0] <= at:
            state = _release(state, heapq.heappop(closing)[1])
        version = [v for switched, v in switches if switched <= at][-1]
        sequence.snapshot = replace(sequence.snapshot, policy=policies[version], state=state)
        custom = policies[version].custom_fields
        lead = normalize_lead(form.raw, custom, id=form.id, received_at=at)
        done = sequence.route(lead, at)
        decision = done.decision
        decided.append(
            record.lead_row(at, "new", form.id, done.keys, decision, done.known.account_id)
        )
        follow_up = _follow_up(rng, at, now) if decision.kind is Kind.REP else None
        follow_ups.append(follow_up)
        outcome = follow_up[1] if follow_up else None
        if outcome is not None and outcome[0] in CLOSED and decision.owner is not None:
            heapq.heappush(closing, (outcome[1], decision.owner))
    state = sequence.state
    while closing and closing[0][0] <= now:
        state = _release(state, heapq.heappop(closing)[1])
    leads = store_routed(session, forms, decided)
    for lead, follow_up in zip(leads, follow_ups, strict=True):
        if follow_up is not None:
            store_follow_up(session, lead, *follow_up)
    _store_state(session, state)
    for lead in leads:
        if lead.kind == Kind.QUEUE and now - lead.received_at > HANDLED_AFTER:
            _work_queue(session, lead, rng, now)


def _store_state(session: Session, state: RoutingState) -> None:
    for rep_id, _ in REPS:
        load: RepLoad = state.load(rep_id)
        row = session.get(RepLoadRow, rep_id)
        if row is not None:
            row.open, row.today, row.day = load.open, load.today, load.day
    pool = state.pool(POOL)
    row = session.get(PoolStateRow, POOL)
    if row is not None:
        row.cursor, row.current = pool.cursor, pool_state_json(pool)
    session.flush()


def _work_queue(session: Session, lead: LeadRow, rng: random.Random, now: datetime) -> None:
    """Someone in RevOps assigns a fallback lead by hand a few hours later; the rep touches it."""
    at = lead.received_at + timedelta(hours=rng.uniform(1, 20))
    rep = rng.choice(list(WEIGHTS))
    actions.assign_lead(session, lead_id=lead.id, rep_id=rep, now=at, actor=TRIAGE)
    touched = at + timedelta(seconds=rng.lognormvariate(6.0, 1.0))
    store_follow_up(session, lead, touched if touched < now else None, None)


def seed_demo(session: Session, now: datetime, count: int = 400, days: int = 30) -> None:
    """The whole demo: team, policy history and `count` leads over the last `days`."""
    rng = random.Random(7)
    store_team(session, now)
    session.flush()
    route_leads(session, arrivals(now, count, days, rng), now, rng)
