"""The sides of a comparison replayed, each lead kept as the `Outcome` a report reads of it.

Side by side in this process (`jobs=1`: each lead decided by every side in turn, sharing its
score), or the first side here and the others in one child process forked after the leads are
normalized (`jobs=2`): the sides are independent replays from the same starting state, so on two
cores the comparison takes about as long as one side. Both ways run the same routing loop on the
same values and give the same outcomes. Forking is for a command line only: never from a
threaded server (a lock another thread holds at the fork stays held in the child), nor with a
database connection open (the child must not share its socket).
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import timedelta
from multiprocessing.connection import Connection
from typing import Any

from leadrouter.experiments.replay import Prepared, Setup, replay_sides
from leadrouter.matching import KnownLead
from leadrouter.model import Kind, Reason, RepLoad, Team
from leadrouter.model.frozen import quick_init
from leadrouter.sequence import Routed


@quick_init
@dataclass(frozen=True, slots=True)
class Outcome:
    """One replayed lead as a backtest report reads it: where it went (the decision's kind,
    owner, queue, rule, pool and fallback), whether its owner took it only because the pool was
    full (`anyway`), and whether the owner held more than their caps allow after it (`breach`)."""

    kind: Kind
    owner: str | None
    queue: str | None
    rule: str | None
    pool: str | None
    fallback: bool
    anyway: bool
    breach: bool


_FIELDS = tuple(f.name for f in fields(Outcome))


def outcome(done: Routed, team: Team) -> Outcome:
    """What a report reads of `done`, routed with `team`."""
    d = done.decision
    owner = d.owner
    anyway = owner is not None and d.pool is not None and _anyway(done, owner)
    breach = owner is not None and _breach(team, owner, done.state.load(owner))
    return Outcome(d.kind, owner, d.queue, d.rule, d.pool, d.fallback, anyway, breach)


def replay_outcomes(
    prepared: Prepared,
    setups: Sequence[Setup],
    known: Iterable[KnownLead] = (),
    *,
    open_for: timedelta | None = None,
    on_each: Callable[[int], None] | None = None,
    jobs: int = 1,
) -> list[list[Outcome]]:
    """Each setup's outcomes for `prepared`'s arrivals (see `replay.replay_sides`; decisions
    leave their propensity unset). `jobs`: 1 side by side in this process, 2 or more the sides
    after the first in a child process (see the module's docstring). `on_each(n)`: after each
    lead n of each side replayed in this process."""
    known = list(known)
    if jobs < 2 or len(setups) < 2:
        return _outcomes(prepared, setups, known, open_for, on_each)
    for setup in setups:
        prepared.leads(setup.policy)  # normalized before the fork, once, read by both processes
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(
        target=_send_outcomes,
        args=(sending, prepared, setups[1:], known, open_for),
        name="replay",
        daemon=True,  # never outlives this process, whatever happens to it
    )
    child.start()
    sending.close()  # this process's end: its reader sees EOF if the child dies
    try:
        mine = _outcomes(prepared, setups[:1], known, open_for, on_each)
        replayed, theirs = receiving.recv()
    except EOFError:
        child.join()
        raise RuntimeError(f"the replay's child process died (exit {child.exitcode})") from None
    except BaseException:
        child.terminate()  # its work is lost with this process's: not waited for
        raise
    finally:
        receiving.close()
        child.join()
    if not replayed:
        raise RuntimeError(f"the replay failed in its child process:\n{theirs}")
    return mine + [list(map(Outcome, *columns)) for columns in theirs]


def _outcomes(
    prepared: Prepared,
    setups: Sequence[Setup],
    known: list[KnownLead],
    open_for: timedelta | None,
    on_each: Callable[[int], None] | None,
) -> list[list[Outcome]]:
    # The report reads where each lead went, never its propensity: not computed.
    routed = replay_sides(
        prepared, setups, known, open_for=open_for, on_each=on_each, propensities=False
    )
    return [[outcome(r, s.team) for r in side] for s, side in zip(setups, routed, strict=True)]


def _send_outcomes(
    sending: Connection,
    prepared: Prepared,
    setups: Sequence[Setup],
    known: list[KnownLead],
    open_for: timedelta | None,
) -> None:
    """The child's work: `setups`' outcomes sent as (True, outcomes), or (False, the traceback):
    a child's exception would otherwise be printed on stderr and lost to the caller."""
    try:
        found = _outcomes(prepared, setups, known, open_for, None)
    except BaseException:
        sending.send((False, traceback.format_exc()))
    else:
        sending.send((True, [_columns(side) for side in found]))
    finally:
        sending.close()


def _columns(outcomes: list[Outcome]) -> list[list[Any]]:
    """`outcomes` field by field, in the order of Outcome's fields: pickled, the lists hold each
    rep, rule and pool id once, and take a quarter of the time the outcomes one by one would
    (their slots pickled as a dict each), on the way back from the child."""
    return [[getattr(o, name) for o in outcomes] for name in _FIELDS]


def _anyway(done: Routed, owner: str) -> bool:
    """Whether the rep took the lead only because the pool was full (least-loaded anyway)."""
    return any(
        check.rep == owner and check.reason is Reason.ASSIGNED_ANYWAY
        for check in done.decision.trace.reps
    )


def _breach(team: Team, rep_id: str, load: RepLoad) -> bool:
    """Whether the rep, after this lead, holds more than their caps allow."""
    rep = team.reps.get(rep_id)
    if rep is None:
        return False
    if rep.max_open is not None and load.open > rep.max_open:
        return True
    return rep.max_per_day is not None and load.today > rep.max_per_day
