"""The domain's value types, shared by every layer.

Everything here is a frozen, slotted dataclass or an enum: the routing core passes these values
around and never mutates them. Nothing in this module does I/O, reads the clock or imports any
other part of leadrouter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from types import MappingProxyType
from typing import Any

EMPTY: Mapping[str, Any] = MappingProxyType({})


def plain_dict(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """`mapping` as a new dict: a mapping proxy's copy() is its dict's, a tenth of dict(proxy),
    which reads it key by key (the engine and the codec do this for every lead)."""
    return mapping.copy() if type(mapping) is MappingProxyType else dict(mapping)


class FieldType(StrEnum):
    """Types a lead field can have in rules. Every value in Lead.fields is one of these."""

    STRING = "string"  # str
    NUMBER = "number"  # float
    BOOL = "bool"  # bool
    LIST = "list"  # tuple[str, ...]
    # Time: a custom field may be a datetime; a duration is only the engine's `age`.
    DATETIME = "datetime"  # float: seconds since the Unix epoch (UTC)
    DURATION = "duration"  # float: seconds


# Fields whose values are times, added to the context only when the policy reads them.
TIME_FIELDS: Mapping[str, FieldType] = MappingProxyType(
    {"now": FieldType.DATETIME, "created_at": FieldType.DATETIME, "age": FieldType.DURATION}
)


# Fields the engine adds to a lead's context after matching and scoring; rules may use them.
DERIVED_FIELDS: Mapping[str, FieldType] = MappingProxyType(
    {
        "account.matched": FieldType.BOOL,
        "account.id": FieldType.STRING,
        "account.name": FieldType.STRING,
        "account.type": FieldType.STRING,
        "account.segment": FieldType.STRING,
        "account.owner": FieldType.STRING,
        "account.country": FieldType.STRING,
        "account.parent": FieldType.STRING,
        "account.ultimate_parent": FieldType.STRING,
        "match.confidence": FieldType.NUMBER,
        "match.method": FieldType.STRING,
        "match.strong": FieldType.BOOL,
        "duplicate": FieldType.BOOL,
        "existing.owner": FieldType.STRING,
        "existing.id": FieldType.STRING,
        "score": FieldType.NUMBER,
        "fit_score": FieldType.NUMBER,
        "behavior_score": FieldType.NUMBER,
        "mql": FieldType.BOOL,
        **TIME_FIELDS,
    }
)


class Kind(StrEnum):
    """Where a decision sent the lead."""

    REP = "rep"
    QUEUE = "queue"
    NURTURE = "nurture"
    REVIEW = "review"


class Reason(StrEnum):
    """Closed set of reason codes carried in traces; wording lives in `explain`."""

    # rules
    RULE_MATCHED = "RULE_MATCHED"
    RULE_NOT_MATCHED = "RULE_NOT_MATCHED"
    FIELD_MISSING = "FIELD_MISSING"
    NO_RULE_MATCHED = "NO_RULE_MATCHED"
    # reps
    REP_SELECTED = "REP_SELECTED"
    REP_INACTIVE = "REP_INACTIVE"
    REP_UNKNOWN = "REP_UNKNOWN"
    REP_OUT_OF_OFFICE = "REP_OUT_OF_OFFICE"
    OUTSIDE_WORKING_HOURS = "OUTSIDE_WORKING_HOURS"
    CAPACITY_FULL = "CAPACITY_FULL"
    DAILY_CAP_REACHED = "DAILY_CAP_REACHED"
    WEEKLY_CAP_REACHED = "WEEKLY_CAP_REACHED"
    MONTHLY_CAP_REACHED = "MONTHLY_CAP_REACHED"
    FAIRNESS_RESET = "FAIRNESS_RESET"  # a pool's fairness counts started a new period
    COMPANY_STICKY = "COMPANY_STICKY"  # same net-new company as an earlier lead: same rep
    NOT_NEXT_IN_TURN = "NOT_NEXT_IN_TURN"
    HIGHER_LOAD = "HIGHER_LOAD"
    ASSIGNED_MORE_RECENTLY = "ASSIGNED_MORE_RECENTLY"  # least-recently-assigned: not the oldest
    REP_NOT_ELIGIBLE = "REP_NOT_ELIGIBLE"  # the pool's `eligible` condition is false for the rep
    REP_FILTERED = "REP_FILTERED"  # the rep's own `takes` condition is false for the lead
    OTHER_PREFERRED = "OTHER_PREFERRED"  # another member `prefers` this lead
    LOWER_PRIORITY = "LOWER_PRIORITY"  # a member of a higher priority tier is available
    ELIGIBILITY_FALLBACK = "ELIGIBILITY_FALLBACK"  # nobody eligible: the pool's fallback applied
    CALIBRATED = "CALIBRATED"  # a newcomer or returning rep started at the others' average
    TEAM_SPLIT = "TEAM_SPLIT"  # a capacity-weighted split chose the team (pool)
    POOL_EXHAUSTED = "POOL_EXHAUSTED"
    ASSIGNED_ANYWAY = "ASSIGNED_ANYWAY"
    # accounts and owners
    ACCOUNT_MATCHED = "ACCOUNT_MATCHED"
    ACCOUNT_NOT_MATCHED = "ACCOUNT_NOT_MATCHED"
    ACCOUNT_AMBIGUOUS = "ACCOUNT_AMBIGUOUS"
    ENRICHED = "ENRICHED"  # a missing field filled from the account or a provider
    ENRICHMENT_MISSED = "ENRICHMENT_MISSED"  # the provider timed out, failed or had no budget
    OWNER_ASSIGNED = "OWNER_ASSIGNED"
    OWNER_MISSING = "OWNER_MISSING"
    OWNER_UNAVAILABLE = "OWNER_UNAVAILABLE"
    OWNER_NOT_ELIGIBLE = "OWNER_NOT_ELIGIBLE"  # the owner does not meet the rule's `owner:` terms
    PARENT_OWNER = "PARENT_OWNER"
    OWNER_STICKY = "OWNER_STICKY"
    MANUAL_ASSIGNMENT = "MANUAL_ASSIGNMENT"  # a person assigned the lead (dashboard, API)
    DUPLICATE_LEAD = "DUPLICATE_LEAD"
    # data quality
    DATA_UNPARSEABLE = "DATA_UNPARSEABLE"
    DATA_MISSING = "DATA_MISSING"
    DATA_CORRECTED = "DATA_CORRECTED"
    # failures
    ROUTING_ERROR = "ROUTING_ERROR"
    FALLBACK = "FALLBACK"
    FALLBACK_ALERT = "FALLBACK_ALERT"  # landed in a fallback queue or routing failed
    # SLA clocks
    SLA_STARTED = "SLA_STARTED"
    SLA_REMINDER = "SLA_REMINDER"
    SLA_BREACHED = "SLA_BREACHED"
    SLA_ESCALATED = "SLA_ESCALATED"
    SLA_REASSIGNED = "SLA_REASSIGNED"
    SLA_RECYCLED = "SLA_RECYCLED"
    SLA_STEP_SKIPPED = "SLA_STEP_SKIPPED"
    SLA_MET = "SLA_MET"
    SLA_MET_LATE = "SLA_MET_LATE"
    SLA_STOPPED = "SLA_STOPPED"  # the lead was routed again: a new clock replaces this one
    # time
    GRACE_WAITED = "GRACE_WAITED"  # the lead waited the policy's grace delay before routing
    GRACE_CUT_SHORT = "GRACE_CUT_SHORT"  # routed before its grace delay ended (asked to)


# ---------------------------------------------------------------- leads


@dataclass(frozen=True, slots=True)
class NumberRange:
    """A numeric range parsed from text such as "1,000-5,000", "5k" or "1000+".

    `low` and `high` are inclusive; `high` is None for open-ended ranges. `value` is the single
    figure that comparisons in rules use: the midpoint of a closed range, `low` of an open one.
    """

    low: float
    high: float | None
    unit: str | None = None  # a currency code for revenue, None for counts

    @property
    def value(self) -> float:
        return self.low if self.high is None else (self.low + self.high) / 2


@dataclass(frozen=True, slots=True)
class DataWarning:
    """Something in the input that was missing, corrected or could not be understood."""

    field: str
    code: Reason
    message: str
    raw: str | None = None


@dataclass(frozen=True, slots=True)
class Lead:
    """A lead as it arrived (`raw`) and as normalization understood it (`fields`).

    `fields` maps a field name to a clean value of its FieldType: str, float, bool or
    tuple[str, ...]. Ranges are flattened: `employees` holds NumberRange.value and
    `employees_min`/`employees_max` the bounds (likewise `revenue`). A field that is absent or
    could not be understood is simply not in `fields`; its raw text stays in `raw` and a
    DataWarning says why.
    """

    raw: Mapping[str, Any]
    fields: Mapping[str, Any]
    warnings: tuple[DataWarning, ...] = ()
    id: str | None = None
    received_at: datetime | None = None


# ---------------------------------------------------------------- team


@dataclass(frozen=True, slots=True)
class Shift:
    """One working interval on one weekday (0 = Monday), in the rep's own time zone."""

    weekday: int
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class Absence:
    """An out-of-office period, [start, end) in absolute time."""

    start: datetime
    end: datetime
    note: str = ""


