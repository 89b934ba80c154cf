"""What the team admin pages show: one rep's page (their open leads, load against capacity, fair
share and SLA record over the window, upcoming absences, pools, recent changes) and the pools and
queues page. Reads only, from the same services and reports as the API; no clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadrouter.audit import service as audit
from leadrouter.audit.models import AuditRow
from leadrouter.dashboard import views
from leadrouter.leads.models import LeadRow
from leadrouter.model import Kind
from leadrouter.pools.models import PoolRow
from leadrouter.queues.models import QueueRow
from leadrouter.reps.models import RepRow
from leadrouter.store.rows import as_json

REP_LEADS = 50  # the rep page lists this many of their open leads, newest first
CHANGES = 20  # and this many of the latest changes to the rep


@dataclass(frozen=True, slots=True)
class Membership:
    pool: str
    name: str
    member: bool
    weight: int | None  # None: the pool's strategy has no weights
    strategy: str


@dataclass(frozen=True, slots=True)
class RepPage:
    rep: dict[str, Any]  # the rep as the API reads it
    line: views.RepLine  # load, availability, fair share, SLA, conversion
    leads: tuple[LeadRow, ...]
    upcoming: tuple[dict[str, Any], ...]  # absences not over yet
    pools: tuple[Membership, ...]
    changes: tuple[AuditRow, ...]


def rep_page(session: Session, rep_id: str, now: datetime, sla_target: timedelta) -> RepPage | None:
    """One rep's page, or None when there is no such rep."""
    row = session.get(RepRow, rep_id)
    if row is None:
        return None
    line = next(line for line in views.reps(session, now, sla_target) if line.id == rep_id)
    leads = session.scalars(
        select(LeadRow)
        .where(LeadRow.owner == rep_id, LeadRow.kind == Kind.REP.value)
        .where(LeadRow.outcome.is_(None) | LeadRow.outcome.not_in(("won", "lost")))
        .order_by(LeadRow.received_at.desc())
        .limit(REP_LEADS)
    )
    stored = as_json(row)
    upcoming = tuple(a for a in stored["out_of_office"] if datetime.fromisoformat(a["end"]) > now)
    return RepPage(
        stored,
        line,
        tuple(leads),
        upcoming,
        memberships(session, rep_id),
        tuple(audit.list_(session=session, entity="rep", entity_id=rep_id, limit=CHANGES)),
    )


def memberships(session: Session, rep_id: str) -> tuple[Membership, ...]:
    """Every pool, and whether (and with what weight) the rep is in it."""
    found = []
    for pool in session.scalars(select(PoolRow).order_by(PoolRow.id)):
        weighted = pool.strategy != "round_robin"
        weight = pool.weights.get(rep_id, 1) if weighted else None
        found.append(Membership(pool.id, pool.name, rep_id in pool.members, weight, pool.strategy))
    return tuple(found)


@dataclass(frozen=True, slots=True)
class TeamPage:
    pools: tuple[dict[str, Any], ...]
    queues: tuple[dict[str, Any], ...]
    reps: tuple[tuple[str, str], ...]  # (id, name)
    changes: tuple[AuditRow, ...]


def team_page(session: Session) -> TeamPage:
    """Pools and queues as stored, every rep (for membership), and the latest changes."""
    changes = session.scalars(
        select(AuditRow)
        .where(AuditRow.entity.in_(("pool", "queue", "rep")))
        .order_by(AuditRow.id.desc())
        .limit(CHANGES)
    )
    return TeamPage(
        tuple(as_json(p) for p in session.scalars(select(PoolRow).order_by(PoolRow.id))),
        tuple(as_json(q) for q in session.scalars(select(QueueRow).order_by(QueueRow.id))),
        tuple((r.id, r.name) for r in session.scalars(select(RepRow).order_by(RepRow.name))),
        tuple(changes),
    )
