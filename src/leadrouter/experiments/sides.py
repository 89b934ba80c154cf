"""The sides of a comparison replayed, each lead kept as the `Outcome` a report reads of it.

Side by side in this process (`jobs=1`: each lead decided by every side in turn, sharing its
score), or the first side here and the others in one child process (`jobs=2`): the sides are
independent replays from the same starting state, so on two cores the comparison takes about as
long as one side. The two processes normalize half the leads each and swap what they read, and
match half each to the accounts when the sides share them (a lead's match depends on the book
and the lead alone), so that a lead is matched once whichever way it is replayed. Both
ways run the same routing loop on equal values and give the same outcomes. Forking is for a
command line only: never from a threaded server (a lock another thread holds at the fork stays
held in the child), nor with a database connection open (the child must not share its socket).
"""

from __future__ import annotations

import multiprocessing
import pickle
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import timedelta
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from leadrouter.experiments.history import Arrival
from leadrouter.experiments.replay import MatchOnce, Prepared, Setup, fields_key, replay_sides
from leadrouter.forking import fork_helps
from leadrouter.matching import DedupeKeys, KnownLead
from leadrouter.matching.readings import Readings, lead_from, readings_of
from leadrouter.model import Kind, Lead, Reason, RepLoad, Team
from leadrouter.model.frozen import quick_init
from leadrouter.sequence import Routed

