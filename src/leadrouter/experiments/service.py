"""Backtests and what-ifs over the service's stored leads: the shell that reads the leads and the
configuration, and hands them to `backtest.py`. Reads only; `now` is an argument."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from leadrouter.experiments.backtest import backtest, compare
from leadrouter.experiments.history import Arrival, known_before, shifted, stored_arrivals
from leadrouter.experiments.replay import MatchOnce, Setup
from leadrouter.experiments.roster import apply_changes
from leadrouter.experiments.schemas import Backtest
from leadrouter.matching import KnownLead
from leadrouter.policies.snapshot import Config, compile_version


def _window(
    session: Session, now: datetime, since: timedelta | None, last: int | None, cap: int | None
) -> tuple[list[Arrival], list[KnownLead]]:
    start = now - since if since is not None else None
    if cap is not None:
        last = min(last, cap) if last is not None else cap
    arrivals = stored_arrivals(session, start, now, last=last)
    known = known_before(session, arrivals[0].at) if arrivals else []
    return arrivals, known


def backtest_version(
    *,
    session: Session,
    config: Config,
    version: str,
    now: datetime,
    since: timedelta | None,
    last: int | None = None,
    examples: int = 5,
    open_for: timedelta | None = None,
    as_if: date | None = None,
    cap: int | None = None,
) -> Backtest:
    """Stored policy `version` against the active one, on the leads received in the `since`
    before `now` (or the `last` of them), with the team and accounts as they are."""
    active = config.require_policy()
    draft = compile_version(session, version, config.team)
    matcher = MatchOnce(config.accounts) if config.accounts is not None else None
    arrivals, known = _window(session, now, since, last, cap)
    if as_if is not None:
        arrivals = shifted(arrivals, as_if)
    current, candidate = (
        Setup("current", active, config.team, matcher),
        Setup("draft", draft, config.team, matcher),
    )
    # No `collection_paused` here: in a server the collector is the whole process's, and other
    # requests' garbage must not wait for a backtest.
    return backtest(
        compare(arrivals, current, candidate, known, open_for=open_for), examples=examples
    )


def whatif(
    *,
    session: Session,
    config: Config,
    changes: Sequence[str],
    now: datetime,
    since: timedelta | None,
    last: int | None = None,
    version: str | None = None,
    examples: int = 5,
    open_for: timedelta | None = None,
    as_if: date | None = None,
    cap: int | None = None,
) -> Backtest:
    """The active setup against the team with `changes` (and policy `version`, default the
    active one, compiled against that team), on the same stored leads."""
    active = config.require_policy()
    team = apply_changes(config.team, changes)
    policy = compile_version(session, version or config.active or active.version, team)
    matcher = MatchOnce(config.accounts) if config.accounts is not None else None
    arrivals, known = _window(session, now, since, last, cap)
    if as_if is not None:
        arrivals = shifted(arrivals, as_if)
    before, after = (
        Setup("before", active, config.team, matcher),
        Setup("after", policy, team, matcher),
    )
    return backtest(
        compare(arrivals, before, after, known, open_for=open_for),
        examples=examples,
        changes_applied=changes,
    )
