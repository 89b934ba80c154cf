"""Routing state: what pools and reps remember between leads (cursors, fairness, loads)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from leadrouter.model.frozen import EMPTY, quick_init


@quick_init
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

    def closed_one(self) -> RepLoad:
        """This load with one open lead fewer, nothing else changed (a lead closed). Positional:
        `dataclasses.replace` was most of a backtest's releases."""
        return RepLoad(
            max(self.open - 1, 0),
            self.today,
            self.day,
            self.week_count,
            self.week,
            self.month_count,
            self.month,
            self.recent,
        )

    def last_24h(self, now: float) -> int:
        since = now - 86400.0
        return sum(1 for at in self.recent if at > since)


@quick_init
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


@quick_init
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


@quick_init
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