if TYPE_CHECKING:
    from leadrouter.matching.index import AccountIndex


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
    after the first in a child process where one helps (`forking.fork_helps`; see the module's
    docstring), else side by side here. `on_each(n)`: after each
    lead n of each side replayed in this process."""
    known = list(known)
    if jobs < 2 or len(setups) < 2 or not fork_helps():
        return _outcomes(prepared, setups, known, open_for, on_each)
    context = multiprocessing.get_context("fork")
    mine_end, child_end = context.Pipe()
    child = context.Process(
        target=_child,
        args=(child_end, prepared, setups, known, open_for),
        name="replay",
        daemon=True,  # never outlives this process, whatever happens to it
    )
    child.start()
    child_end.close()  # the child's: this process's reader sees EOF if the child dies
    try:
        _normalize_halves(mine_end, prepared, setups, first=True)
        mine = _outcomes(prepared, setups[:1], known, open_for, on_each)
        theirs = _payload(mine_end.recv())
    except (EOFError, OSError):  # the child ended without a word (killed), or mid-swap
        child.join()
        raise RuntimeError(
            f"the replay's child process ended (exit {child.exitcode}); --jobs 1 says why"
        ) from None
    except BaseException:
        child.terminate()  # its work is lost with this process's: not waited for
        raise
    finally:
        mine_end.close()
        child.join()
    return mine + [list(map(Outcome, *columns)) for columns in theirs]


def _payload(message: tuple[bool, Any]) -> Any:
    """What the other process sent: (True, payload), or (False, the traceback of its failure)."""
    done, payload = message
    if not done:
        raise RuntimeError(f"the replay failed in its child process:\n{payload}")
    return payload


def _normalize_halves(
    other: Connection, prepared: Prepared, setups: Sequence[Setup], *, first: bool
) -> None:
    """Normalize and key this process's half of the arrivals (the `first` or the second) for
    each set of fields the setups read, match it to the accounts the first side shares with a
    later one (`_shared_matcher`), swap halves with the `other` process, and keep the whole:
    each process normalizes and matches half the leads, in parallel, and pickles, sends and
    unpickles the other half's readings (fields, warnings, keys, match), a sixth of normalizing
    them and a twentieth of matching them (100,000 leads: 9 s normalizing, 1.5 s swapping; Acme's
    accounts: 10 s matching, 0.6 s more swapping; on this machine)."""
    policies = list({fields_key(s.policy): s.policy for s in setups}.values())
    middle = len(prepared.arrivals) // 2
    start, stop = (0, middle) if first else (middle, len(prepared.arrivals))
    halves = [prepared.normalized(policy, start, stop) for policy in policies]
    readings = [list(map(readings_of, leads, keys)) for leads, keys in halves]
    # Here, not with the module: the matcher's modules take tens of ms to import, for two jobs only.
    from leadrouter.matching.match_readings import match_from, match_readings

    shared = _shared_matcher(setups)
    # The leads as the first side's policy (policies[0]) reads them: with one job, the first
    # side matches each lead before the others ask.
    matched = [_match(shared[1], lead) for lead in halves[0][0]] if shared is not None else []
    sent = [match_readings(m) if m is not None else None for m in matched]
    their_readings, their_matches = _swap(other, (readings, sent), first=first)
    theirs_at = prepared.arrivals[stop:] if first else prepared.arrivals[:start]
    for policy, (leads, keys), theirs in zip(policies, halves, their_readings, strict=True):
        their_leads, their_keys = _leads_from(theirs_at, theirs)
        if first:
            prepared.keep(policy, leads + their_leads, keys + their_keys)
        else:
            prepared.keep(policy, their_leads + leads, their_keys + keys)
    if shared is not None:
        matcher, index = shared
        theirs_matched = [match_from(r, index) if r is not None else None for r in their_matches]
        every = matched + theirs_matched if first else theirs_matched + matched
        matcher.keep(prepared.leads(policies[0])[0], every)


def _shared_matcher(setups: Sequence[Setup]) -> tuple[MatchOnce, AccountIndex] | None:
    """The first side's matcher and its index when a later side shares it (the same book, so
    the same match for a lead whichever side asks): the two processes match half the leads
    each. None otherwise: each process matches for its own sides, as it routes."""
    matcher = setups[0].accounts
    if not isinstance(matcher, MatchOnce) or all(s.accounts is not matcher for s in setups[1:]):
        return None
    from leadrouter.matching.index import AccountIndex  # imported already when there is one

    return (matcher, matcher.index) if isinstance(matcher.index, AccountIndex) else None


def _match(index: AccountIndex, lead: Lead) -> Any:
    """`index`'s match for `lead`, or None where matching raises: the replay then asks for it
    again and the engine sends the lead to the fallback queue, as with one job."""
    try:
        return index.match(lead)
    except Exception:
        return None


def _swap(other: Connection, mine: Any, *, first: bool) -> Any:
    """Send `mine` to the `other` process and return what it sent."""
    sent = pickle.dumps((True, mine), pickle.HIGHEST_PROTOCOL)
    # One way after the other: both sending at once, each would wait for the other to read.
    if first:
        other.send_bytes(sent)
        received = other.recv_bytes()
    else:
        received = other.recv_bytes()
        other.send_bytes(sent)
    del sent
    return _payload(pickle.loads(received))


def _leads_from(
    arrivals: Sequence[Arrival], readings: list[Readings]
) -> tuple[list[Lead], list[DedupeKeys]]:
    """The leads and keys the other process made of `arrivals`, from its readings."""
    made = [lead_from(a.raw, r, a.id, a.at) for a, r in zip(arrivals, readings, strict=True)]
    return [lead for lead, _ in made], [keys for _, keys in made]


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


def _child(
    parent: Connection,
    prepared: Prepared,
    setups: Sequence[Setup],
    known: list[KnownLead],
    open_for: timedelta | None,
) -> None:
    """The child's work: its half of the normalizing, then the outcomes of the setups after the
    first, sent as (True, outcomes by field), or (False, the traceback): a child's exception
    would otherwise be printed on stderr and lost to the caller."""
    try:
        _normalize_halves(parent, prepared, setups, first=False)
        found = _outcomes(prepared, setups[1:], known, open_for, None)
    except BaseException:
        parent.send((False, traceback.format_exc()))
    else:
        parent.send((True, [_columns(side) for side in found]))
    finally:
        parent.close()


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
