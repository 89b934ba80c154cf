"""Reps: create, update (deactivate, out of office, capacity, working hours), list, and the
conversion between rows and the core's `Rep`. Every change is audited and bumps the config
version in the caller's transaction.
"""

from __future__ import annotations

from datetime import datetime, time
from types import MappingProxyType
from typing import Any

from sqlalchemy.orm import Session

from leadrouter.config_table import ConfigTable
from leadrouter.distribute import unavailable
from leadrouter.errors import FieldProblem, LeadValidationError
from leadrouter.model import Absence, Rep, RepLoad, Shift
from leadrouter.reps.models import RepLoadRow, RepRow
from leadrouter.reps.schemas import RepCreate, RepRead, RepUpdate
from leadrouter.store.rows import as_json


def get_or_raise(*, session: Session, rep_id: str) -> RepRow:
    return _REPS.get_or_raise(session, rep_id)


def list_(*, session: Session) -> list[RepRow]:
    return _REPS.list_(session)


def create(
    *, session: Session, rep_in: RepCreate, actor: str, now: datetime, whole_team: bool = False
) -> RepRow:
    """Add a rep (with an empty load row), audited. `whole_team`: one of a team file's reps,
    whose references the team loader checked against the whole file (a manager may come later
    in it)."""
    row = _REPS.create(session, rep_in, actor=actor, now=now, check=not whole_team)
    session.add(RepLoadRow(rep_id=row.id))
    return row


def update(
    *, session: Session, rep_id: str, rep_in: RepUpdate, actor: str, now: datetime
) -> RepRow:
    """Change the fields given in `rep_in` (absent fields stay as they are), audited. The rep
    as changed must pass every rule of creation."""
    return _REPS.update(session, rep_id, rep_in, actor=actor, now=now)


def _check_colleagues(session: Session, rep: RepCreate) -> None:
    """A manager or backup must be another known rep (as in a team file)."""
    problems = []
    for key in ("manager", "backup"):
        other = getattr(rep, key)
        if other is None:
            continue
        if other == rep.id:
            problems.append(FieldProblem(f"body.{key}", f"a rep cannot be their own {key}"))
        elif session.get(RepRow, other) is None:
            problems.append(FieldProblem(f"body.{key}", f"unknown rep '{other}'"))
    if problems:
        raise LeadValidationError(problems)


_REPS = ConfigTable(RepRow, RepCreate, "rep", check=_check_colleagues)


def read(*, session: Session, row: RepRow) -> RepRead:
    load = session.get(RepLoadRow, row.id)
    return RepRead.model_validate({**as_json(row), "open_leads": load.open if load else 0})


def availability(row: RepRow, stored: RepLoadRow | None, now: datetime) -> tuple[RepLoad, str]:
    """The rep's load as stored (`stored`: their load row, None when they have none yet) and why
    they cannot take a lead at `now` ("" when they can), as routing would say it: inactive, out
    of office, outside working hours, at capacity."""
    load = RepLoad(stored.open, stored.today, stored.day) if stored else RepLoad()
    blocked = unavailable(to_rep(row), load, now)
    return load, blocked[1] if blocked else ""


def to_rep(row: RepRow) -> Rep:
    """The core's value for a rep row."""
    hours = row.working_hours
    return Rep(
        id=row.id,
        name=row.name,
        email=row.email,
        timezone=row.timezone,
        working_hours=None
        if hours is None
        else tuple(
            Shift(s["weekday"], time.fromisoformat(s["start"]), time.fromisoformat(s["end"]))
            for s in hours
        ),
        out_of_office=tuple(
            Absence(datetime.fromisoformat(a["start"]), datetime.fromisoformat(a["end"]), a["note"])
            for a in row.out_of_office
        ),
        max_open=row.max_open,
        max_per_day=row.max_per_day,
        max_per_week=row.max_per_week,
        max_per_month=row.max_per_month,
        daily_cap=row.daily_cap or "calendar",
        skills=frozenset(row.skills),
        languages=frozenset(row.languages),
        active=row.active,
        manager=row.manager,
        backup=row.backup,
        attributes=MappingProxyType(
            {
                name: tuple(value) if isinstance(value, list) else _attribute(value)
                for name, value in (row.attributes or {}).items()
            }
        ),
        booking_url=row.booking_url,
    )


def _attribute(value: Any) -> Any:
    # Numbers are floats in the core, as lead fields are; true/false stays a bool.
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


def from_rep(rep: Rep) -> RepCreate:
    """The create request that reproduces a core `Rep` (seeding from a workspace)."""
    values: dict[str, Any] = {
        "id": rep.id,
        "name": rep.name,
        "email": rep.email,
        "timezone": rep.timezone,
        "working_hours": None
        if rep.working_hours is None
        else [{"weekday": s.weekday, "start": s.start, "end": s.end} for s in rep.working_hours],
        "out_of_office": [
            {"start": a.start, "end": a.end, "note": a.note} for a in rep.out_of_office
        ],
        "max_open": rep.max_open,
        "max_per_day": rep.max_per_day,
        "max_per_week": rep.max_per_week,
        "max_per_month": rep.max_per_month,
        "daily_cap": rep.daily_cap,
        "skills": sorted(rep.skills),
        "languages": sorted(rep.languages),
        "active": rep.active,
        "manager": rep.manager,
        "backup": rep.backup,
        "attributes": {
            name: list(value) if isinstance(value, tuple) else value
            for name, value in rep.attributes.items()
        },
        "booking_url": rep.booking_url,
    }
    return RepCreate.model_validate(values)
