"""One pool's members as seen at one instant, and the Pick a strategy returns.

Shared by the strategies so that each only decides *who*: how a member's availability is read
and how a skip is written into the trace live here, once. A pool's members are resolved against
the team (rep, compiled working week, weight) once per (pool, team), not once per lead. Pure:
nothing here mutates the team, the routing state or the pool state it is given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from leadrouter.distribute.availability import Block, Instant, Week, blocker, free_below, week_of
from leadrouter.distribute.memo import IdentityMemo
from leadrouter.model import Note, Pool, PoolState, Reason, Rep, RepCheck, RepLoad, Team
from leadrouter.model.frozen import quick_init

# Weighted and load-balanced pools up to this size list every member in the trace, the available
# ones not chosen included (NOT_NEXT_IN_TURN / HIGHER_LOAD). Larger pools list only the skipped
# members and the chosen one (whose detail counts the others), because each trace entry costs
# about a microsecond and the whole route of a lead has a budget of fifty.
LIST_EVERYONE_UP_TO = 8

NO_LOAD = RepLoad()
_UNKNOWN: Block = (Reason.REP_UNKNOWN, "not on the team")


@quick_init
@dataclass(frozen=True, slots=True)
class Pick:
    """Who gets the lead (None: nobody can now), why each member was taken or skipped, new state."""

    rep: str | None
    checks: tuple[RepCheck, ...]
    pool_state: PoolState
    notes: tuple[Note, ...] = ()  # calibration, eligibility fallback: steps worth telling
    # Members the pool's eligibility and the reps' own `takes` allow for this lead, whether
    # available or not (an overflow may only pick among them); None: no such rules apply.
    eligible: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Seat:
    """A pool member resolved against the team."""

    id: str
    rep: Rep | None  # None: the id is not on the team
    week: Week | None  # None: always working, or the pool ignores working hours
    weight: int
    # Open leads under which the member is free, when nothing else can block them (active, never
    # away, no hours, no period caps): inf without a cap; -1 when only `blocker` can tell.
    free_below: float = -1


def _seats(pool: Pool, team: Team) -> tuple[Seat, ...]:
    seats = []
    for rep_id in pool.members:
        rep = team.reps.get(rep_id)
        hours = rep.working_hours if rep is not None and pool.respect_working_hours else None
        week = week_of(hours) if hours is not None else None
        seats.append(Seat(rep_id, rep, week, pool.weight(rep_id), free_below(rep, week)))
    return tuple(seats)


# An entry keeps its team alive until the table fills: sized for the pools of a few teams, since
# the service keeps one team loaded and replaces it on change.
seats_of: IdentityMemo[tuple[Seat, ...]] = IdentityMemo(_seats, size=256)


def _blocker(seat: Seat, loads: Mapping[str, RepLoad], now: Instant) -> Block | None:
    if seat.rep is None:
        return _UNKNOWN
    return blocker(seat.rep, seat.week, loads.get(seat.id, NO_LOAD), now, True)


@quick_init
@dataclass(frozen=True, slots=True)
class Roster:
    pool: Pool
    seats: tuple[Seat, ...]
    loads: Mapping[str, RepLoad]
    now: Instant
    # A plain roster sets nobody aside, credits nobody and draws with seed 0; `Narrowed` does
    # (class attributes here, so the roster of most leads costs no more fields to build).
    overrides: ClassVar[Mapping[int, Block] | None] = None
    credits: ClassVar[Mapping[int, float] | None] = None
    seed: ClassVar[int] = 0

    @property
    def list_everyone(self) -> bool:
        return len(self.seats) <= LIST_EVERYONE_UP_TO

    def load(self, index: int) -> RepLoad:
        return self.loads.get(self.seats[index].id, NO_LOAD)

    def blocker(self, index: int) -> Block | None:
        """Why member `index` cannot take the lead now, or None when they can."""
        if self.overrides and index in self.overrides:
            return self.overrides[index]
        return _blocker(self.seats[index], self.loads, self.now)

    def blockers(self) -> list[Block | None]:
        """`blocker` of every member, in member order."""
        loads, now = self.loads, self.now
        # Most members are free by their open leads alone: that test without `blocker`'s calls.
        found = [
            None
            if loads.get(seat.id, NO_LOAD).open < seat.free_below
            else _blocker(seat, loads, now)
            for seat in self.seats
        ]
        if self.overrides:
            for index, block in self.overrides.items():
                found[index] = block
        return found

    def credit(self, index: int) -> float:
        """Open leads credited to member `index` by calibration (0 for most)."""
        return self.credits.get(index, 0.0) if self.credits else 0.0

    def turn_order(self, cursor: int) -> list[int]:
        """Member indexes starting at the cursor and wrapping around."""
        size = len(self.seats)
        start = cursor % size
        return [*range(start, size), *range(start)]

    def check(self, index: int, reason: Reason, detail: str) -> RepCheck:
        return RepCheck(self.seats[index].id, self.pool.id, reason, detail)

    def trace(
        self,
        order: Iterable[int],
        blocks: Sequence[Block | None],
        chosen: int | None,
        selected: str,
        rival: Callable[[int], Block],
    ) -> tuple[RepCheck, ...]:
        """Checks for a strategy that assessed every member: each skip with its reason, the
        chosen member, and in a small pool each available rival with `rival(index)`."""
        everyone = self.list_everyone
        if not everyone:
            others = list(blocks).count(None) - 1
            if others > 0:
                plural = "s" if others > 1 else ""
                selected += f"; {others} other available member{plural} not listed"
        seats, pool_id = self.seats, self.pool.id
        checks: list[RepCheck] = []
        for index in order:
            block = blocks[index]
            if block is None:
                if index == chosen:
                    block = Reason.REP_SELECTED, selected
                elif everyone:
                    block = rival(index)
                else:
                    continue
            checks.append(RepCheck(seats[index].id, pool_id, block[0], block[1]))
        return tuple(checks)


@quick_init
@dataclass(frozen=True, slots=True)
class Narrowed(Roster):
    """A roster with the policy's `distribution:` applied to it for one lead."""

    # Members set aside for this lead (not eligible, a lower priority tier...), by index, with
    # the reason: a strategy sees them as unavailable.
    overrides: Mapping[int, Block] | None = None  # type: ignore[misc]
    # Open leads credited to calibrated members (load_balanced), by index.
    credits: Mapping[int, float] | None = None  # type: ignore[misc]
    seed: int = 0  # type: ignore[misc]  # breaks exact ties where a strategy draws
