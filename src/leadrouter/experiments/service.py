"""Backtests and what-ifs over the service's stored leads: the shell that reads the leads and the
configuration, and hands them to `backtest.py`. Reads only; `now` is an argument."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from leadrouter.experiments.backtest import backtest, compare
from leadrouter.experiments.history import known_before, shifted, stored_arrivals
from leadrouter.experiments.replay import MatchOnce, Setup
from leadrouter.experiments.roster import apply_changes
from leadrouter.experiments.schemas import Backtest
from leadrouter.matching import KnownLead
from leadrouter.policies.snapshot import Config, compile_version


@dataclass(frozen=True, slots=True)
class Replay:
    """Which stored leads a backtest or what-if replays, and how: those received in the `since`
    before `now` (or the `last` of them, never more than `cap`), moved to start `as_if` that
    day; a lead with no outcome frees its rep's slot after `open_for`; `examples` leads per
    rule change in the report."""

    now: datetime
    since: timedelta | None
    last: int | None = None
    examples: int = 5
    open_for: timedelta | None = None
    as_if: date | None = None
    cap: int | None = None


def backtest_version(*, session: Session, config: Config, version: str, replay: Replay) -> Backtest:
    """Stored policy `version` against the active one, with the team and accounts as they
    are."""
    active = config.require_policy()
    draft = compile_version(session, version, config.team)
    matcher = _matcher(config)
    current, candidate = (
        Setup("current", active, config.team, matcher),
        Setup("draft", draft, config.team, matcher),
    )
    return _replayed(session, replay, current, candidate)


def whatif(
    *,
    session: Session,
    config: Config,
    changes: Sequence[str],
    replay: Replay,
    version: str | None = None,
) -> Backtest:
    """The active setup against the team with `changes` (and policy `version`, default the
    active one, compiled against that team), on the same stored leads."""
    active = config.require_policy()
    team = apply_changes(config.team, changes)
    policy = compile_version(session, version or config.active or active.version, team)
    matcher = _matcher(config)
    before, after = (
        Setup("before", active, config.team, matcher),
        Setup("after", policy, team, matcher),
    )
    return _replayed(session, replay, before, after, changes)


def _matcher(config: Config) -> MatchOnce | None:
    """One account matcher for both sides: each lead is matched once."""
    return MatchOnce(config.accounts) if config.accounts is not None else None


def _replayed(
    session: Session, replay: Replay, before: Setup, after: Setup, changes: Sequence[str] = ()
) -> Backtest:
    """The report of `replay`'s stored leads routed through both setups from the same state."""
    start = replay.now - replay.since if replay.since is not None else None
    last = replay.last
    if replay.cap is not None:
        last = min(last, replay.cap) if last is not None else replay.cap
    arrivals = stored_arrivals(session, start, replay.now, last=last)
    known: list[KnownLead] = known_before(session, arrivals[0].at) if arrivals else []
    if replay.as_if is not None:
        arrivals = shifted(arrivals, replay.as_if)
    # No `collection_paused` here: in a server the collector is the whole process's, and other
    # requests' garbage must not wait for a backtest.
    return backtest(
        compare(arrivals, before, after, known, open_for=replay.open_for),
        examples=replay.examples,
        changes_applied=changes,
    )
