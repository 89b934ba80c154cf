"""API shapes of a policy simulation."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Move(BaseModel):
    """Leads that would go to `to` instead of `from_`; a target is a rep id or `queue:<id>`."""

    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    count: int


class Simulation(BaseModel):
    version: str
    against: str  # the active version it is compared with
    leads: int
    moved: int  # leads sent elsewhere because of the change
    reshuffled: int = 0  # the same rule and pool, another rep: the pool's turn moved
    by_rule: dict[str, int]  # moved leads per rule of the candidate that now decides
    moves: list[Move]


# ---------------------------------------------------------------- backtest and what-if


class Example(BaseModel):
    """One lead that routes differently: where it went, and where it would go."""

    model_config = ConfigDict(populate_by_name=True)

    lead_id: str
    at: str
    from_: str = Field(alias="from")
    to: str


class RuleChange(BaseModel):
    """Leads that the change sends through another rule or to another destination."""

    model_config = ConfigDict(populate_by_name=True)

    from_rule: str
    to_rule: str
    count: int
    examples: list[Example]


class RepFigures(BaseModel):
    rep: str
    leads: int
    capacity_breaches: int  # leads received past max_open or max_per_day


class MemberFigures(BaseModel):
    rep: str
    weight: int
    leads: int
    share: float
    fair_share: float
    deviation: float | None  # share / fair share - 1


class PoolFigures(BaseModel):
    pool: str
    rule_leads: int  # leads whose deciding rule routes to this pool
    leads: int  # leads a member of this pool took through it
    off_hours: int  # of rule_leads: arrived while no member was at work (or all were away)
    overflowed: int  # of rule_leads: not taken by a member through the pool's strategy
    fallback: int  # of rule_leads: ended in the fallback queue
    max_deviation: float
    gini: float
    members: list[MemberFigures]


class SideFigures(BaseModel):
    """What one side (the current or the draft setup) did with the leads."""

    label: str
    policy: str
    leads: int
    fallback: int
    by_rule: dict[str, int]
    reps: list[RepFigures]
    pools: list[PoolFigures]


class SpeedFigure(BaseModel):
    key: str
    leads: int  # leads counted (for an estimate: leads sent there in the replay)
    touched: int  # first touches the figure is computed from
    median_seconds: float | None
    p90_seconds: float | None


class SpeedEstimate(BaseModel):
    """Expected time to first touch of one side's routing, from each destination's history."""

    label: str
    median_seconds: float | None
    p90_seconds: float | None
    median_interval: list[float] | None  # 90 % bootstrap interval
    p90_interval: list[float] | None
    coverage: float | None  # share of leads whose own destination had enough history
    by_rule: list[SpeedFigure]


class SpeedToLead(BaseModel):
    method: str  # how the estimate is computed, and how uncertain it is, in words
    recorded: SpeedFigure  # the recorded first touches of the replayed leads
    recorded_by_rule: list[SpeedFigure]
    recorded_by_rep: list[SpeedFigure]
    current: SpeedEstimate
    draft: SpeedEstimate


class FailedCase(BaseModel):
    name: str
    line: int
    failures: list[str]


class PolicyTests(BaseModel):
    passed: int
    failed: list[FailedCase]


class Absorbed(BaseModel):
    """A rep's leads before and after: who absorbs the leads a change moves."""

    rep: str
    before: int
    after: int
    delta: int


class Backtest(BaseModel):
    """A draft (policy, team or both) replayed beside the current setup on the same leads."""

    draft: str
    against: str
    start: str | None
    end: str | None
    leads: int
    changed: int  # rule or destination changed: a consequence of the change
    reshuffled: int  # same rule and pool, another rep: rotation, not the change
    unchanged: int
    changes: list[RuleChange]
    moves: list[Move]
    absorbed: list[Absorbed]
    current: SideFigures
    candidate: SideFigures
    speed: SpeedToLead
    tests: PolicyTests
    changes_applied: list[str] = []  # a what-if's roster changes, as read
    leaves_out: list[str]