@dataclass(frozen=True, slots=True)
class Rep:
    id: str
    name: str
    email: str
    timezone: str = "UTC"
    # None means "always working"; an empty tuple means "never working".
    working_hours: tuple[Shift, ...] | None = None
    out_of_office: tuple[Absence, ...] = ()
    max_open: int | None = None
    max_per_day: int | None = None
    skills: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    active: bool = True
    manager: str | None = None
    backup: str | None = None
    # Capacity periods (distribute/periods.py): new leads per ISO week and per calendar month in
    # the rep's zone; a monthly cap also implies a daily quota. `daily_cap` says how
    # `max_per_day` counts: "calendar" (the rep's local day) or "rolling" (the last 24 hours).
    max_per_week: int | None = None
    max_per_month: int | None = None
    daily_cap: str = "calendar"
    # `region`, `segment` and custom attributes, which routing conditions read as `rep.<name>`:
    # values are str, float, bool or tuple[str, ...] like lead fields.
    attributes: Mapping[str, Any] = field(default_factory=lambda: EMPTY)
    booking_url: str | None = None  # the rep's scheduling page, returned with an assignment


class Strategy(StrEnum):
    ROUND_ROBIN = "round_robin"
    WEIGHTED = "weighted"
    LOAD_BALANCED = "load_balanced"
    LEAST_RECENTLY_ASSIGNED = "least_recently_assigned"


