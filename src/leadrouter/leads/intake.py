"""The intake of leads: the raw payload stored first, in its own transaction, then routed in a
second one. It takes batches: the leads that one process receives at the same moment are stored
in one transaction and routed in one more (`leads/pipeline.py`), which is what lets two cores
keep up with hundreds a second.

Storing before routing means a crash mid-routing loses nothing: the lead stays `received` and
the next request for it (a retry, or a reroute) routes it. The same Idempotency-Key or external
id never creates a second lead or a second decision, even when identical requests race: the
unique indexes stop the second insert (ON CONFLICT DO NOTHING), and routing claims the lead only
while it is still `received`, so the slower of two routings rolls back and answers with the other's.

One lead's failure is its own: a batch that fails is stored or routed again lead by lead, and a
lead whose routing fails alone goes to the policy's fallback queue with the reason in its trace
(principle 3: no lead lost or left unassigned). While no policy is active, leads are stored and
held (`Held`, listed by `waiting`); `sweep` routes what is still `received`, held or left behind.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, and_, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from leadrouter.enrichment import PREFIX as ENRICHED_PREFIX
from leadrouter.errors import Conflict
from leadrouter.leads import routing, unit_of_work
from leadrouter.leads.decisions import summary, summary_of
from leadrouter.leads.models import RECEIVED, ROUTED, LeadRow
from leadrouter.leads.schemas import DecisionSummary, LeadCreate
from leadrouter.leads.service import current_row
from leadrouter.policies.snapshot import ConfigCache
from leadrouter.store import Database

log = logging.getLogger(__name__)
# The leads one sweep routes in one transaction: an intake batch's size.
SWEEP_BATCH = 32
_WHY_MAX = 300
_WAITING_MESSAGE = "stored, not routed yet: routed once a policy is active (or by the next sweep)"

# ON CONFLICT DO NOTHING waits for a racing insert of the same key to commit, then skips: no
# IntegrityError to recover from, and one statement whether the lead is new or a retry. Built
# once per dialect: statement construction costs more than the insert.
_INSERT_LEAD = {
    "postgresql": pg_insert(LeadRow.__table__).on_conflict_do_nothing().returning(LeadRow.id),
    "sqlite": sqlite_insert(LeadRow.__table__).on_conflict_do_nothing().returning(LeadRow.id),
}


class Held(BaseModel):
    """The answer for a lead stored but not routed: no policy is active. It waits, listed by
    `GET /v1/leads/waiting`, and is routed once a policy is activated."""

    lead_id: str
    status: str = RECEIVED
    received_at: datetime
    message: str
    # When the policy's grace delay holds the lead: the time the worker routes it.
    route_after: datetime | None = None


Answer = DecisionSummary | Held
# An exception is what one lead's intake ends with when it cannot be stored or routed at all
# (Conflict: its key came with another payload); it goes to that lead's request alone.
Stored = tuple[routing.StoredLead, bool] | Exception
Taken = tuple[Answer, bool] | Exception


@dataclass(frozen=True, slots=True)
class Intake:
    """A request to store and route one lead, received at `now`."""

    lead_in: LeadCreate
    idempotency_key: str | None
    now: datetime


def store(*, db: Database, intakes: Sequence[Intake]) -> list[Stored]:
    """Insert the raw leads whose key or external id is not taken, committed on return; for each
    intake, (its stored lead, newly created) or the Conflict that stopped it."""
    fresh = [routing.StoredLead(uuid.uuid4().hex, i.lead_in.lead, i.now, RECEIVED) for i in intakes]
    rows = [
        received_row(lead, i.idempotency_key, i.lead_in.external_id)
        for lead, i in zip(fresh, intakes, strict=True)
    ]
    inserted, failed = _insert(db, rows)
    stored: list[Stored] = []
    for lead, i in zip(fresh, intakes, strict=True):
        if lead.id in failed:
            stored.append(failed[lead.id])
            continue
        if lead.id in inserted:
            stored.append((lead, True))
            continue
        try:  # a retry (or a key used twice within this batch): the lead stored first
            with db.read() as session:
                stored.append((_same(session, i.lead_in, i.idempotency_key), False))
        except Conflict as error:
            stored.append(error)
    return stored


def received_row(
    lead: routing.StoredLead, idempotency_key: str | None = None, external_id: str | None = None
) -> dict[str, Any]:
    """A lead's row as it is stored on arrival, before routing: its raw payload, `received`."""
    return {
        "id": lead.id,
        "idempotency_key": idempotency_key,
        "external_id": external_id,
        "raw": lead.raw,
        "received_at": lead.received_at,
        "status": RECEIVED,
    }


def insert_received(connection: Connection, rows: Sequence[dict[str, Any]]) -> Sequence[str]:
    """Insert `received_row`s in one statement, nothing committed; the ids of those inserted
    (a row whose key or external id is taken already is skipped)."""
    return connection.execute(_INSERT_LEAD[connection.dialect.name], rows).scalars().all()


