"""A/B tests of live routing as the service runs them: start one, report per arm, stop an arm
by hand or by the SLA guard rail. The split itself happens in the one routing loop
(`sequence.py`, from `policies/splits.py`); each decision records its arm (`propensity`), and the
arm of a lead is that of its first decision: its policy version, or in a test of two pool
strategies (one version) the arm its propensity records. Statistics: `abstats.py`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from leadrouter.errors import Conflict, NotFound
from leadrouter.experiments.abstats import (
    ArmLead,
    Guard,
    RateTest,
    TimeTest,
    compare_times,
    guard,
    two_proportions,
)
from leadrouter.leads.models import DecisionRow, LeadRow
from leadrouter.policies import splits
from leadrouter.policies.snapshot import compile_version, load_team
from leadrouter.policies.splits import AbTestRow
from leadrouter.reports.figures import QUALIFIED_OUTCOMES, WON_OUTCOME

DEFAULT_SLA = timedelta(minutes=15)  # first touch within this counts as SLA met


class ArmRead(BaseModel):
    arm: str
    version: str
    strategy: str | None = None  # in a test of two pool strategies: the pool's, in this arm
    share: float  # the share it was set to take
    leads: int
    observed_share: float | None


class AbTestRead(splits.AbTestDefinition):
    """A test as defined, and whether and why an arm was stopped."""

    stopped_arm: str | None
    stopped_at: datetime | None
    stop_reason: str | None


class AbReport(BaseModel):
    test: AbTestRead
    sla_target_seconds: float
    arms: list[ArmRead]
    rates: list[RateTest]
    time_to_first_touch: TimeTest
    guard: Guard


def read(row: AbTestRow) -> AbTestRead:
    return AbTestRead.model_validate(row, from_attributes=True)


def list_(session: Session) -> list[AbTestRow]:
    return list(session.scalars(select(AbTestRow).order_by(AbTestRow.created_at.desc())))


def stop(session: Session, row: AbTestRow, *, arm: str | None, reason: str, now: datetime) -> None:
    """Stop one arm or the whole test (a stopped test stays stopped)."""
    if row.stopped_at is not None:
        raise Conflict(f"A/B test '{row.id}' was stopped at {row.stopped_at.isoformat()}")
    splits.stop(session, row, arm=arm, reason=reason, now=now)


def get_or_raise(session: Session, test_id: str) -> AbTestRow:
    row = session.get(AbTestRow, test_id)
    if row is None:
        raise NotFound(f"no A/B test '{test_id}'")
    return row


def start(session: Session, test: splits.AbTestDefinition, *, now: datetime) -> AbTestRow:
    """Store a test after checking both versions compile against the team as it is (in a test
    of two pool strategies, with each arm's strategy for the pool)."""
    team = load_team(session)
    pool = test.pool
    for version, strategy in ((test.version_a, test.strategy_a), (test.version_b, test.strategy_b)):
        compile_version(
            session, version, team if pool is None else splits.with_strategy(team, pool, strategy)
        )
    return splits.create(session, test, now=now)


def arm_leads(session: Session, row: AbTestRow, now: datetime, target: timedelta) -> list[ArmLead]:
    """The leads the test's arms decided first, each with its SLA state as of `now`."""
    ends = [t for t in (row.end, row.stopped_at) if t is not None]
    arm_of = {row.version_a: "a", row.version_b: "b"}
    query = (
        select(
            DecisionRow.policy_version,
            LeadRow.received_at,
            LeadRow.first_touch_at,
            LeadRow.outcome,
            # One version, two strategies: the arm is only in the decision's propensity.
            DecisionRow.body if row.pool is not None else DecisionRow.id,
        )
        .join(LeadRow, LeadRow.id == DecisionRow.lead_id)
        .where(
            DecisionRow.cause == "new",
            DecisionRow.at >= row.start,
            DecisionRow.at <= now,
            *([DecisionRow.at < min(ends)] if ends else []),
            DecisionRow.policy_version.in_(list(arm_of)),
        )
    )
    found = []
    for version, received, touched, outcome, body in session.execute(query):
        arm = arm_of[version] if row.pool is None else _recorded_arm(body, row.id)
        if arm is None:  # decided while the split was off (an arm that no longer compiled)
            continue
        seconds = None if touched is None else max((touched - received).total_seconds(), 0.0)
        if seconds is not None:
            sla = "met" if seconds <= target.total_seconds() else "breached"
        else:
            sla = "breached" if now > received + target else "pending"
        found.append(
            ArmLead(arm, seconds, sla, outcome in QUALIFIED_OUTCOMES, outcome == WON_OUTCOME)
        )
    return found


def _recorded_arm(body: dict[str, Any], test_id: str) -> str | None:
    chance = body.get("propensity") or {}
    return chance.get("arm") if chance.get("experiment") == test_id else None


def report(session: Session, row: AbTestRow, now: datetime, target: timedelta) -> AbReport:
    """Per arm: leads, time to first touch, SLA met, qualification and win rates, with tests."""
    leads = arm_leads(session, row, now, target)
    by_arm = {arm: [x for x in leads if x.arm == arm] for arm in ("a", "b")}
    total = len(leads)

    def counts(arm: str, hit: str) -> tuple[int, int]:
        mine = by_arm[arm]
        if hit == "sla_met":
            decided = [x for x in mine if x.sla in ("met", "breached")]
            return sum(x.sla == "met" for x in decided), len(decided)
        return sum(getattr(x, hit) for x in mine), len(mine)

    return AbReport(
        test=read(row),
        sla_target_seconds=target.total_seconds(),
        arms=[
            ArmRead(
                arm=arm,
                version=row.version_a if arm == "a" else row.version_b,
                strategy=row.strategy_a if arm == "a" else row.strategy_b,
                share=round(row.share_b if arm == "b" else 1 - row.share_b, 6),
                leads=len(by_arm[arm]),
                observed_share=round(len(by_arm[arm]) / total, 6) if total else None,
            )
            for arm in ("a", "b")
        ],
        rates=[
            two_proportions(metric, counts("a", metric), counts("b", metric))
            for metric in ("sla_met", "qualified", "won")
        ],
        time_to_first_touch=compare_times(
            [x.touch_seconds for x in by_arm["a"] if x.touch_seconds is not None],
            [x.touch_seconds for x in by_arm["b"] if x.touch_seconds is not None],
        ),
        guard=guard(leads, row.guard_margin),
    )


def enforce_guard(session: Session, row: AbTestRow, now: datetime, target: timedelta) -> AbReport:
    """The report, after stopping the arm the guard rail says to stop (if not stopped yet)."""
    found = report(session, row, now, target)
    arm = found.guard.stop_arm
    if arm is not None and row.stopped_arm is None and row.stopped_at is None:
        splits.stop(session, row, arm=arm, reason=f"guard rail: {found.guard.reason}", now=now)
        found = found.model_copy(update={"test": read(row)})
    return found