class WhenFull(StrEnum):
    """What a pool does when none of its members can take the lead."""

    QUEUE = "queue"
    POOL = "pool"
    LEAST_LOADED = "least_loaded"


@dataclass(frozen=True, slots=True)
class Overflow:
    kind: WhenFull
    target: str | None = None  # queue or pool id; None for LEAST_LOADED


@dataclass(frozen=True, slots=True)
class Pool:
    id: str
    name: str
    members: tuple[str, ...]
    strategy: Strategy = Strategy.ROUND_ROBIN
    weights: Mapping[str, int] = field(default_factory=lambda: EMPTY)
    overflow: Overflow = Overflow(WhenFull.LEAST_LOADED)
    # Skip members outside their working hours (follow-the-sun). Off: working hours are ignored.
    respect_working_hours: bool = True
    # Fairness counts (cursor, turn scores) start afresh each "daily", "weekly" or "monthly"
    # period (UTC); None: never.
    reset: str | None = None

    def weight(self, rep_id: str) -> int:
        return self.weights.get(rep_id, 1)


@dataclass(frozen=True, slots=True)
class Queue:
    id: str
    name: str
    description: str = ""
    fallback: bool = False  # a catch-all that people must watch; landing here raises an alert


@dataclass(frozen=True, slots=True)
class Team:
    reps: Mapping[str, Rep]
    pools: Mapping[str, Pool]
    queues: Mapping[str, Queue]


# ---------------------------------------------------------------- accounts


class AccountType(StrEnum):
    CUSTOMER = "customer"
    PROSPECT = "prospect"
    PARTNER = "partner"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    name: str
    domains: tuple[str, ...] = ()
    country: str | None = None
    owner: str | None = None
    parent: str | None = None
    type: AccountType = AccountType.PROSPECT
    segment: str | None = None
    aliases: tuple[str, ...] = ()
    phone: str | None = None
    last_activity: datetime | None = None
    # Firmographics from the account book, normalized as a lead's fields are: what enrichment
    # fills in a lead that lacks them (`enrichment.py`).
    employees: float | None = None
    industry: str | None = None


@dataclass(frozen=True, slots=True)
class AccountMatch:
    """The account a lead was matched to, how sure we are, and why."""

    account: Account
    confidence: float  # 0..1
    method: str  # "domain", "name", "name+domain", ...
    reason: str
    strong: bool  # above the strong threshold: the lead joins the account
    ultimate_parent: Account | None = None
    runner_up: Account | None = None


# ---------------------------------------------------------------- routing state


@dataclass(frozen=True, slots=True)
class RepLoad:
    """A rep's open leads and the new leads received on `day` (in the rep's time zone), in
    its ISO week (starting Monday `week`) and calendar month (starting `month`), and the times
    (seconds since the epoch) of the new leads of the last 24 hours for a rolling daily cap."""

    open: int = 0
    today: int = 0
    day: date | None = None
    week_count: int = 0
    week: date | None = None
    month_count: int = 0
    month: date | None = None
    recent: tuple[float, ...] = ()

    def today_on(self, day: date) -> int:
        return self.today if self.day == day else 0

    def week_on(self, monday: date) -> int:
        return self.week_count if self.week == monday else 0

    def month_on(self, first: date) -> int:
        return self.month_count if self.month == first else 0

    def last_24h(self, now: float) -> int:
        since = now - 86400.0
        return sum(1 for at in self.recent if at > since)