def _insert(db: Database, rows: list[dict[str, Any]]) -> tuple[set[str], dict[str, Exception]]:
    """Insert the lead rows (ids of those inserted, not already taken), in one statement; if it
    fails, one statement per lead, so that a lead whose own insert fails fails alone: (ids
    inserted, the exception of each lead that could not be)."""

    def insert(batch: list[dict[str, Any]]) -> set[str]:
        # Lazy: nobody hears of these leads before routing's `wait_for_disk`, which covers them.
        return set(
            db.write_core(lambda connection: insert_received(connection, batch), lazy_commit=True)
        )

    try:
        return insert(rows), {}
    except Exception as error:  # the statement failed whole: which lead made it fail?
        if len(rows) == 1:
            return set(), {rows[0]["id"]: error}
    inserted: set[str] = set()
    failed: dict[str, Exception] = {}
    for row in rows:
        try:
            inserted |= insert([row])
        except Exception as error:
            failed[row["id"]] = error
    return inserted, failed


def store_and_route(*, db: Database, cache: ConfigCache, intakes: Sequence[Intake]) -> list[Taken]:
    """Store the leads, then route the new ones (and the unrouted repeats); for each intake, (its
    current decision, or `Held` while no policy is active; newly created) or the exception that
    stopped it (a Conflict; a lead that could not be stored). One lead's failure is its own."""
    stored = store(db=db, intakes=intakes)
    leads = [s[0] for s in stored if not isinstance(s, Exception)]
    now = max(i.now for i in intakes)
    answers = iter(route_stored(db=db, cache=cache, leads=leads, now=now) if leads else ())
    taken: list[Taken] = []
    for s in stored:
        if isinstance(s, Exception):
            taken.append(s)
            continue
        answer = next(answers)
        taken.append(answer if isinstance(answer, Exception) else (answer, s[1]))
    return taken


def route_stored(
    *, db: Database, cache: ConfigCache, leads: Sequence[routing.StoredLead], now: datetime
) -> list[Answer | Exception]:
    """Route the stored leads not routed yet, one after another in one transaction; for each
    lead, its current decision (`Held` while no policy is active), or the exception that left
    it unrouted (the database failing, not the lead: a retry or the worker's sweep routes it).

    Leads come in the order they arrived, so each is decided exactly as its own transaction
    would have decided it; a lead routed already (a retry) answers with the decision it has.
    A lead whose routing fails on its own goes to the fallback queue with the reason in its
    trace, and never takes the others of its batch with it.
    """
    unrouted = list({lead.id: lead for lead in leads if lead.status != ROUTED}.values())
    answers: dict[str, Answer | Exception] = {}
    if unrouted:
        _route(db, cache, unrouted, now, answers)
    for lead in leads:  # routed by an earlier request (or the racing one): its decision stands
        if lead.id not in answers:
            with db.read() as session:
                answers[lead.id] = summary(current_row(session=session, lead_id=lead.id))
    # The decisions and the leads' storing committed lazily; an answer promises they are kept.
    # One wait for the batch, after routing's turn: the disk holds up nobody else.
    db.wait_for_disk()
    return [_with_booking(answers[lead.id], cache) for lead in leads]


def _with_booking(answer: Answer | Exception, cache: ConfigCache) -> Answer | Exception:
    """The answer with its owner's booking link, for a form to offer at once."""
    config = cache.latest()
    if not isinstance(answer, DecisionSummary) or answer.owner is None or config is None:
        return answer
    rep = config.team.reps.get(answer.owner)
    if rep is None or rep.booking_url is None:
        return answer
    return answer.model_copy(update={"booking_url": rep.booking_url})


def _route(
    db: Database,
    cache: ConfigCache,
    leads: list[routing.StoredLead],
    now: datetime,
    answers: dict[str, Answer | Exception],
) -> None:
    """Route `leads` in one transaction, putting each one's answer in `answers`; if that fails,
    each on its own, so that a failure belongs to the one lead it comes from."""
    try:
        routed = unit_of_work.write_lazy(
            db=db,
            cache=cache,
            work=lambda connection, lock: routing.decide(
                connection, cache, leads, now, cause="new", lock=lock
            ),
        )
    except routing.NoActivePolicy as error:
        answers.update({lead.id: _held(lead, error) for lead in leads})
    except routing.AlreadyRouted:
        # A racing retry of one of these leads, in another process, routed it first; alone,
        # its decision stands (the caller reads it).
        if len(leads) > 1:  # route each on its own: only that one loses
            for lead in leads:
                _route(db, cache, [lead], now, answers)
    except Exception as error:
        if len(leads) > 1:
            for lead in leads:
                _route(db, cache, [lead], now, answers)
        else:
            _fall_back(db, cache, leads[0], now, error, answers)
    else:
        for r in routed:
            answers[r.lead_id] = summary_of(r) if isinstance(r, routing.Routed) else _waits(r)


