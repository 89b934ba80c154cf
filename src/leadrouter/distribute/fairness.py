"""A pool's fairness record, kept the same way by every strategy: who got leads, when last, and
where newcomers and returning reps start.

A rep added to a pool mid-period, or back from an absence (inactive, out of office), would count
from zero, or from where they left, beside colleagues who kept receiving leads; a strategy that
evens counts or loads would then give them every lead until they caught up. Calibration starts
them at the average of the others instead: their fair-share count (`Fairness.share`: leads
received plus leads credited) is raised to the others' average (per unit of pool weight), or kept
if higher. Load-balanced pools also credit them the open leads they would have had (the others'
average load times their room), a credit that falls as the others' average load falls below what
it was when credited (their old leads closing), so it never outlives the backlog it stands for.
Round-robin, weighted and least-recently-assigned pools give a newcomer one turn per round by
construction; their credit shows in the trace and the rep's fair-share figures.
Pure: returns new values, never mutates one.
"""

from __future__ import annotations

import math
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from leadrouter.distribute.availability import blocker
from leadrouter.distribute.load_balanced import load_ratio
from leadrouter.distribute.roster import NO_LOAD, Roster, Seat
from leadrouter.distribute.tally import ABSENT
from leadrouter.model import Fairness, Note, Pool, Reason, Strategy

# A pool's member ids as a set, for the per-lead check that every member is known; keyed by
# the pool's identity (the entry keeps the pool alive, so the id is not reused while cached).
_MEMBERS: dict[int, tuple[Pool, frozenset[str]]] = {}


def member_ids(pool: Pool) -> frozenset[str]:
    """The pool's member ids, as a set built once per pool value."""
    entry = _MEMBERS.get(id(pool))
    if entry is None or entry[0] is not pool:
        if len(_MEMBERS) >= 1024:
            _MEMBERS.clear()
        entry = _MEMBERS[id(pool)] = (pool, frozenset(pool.members))
    return entry[1]


def settled(pool: Pool, fairness: Fairness) -> bool:
    """Whether the record needs no update before a pick: the pool has had leads, its members are
    the ones it knows, and nobody was away (the common case, one set comparison)."""
    return fairness.known is pool.members and not fairness.away


def _absent(roster: Roster, index: int) -> bool:
    rep = roster.seats[index].rep
    if rep is None:
        return True
    block = blocker(rep, None, NO_LOAD, roster.now, False)
    return block is not None and block[0] in ABSENT


def calibrate(
    roster: Roster, fairness: Fairness, strategy: Strategy, enabled: bool
) -> tuple[Fairness, tuple[Note, ...]]:
    """`_calibrate`, the record then marked as checked against the pool's members."""
    checked, notes = _calibrate(roster, fairness, strategy, enabled)
    return replace(checked, known=roster.pool.members), notes