@dataclass(frozen=True, slots=True)
class Fairness:
    """What a pool remembers of whom it gave leads, for every strategy (distribute/fairness.py).

    `baseline` has an entry for every member the pool has known: a member without one is a
    newcomer, who is calibrated (starts at the others' average) instead of counting from zero.
    """

    picks: int = 0  # leads the pool has assigned; numbers each pick for `last`
    last: Mapping[str, int] = field(default_factory=lambda: EMPTY)  # rep -> pick of last lead
    counts: Mapping[str, int] = field(default_factory=lambda: EMPTY)  # rep -> leads received
    baseline: Mapping[str, int] = field(default_factory=lambda: EMPTY)  # rep -> leads credited
    # load_balanced: rep -> (open leads credited, the others' average load when credited).
    credit: Mapping[str, tuple[float, float]] = field(default_factory=lambda: EMPTY)
    away: frozenset[str] = frozenset()  # members last seen inactive or out of office
    splits: Mapping[str, int] = field(default_factory=lambda: EMPTY)  # split id -> leads taken
    # The pool's `members` (the very tuple) this record was last checked against: while it is
    # the same and nobody is away, no member can be new (not stored; checked again after a load).
    known: tuple[str, ...] = field(default=(), compare=False)

    def share(self, rep_id: str) -> int:
        """The rep's fair-share count: leads received plus leads credited by calibration."""
        return self.counts.get(rep_id, 0) + self.baseline.get(rep_id, 0)


NO_FAIRNESS = Fairness()


@dataclass(frozen=True, slots=True)
class PoolState:
    """Distribution state of one pool: the round-robin cursor, smooth-weighted counters, and
    the fairness record (last assignments, counts, calibration) every strategy keeps."""

    cursor: int = 0  # index into Pool.members of the next rep in turn
    current: Mapping[str, int] = field(default_factory=lambda: EMPTY)
    fairness: Fairness = NO_FAIRNESS
    period: str | None = None  # the fairness period these counts belong to (Pool.reset)


@dataclass(frozen=True, slots=True)
class CompanyClaim:
    """A net-new company (a corporate domain with no account) and the rep its first lead got."""

    rep: str
    at: datetime


@dataclass(frozen=True, slots=True)
class RoutingState:
    pools: Mapping[str, PoolState] = field(default_factory=lambda: EMPTY)
    loads: Mapping[str, RepLoad] = field(default_factory=lambda: EMPTY)
    # Corporate domain -> the rep its net-new company went to (policy `net_new_companies:`).
    companies: Mapping[str, CompanyClaim] = field(default_factory=lambda: EMPTY)

    def pool(self, pool_id: str) -> PoolState:
        return self.pools.get(pool_id) or PoolState()

    def load(self, rep_id: str) -> RepLoad:
        return self.loads.get(rep_id) or RepLoad()


# ---------------------------------------------------------------- decisions


@dataclass(frozen=True, slots=True)
class RuleCheck:
    """One rule tried: matched or not, and when not, the first clause that was false."""

    rule: str
    matched: bool
    clause: str | None = None  # source text of the clause that decided
    missing: tuple[str, ...] = ()  # fields that clause needed but the lead lacks
    values: tuple[tuple[str, Any], ...] = ()  # field values that clause looked at


@dataclass(frozen=True, slots=True)
class RepCheck:
    """One rep considered for the lead, and why taken or skipped."""

    rep: str
    pool: str | None
    reason: Reason
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Note:
    """Any other step worth telling a human: account match, owner fallback, overflow, errors."""

    code: Reason
    message: str
    data: Mapping[str, Any] = field(default_factory=lambda: EMPTY)


@dataclass(frozen=True, slots=True)
class ScoreLine:
    kind: str  # "fit" or "behavior"
    label: str  # the scoring clause's label or source text
    points: float


@dataclass(frozen=True, slots=True)
class Score:
    total: float
    fit: float
    behavior: float
    lines: tuple[ScoreLine, ...]
    mql: bool


@dataclass(frozen=True, slots=True)
class Trace:
    warnings: tuple[DataWarning, ...] = ()
    match: AccountMatch | None = None
    score: Score | None = None
    rules: tuple[RuleCheck, ...] = ()
    reps: tuple[RepCheck, ...] = ()
    notes: tuple[Note, ...] = ()


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
