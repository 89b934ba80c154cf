"""A routing decision, its trace (rules, reps, notes, score) and the effects the store applies."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from leadrouter.model.account import AccountMatch
from leadrouter.model.frozen import EMPTY, quick_init
from leadrouter.model.lead import DataWarning
from leadrouter.model.reasons import Reason
from leadrouter.model.state import PoolState


class Kind(StrEnum):
    """Where a decision sent the lead."""

    REP = "rep"
    QUEUE = "queue"
    NURTURE = "nurture"
    REVIEW = "review"


@quick_init
@dataclass(frozen=True, slots=True)
class RuleCheck:
    """One rule tried: matched or not, and when not, the first clause that was false."""

    rule: str
    matched: bool
    clause: str | None = None  # source text of the clause that decided
    missing: tuple[str, ...] = ()  # fields that clause needed but the lead lacks
    values: tuple[tuple[str, Any], ...] = ()  # field values that clause looked at


@quick_init
@dataclass(frozen=True, slots=True)
class RepCheck:
    """One rep considered for the lead, and why taken or skipped."""

    rep: str
    pool: str | None
    reason: Reason
    detail: str = ""


@quick_init
@dataclass(frozen=True, slots=True)
class Note:
    """Any other step worth telling a human: account match, owner fallback, overflow, errors."""

    code: Reason
    message: str
    data: Mapping[str, Any] = field(default_factory=lambda: EMPTY)


@quick_init
@dataclass(frozen=True, slots=True)
class ScoreLine:
    kind: str  # "fit" or "behavior"
    label: str  # the scoring clause's label or source text
    points: float


@quick_init
@dataclass(frozen=True, slots=True)
class Score:
    total: float
    fit: float
    behavior: float
    lines: tuple[ScoreLine, ...]
    mql: bool


@quick_init
@dataclass(frozen=True, slots=True)
class Trace:
    warnings: tuple[DataWarning, ...] = ()
    match: AccountMatch | None = None
    score: Score | None = None
    rules: tuple[RuleCheck, ...] = ()
    reps: tuple[RepCheck, ...] = ()
    notes: tuple[Note, ...] = ()


@quick_init
@dataclass(frozen=True, slots=True)
class Effects:
    """State changes the store applies in the decision's transaction; the core never mutates."""

    pools: Mapping[str, PoolState] = field(default_factory=lambda: EMPTY)
    assigned_rep: str | None = None  # +1 open lead and +1 lead today for this rep
    day: date | None = None  # the assigned rep's local date, for the daily counter
    # The SLA (policy `sla:` id) whose clock this assignment starts, chosen from the same context
    # as the rules; the worker starts the clock from it.
    sla: str | None = None
    # False: the lead counts toward no new-lead cap (a duplicate kept by its existing owner).
    new_lead: bool = True
    rolling: bool = False  # the rep's daily cap is rolling: remember this lead's time
    company: str | None = None  # a net-new company's domain this assignment claims for the rep


@dataclass(frozen=True, slots=True)
class Propensity:
    """How likely this decision was, for offline evaluation of other routings (inverse
    propensity): the probability with which the chosen rep (or queue) was chosen given the state,
    among the `eligible` reps (available members of the pool, or the one rep a route named); the
    arm's share when an A/B split chose the policy, and that arm."""

    probability: float
    eligible: tuple[str, ...] = ()
    arm: str | None = None
    experiment: str | None = None


@quick_init
@dataclass(frozen=True, slots=True)
class Decision:
    kind: Kind
    owner: str | None  # rep id when kind is REP
    queue: str | None  # queue id when kind is QUEUE, NURTURE or REVIEW
    rule: str | None  # id of the rule that decided; None when routing failed
    policy_version: str
    at: datetime
    trace: Trace
    effects: Effects = Effects()
    fallback: bool = False  # landed in a fallback queue or routing failed: raise an alert
    pool: str | None = None
    propensity: Propensity | None = None  # set by the routing loop (`sequence.py`)
