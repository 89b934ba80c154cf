"""SLA clocks as rows: what every job of the worker shares to read and write them.

A clock (`escalation.SlaClock`) is saved as one clock row and a timer row per ladder step, and read
back from either; timeline events are written in batches; a clock ends by cancelling its pending
timers. Also the worker's `Context` (configuration, templates, channels, time) and the claim
helpers. Every function runs inside the caller's transaction and commits nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Row, Select, any_, bindparam, insert, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from leadrouter.escalation import SlaClock, SlaEvent, SlaReason, TimedStep
from leadrouter.model import Shift
from leadrouter.notify.message import Channel
from leadrouter.notify.templates import Templates
from leadrouter.policies.snapshot import Config
from leadrouter.policy.compiled import CompiledPolicy
from leadrouter.policy.sla import ClockMode, StepKind, Target, TargetKind
from leadrouter.sla.models import (
    CANCELLED,
    ENDED,
    PENDING,
    RUNNING,
    SlaClockRow,
    SlaEventRow,
    SlaTimerRow,
)

if TYPE_CHECKING:
    from leadrouter.policy.crm import CrmConfig

PolicyOf = Callable[[Session, str], CompiledPolicy | None]
"""The compiled policy of a stored version (None when it cannot be compiled any more)."""


@dataclass(frozen=True, slots=True)
class Context:
    """What every step needs besides the rows: configuration, templates, channels, time, and the
    policy versions that routed the leads (whose SLAs their decisions name)."""

    config: Config
    templates: Templates
    channels: frozenset[Channel]
    now: datetime
    worker: str = "worker"
    policy_of: PolicyOf | None = None
    crm: CrmConfig | None = None  # crm.yaml: what an assignment writes back (`connectors/`)

    def policy(self, session: Session, version: str) -> CompiledPolicy | None:
        """The policy version that made a decision: the active one, or an earlier one."""
        active = self.config.policy
        if active is not None and active.version == version:
            return active
        return self.policy_of(session, version) if self.policy_of is not None else None


def locked(session: Session, query: Select[Any], *of: Any) -> Select[Any]:
    """`query` claiming its rows: FOR UPDATE SKIP LOCKED on PostgreSQL (SQLite runs one worker)."""
    if session.get_bind().dialect.name == "postgresql":
        return query.with_for_update(skip_locked=True, of=of or None)
    return query


def among(session: Session, column: Any, values: Collection[Any]) -> ColumnElement[bool]:
    """`column IN values`; one array parameter on PostgreSQL instead of one per value."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(values)


# ---------------------------------------------------------------- clocks and timers


# What a clock row and an SlaClock hold alike, by the same names (the rest changes type).
_ROW_AND_CLOCK = ("lead_id", "sla", "owner", "pool", "started_at", "deadline", "timezone")


def save_clock(session: Session, clock: SlaClock, decision_id: int) -> None:
    """A started clock: its row and one pending timer per step."""
    clock_row = SlaClockRow(
        decision_id=decision_id,
        first_touch_seconds=clock.first_touch.total_seconds(),
        clock=str(clock.clock),
        shifts=_shifts_json(clock.shifts),
        state=RUNNING,
        **{name: getattr(clock, name) for name in _ROW_AND_CLOCK},
    )
    session.add(clock_row)
    session.flush()
    session.add_all(
        SlaTimerRow(
            clock_id=clock_row.id,
            lead_id=clock.lead_id,
            step=step.index,
            kind=str(step.kind),
            target_kind=str(step.target.kind),
            target_id=step.target.id,
            due_at=step.due_at,
            state=PENDING,
        )
        for step in clock.steps
    )


def clock_of(row: SlaClockRow | Row[Any], steps: Iterable[TimedStep]) -> SlaClock:
    """The clock a clock row (or a row with its columns) holds, with the given steps."""
    return SlaClock(
        first_touch=timedelta(seconds=row.first_touch_seconds),
        clock=ClockMode(row.clock),
        shifts=_shifts_from_json(row.shifts),
        steps=tuple(sorted(steps, key=lambda s: s.index)),
        **{name: getattr(row, name) for name in _ROW_AND_CLOCK},
    )


def step_of(timer: Row[Any]) -> TimedStep:
    """The ladder step a timer row (or a row with its columns) holds."""
    target = Target(TargetKind(timer.target_kind), timer.target_id)
    return TimedStep(timer.step, timer.due_at, StepKind(timer.kind), target)


def end_clock(session: Session, clock_row: SlaClockRow, now: datetime) -> None:
    """Stop a clock without a touch (moved to a queue, routed again); its timers die."""
    clock_row.state, clock_row.ended_at = ENDED, now
    cancel_pending(session, clock_row.id)


def ended_event(clock_row: SlaClockRow, now: datetime, why: str) -> SlaEvent:
    return SlaEvent(
        now,
        clock_row.lead_id,
        SlaReason.SLA_STOPPED,
        f"SLA {clock_row.sla} stopped: {why}",
        {"sla": clock_row.sla},
    )


def cancel_pending(session: Session, clock_id: int, steps: Collection[int] | None = None) -> None:
    """Cancel the clock's timers still pending (only those of `steps`, when given)."""
    query = update(SlaTimerRow).where(
        SlaTimerRow.clock_id == clock_id, SlaTimerRow.state == PENDING
    )
    if steps is not None:
        query = query.where(SlaTimerRow.step.in_(steps))
    session.execute(query.values(state=CANCELLED))


def _shifts_json(shifts: tuple[Shift, ...] | None) -> list[Any] | None:
    if shifts is None:
        return None
    return [[s.weekday, s.start.isoformat(), s.end.isoformat()] for s in shifts]


def _shifts_from_json(data: list[Any] | None) -> tuple[Shift, ...] | None:
    if data is None:
        return None
    return tuple(Shift(d, time.fromisoformat(a), time.fromisoformat(b)) for d, a, b in data)


# ---------------------------------------------------------------- timeline events


def event_rows(events: Iterable[SlaEvent], *, timer_id: int | None = None) -> list[dict[str, Any]]:
    """Timeline events as rows for `record`."""
    return [
        {
            "lead_id": event.lead_id,
            "at": event.at,
            "reason": str(event.reason),
            "message": event.message,
            "data": dict(event.data),
            # The unique timer_id on a step's first event makes a double firing fail loudly.
            "timer_id": timer_id if n == 0 else None,
        }
        for n, event in enumerate(events)
    ]


# A batch of events as one JSON document the server unpacks: PostgreSQL would otherwise run one
# INSERT per row, and arrays of text cost the driver an escaping pass per value.
_INSERT_EVENTS = text(
    "INSERT INTO sla_events (lead_id, at, reason, message, data, timer_id)"
    " SELECT lead_id, at, reason, message, data, timer_id"
    " FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS e(lead_id text, at timestamptz,"
    " reason text, message text, data jsonb, timer_id bigint)"
)


def record(session: Session, rows: list[dict[str, Any]]) -> None:
    """Write timeline event rows in one statement."""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(SlaEventRow), rows)
        return
    document = [{**row, "at": row["at"].astimezone(UTC).isoformat()} for row in rows]
    session.execute(_INSERT_EVENTS, {"rows": json.dumps(document)})