def _calibrate(
    roster: Roster, fairness: Fairness, strategy: Strategy, enabled: bool
) -> tuple[Fairness, tuple[Note, ...]]:
    """The record with newcomers and returning members calibrated (a Note for each), and the
    members who left forgotten (coming back calibrates them again), before a pick. At a pool's
    first lead everyone starts together, at 0."""
    seats = roster.seats
    if fairness.picks == 0:
        return _with(fairness, baseline={seat.id: 0 for seat in seats}), ()
    members = member_ids(roster.pool)
    if len(fairness.baseline) != len(members) or not fairness.baseline.keys() <= members:
        fairness = _with(
            fairness,
            baseline={rep: n for rep, n in fairness.baseline.items() if rep in members},
            counts={rep: n for rep, n in fairness.counts.items() if rep in members},
            last={rep: n for rep, n in fairness.last.items() if rep in members},
        )
    baseline = fairness.baseline
    unknown = {seat.id: 0 for seat in seats if seat.rep is None and seat.id not in baseline}
    if unknown:
        fairness = _with(fairness, baseline={**baseline, **unknown})
        baseline = fairness.baseline
    joining = [i for i, seat in enumerate(seats) if seat.id not in baseline and seat.rep]
    returning = [
        i
        for i, seat in enumerate(seats)
        if seat.id in fairness.away and seat.id in baseline and not _absent(roster, i)
    ]
    if not joining and not returning:
        return _with(fairness, away=fairness.away & members), ()
    moving = {seats[i].id for i in (*joining, *returning)}
    away = fairness.away - moving
    if not enabled:
        zeros = {seats[i].id: 0 for i in joining}
        return _with(fairness, baseline={**baseline, **zeros}, away=away), ()
    others = [
        (seat, fairness.share(seat.id) / seat.weight)
        for seat in seats
        if seat.id in baseline and seat.id not in moving and seat.rep is not None
    ]
    if not others:
        zeros = {seats[i].id: 0 for i in joining}
        return _with(fairness, baseline={**baseline, **zeros}, away=away), ()
    average = sum(per_weight for _, per_weight in others) / len(others)
    ratio = _average_ratio(roster, others, fairness) if strategy is Strategy.LOAD_BALANCED else None
    new_baseline = dict(baseline)
    credit = dict(fairness.credit)
    notes = []
    for index in (*joining, *returning):
        seat = seats[index]
        rep = seat.rep
        assert rep is not None  # only members on the team are calibrated
        target = round(average * seat.weight)
        received = fairness.counts.get(seat.id, 0) if index in returning else 0
        before = received + new_baseline.get(seat.id, 0)
        new_baseline[seat.id] = max(target, before) - received
        how = "joins" if index in joining else "is back from an absence and rejoins"
        message = (
            f"{seat.id} {how} pool {roster.pool.name} at {max(target, before)} leads, the others'"
            f" average, not {before}: they do not get every lead at once"
        )
        if ratio is not None and ratio > 0:
            room = seat.weight if rep.max_open is None else rep.max_open
            # Whole leads, like the loads they are compared with: a fraction would only
            # reorder equal loads.
            owed = round(ratio * room) - roster.load(index).open if math.isfinite(ratio) else 0
            if owed > 0:
                credit[seat.id] = (float(owed), ratio)
                message += f"; counted as {owed} more open leads while the others' load holds"
        notes.append(
            Note(
                Reason.CALIBRATED,
                message,
                MappingProxyType({"rep": seat.id, "pool": roster.pool.id, "start": target}),
            )
        )
    calibrated = _with(fairness, baseline=new_baseline, credit=credit, away=away)
    return calibrated, tuple(notes)


def _average_ratio(roster: Roster, others: list[tuple[Seat, float]], fairness: Fairness) -> float:
    """The others' average load, open leads credited to them included."""
    ids = {seat.id for seat, _ in others}
    ratios = []
    for index, seat in enumerate(roster.seats):
        if seat.rep is not None and seat.id in ids:
            owed = fairness.credit.get(seat.id, (0.0, 0.0))[0]
            ratio = load_ratio(seat.rep, roster.load(index), seat.weight, owed)
            if math.isfinite(ratio):
                ratios.append(ratio)
    return sum(ratios) / len(ratios) if ratios else 0.0


def credits(roster: Roster, fairness: Fairness) -> dict[int, float] | None:
    """Open leads each credited member counts as having more, now: the credit scaled down by how
    far the other members' average load has fallen since (never up). None: nobody credited."""
    if not fairness.credit:
        return None
    ratios: dict[int, float] = {}
    for index, seat in enumerate(roster.seats):
        if seat.rep is not None:
            owed = fairness.credit.get(seat.id, (0.0, 0.0))[0]
            ratio = load_ratio(seat.rep, roster.load(index), seat.weight, owed)
            if math.isfinite(ratio):
                ratios[index] = ratio
    total = sum(ratios.values())
    found: dict[int, float] = {}
    for index, seat in enumerate(roster.seats):
        entry = fairness.credit.get(seat.id)
        if entry is None:
            continue
        owed, then = entry
        count = len(ratios) - (index in ratios)
        now = (total - ratios.get(index, 0.0)) / count if count else 0.0
        found[index] = owed * min(1.0, now / then) if then > 0 else 0.0
    return found


def _with(fairness: Fairness, **changes: Any) -> Fairness:
    for key in ("baseline", "credit", "counts", "last"):
        if isinstance(changes.get(key), dict):
            changes[key] = MappingProxyType(changes[key])
    return replace(fairness, **changes)