def _fall_back(
    db: Database,
    cache: ConfigCache,
    lead: routing.StoredLead,
    now: datetime,
    error: Exception,
    answers: dict[str, Answer | Exception],
) -> None:
    """The lead failed to route on its own: record it in the fallback queue with `error` in its
    trace (people are alerted), unless the database itself is failing; then it stays received."""
    if _connection_failure(error):
        answers[lead.id] = error
        return
    why = _why(error)
    log.warning("routing lead %s failed (%s): fallback queue", lead.id, why, exc_info=error)
    try:
        routed = db.write_core(
            lambda connection: routing.record_failure(connection, cache, lead, now, why),
            lazy_commit=True,
        )
    except routing.AlreadyRouted:
        return  # another request routed it meanwhile: its decision stands
    except routing.NoActivePolicy as held:
        answers[lead.id] = _held(lead, held)
    except Exception:  # the lead stays received: a retry or the worker's sweep routes it
        log.exception("recording lead %s in the fallback queue failed", lead.id)
        answers[lead.id] = error
    else:
        answers[lead.id] = summary_of(routed)


def _connection_failure(error: Exception) -> bool:
    """The database (unreachable, restarting, locked), not the lead, failed."""
    return isinstance(error, OperationalError | InterfaceError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    )


def _why(error: Exception) -> str:
    """The failure in a few words for a lead's trace: the driver's own message, never the
    statement or its values (those of the other leads of the batch)."""
    cause = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    lines = str(cause).strip().splitlines()
    text = f"{type(cause).__name__}: {lines[0]}" if lines else type(cause).__name__
    return text[:_WHY_MAX]


def _waits(held: routing.GraceHeld) -> Held:
    """The answer for a lead the policy's grace delay holds until the worker routes it."""
    return Held(
        lead_id=held.lead_id,
        received_at=held.received_at,
        message=f"held by the policy's {held.grace}: routed at {held.route_after.isoformat()}",
        route_after=held.route_after,
    )


def _held(lead: routing.StoredLead, error: routing.NoActivePolicy) -> Held:
    return Held(
        lead_id=lead.id,
        received_at=lead.received_at,
        message=f"{error}; the lead is stored and waits: it is routed once a policy is active",
    )


def sweep(*, db: Database, cache: ConfigCache, received_by: datetime, now: datetime) -> int:
    """Route the leads still `received` that arrived by `received_by`, oldest first, in
    batches (those a failed intake left behind, those held while no policy was active); how
    many were routed. A lead that cannot be routed now stays for the next sweep."""
    routed = 0
    while True:
        with db.read() as session:
            rows = session.scalars(
                select(LeadRow)
                .where(
                    LeadRow.status == RECEIVED,
                    or_(
                        and_(LeadRow.route_after.is_(None), LeadRow.received_at <= received_by),
                        LeadRow.route_after <= now,  # held by a grace delay, due now
                    ),
                )
                .order_by(LeadRow.received_at, LeadRow.id)
                .limit(SWEEP_BATCH)
            ).all()
            leads = [routing.stored(row) for row in rows]
        if not leads:
            return routed
        answers = route_stored(db=db, cache=cache, leads=leads, now=now)
        done = sum(isinstance(a, DecisionSummary) for a in answers)
        routed += done
        if done < len(leads) or len(leads) < SWEEP_BATCH:  # what is left waits for next time
            return routed


def waiting(*, session: Session, limit: int) -> list[Held]:
    """The leads stored and not routed yet, oldest first."""
    rows = session.scalars(
        select(LeadRow)
        .where(LeadRow.status == RECEIVED)
        .order_by(LeadRow.received_at, LeadRow.id)
        .limit(limit)
    )
    return [
        Held(
            lead_id=row.id,
            received_at=row.received_at,
            message=_WAITING_MESSAGE
            if row.route_after is None
            else f"held by the policy's grace delay: routed at {row.route_after.isoformat()}",
            route_after=row.route_after,
        )
        for row in rows
    ]


def _same(session: Session, lead_in: LeadCreate, key: str | None) -> routing.StoredLead:
    """The stored lead this request repeats; Conflict if it repeats it with another payload."""
    conditions = []
    if key is not None:
        conditions.append(LeadRow.idempotency_key == key)
    if lead_in.external_id is not None:
        conditions.append(LeadRow.external_id == lead_in.external_id)
    row = session.scalar(select(LeadRow).where(or_(*conditions)).limit(1))
    if row is None:
        raise Conflict("the lead conflicts with another one being stored; retry")
    if _as_sent(row.raw) != _as_sent(lead_in.lead):
        raise Conflict(
            f"lead '{row.id}' was received with this idempotency key or external id "
            "and a different payload"
        )
    return routing.stored(row)


def _as_sent(raw: dict[str, Any]) -> dict[str, Any]:
    """A lead's fields without what enrichment stored with them: a retry, enriched again, may
    have found the provider's answer cached, or its budget spent."""
    return {k: v for k, v in raw.items() if not k.startswith(ENRICHED_PREFIX)}
