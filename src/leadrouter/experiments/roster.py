"""Roster changes for a what-if: the team as it would be with someone away, a rep added or
removed, other capacities, weights or hours, or a rep moved between pools.

A change is one line, as people say it (`ooo ryan 2026-12-20..2027-01-03`, `add rep nora
like=ryan pools=na_west_smb`); a YAML file holds a list of them under `changes:`. Hours and
absences are read by team.yaml's own reader, so a change means what the same words mean in
team.yaml. Pure: `apply_changes(team, changes) -> Team`, raising `PolicyError` naming the change
that cannot be applied.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import replace
from datetime import date, timedelta
from types import MappingProxyType

from leadrouter.errors import PolicyError, SourceError
from leadrouter.model import Pool, Rep, Team

SYNTAX = (
    "ooo REP FROM..TO [NOTE] (dates inclusive, or ISO times) | add rep ID [like=REP] "
    "[pools=P1,P2] [weight=N] [max_open=N] [max_per_day=N] [timezone=TZ] | remove rep ID | "
    "capacity REP [max_open=N] [max_per_day=N] | weight POOL REP N | "
    "hours REP mon-fri=09:00-17:00 [sat=10:00-14:00] | timezone REP TZ | "
    "move REP FROM_POOL TO_POOL | join REP POOL [weight=N] | leave REP POOL"
)


def _error(change: str, message: str) -> PolicyError:
    return PolicyError([SourceError("--change", 0, 0, f"{change!r}: {message}")])


def read_changes(text: str, source: str) -> list[str]:
    """The changes a YAML file lists (under `changes:`, or as a top-level list of strings)."""
    from leadrouter.policy.yaml_values import read_yaml

    doc = read_yaml(text, source)
    items = doc.get("changes") if isinstance(doc, dict) else doc
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise PolicyError(
            [SourceError(source, 0, 0, "expected `changes:` with a list of changes, one a line")]
        )
    return list(items)


def apply_changes(team: Team, changes: Sequence[str]) -> Team:
    """`team` with every change applied, in order."""
    for change in changes:
        team = apply_change(team, change)
    return team


def apply_change(team: Team, change: str) -> Team:
    try:
        words = shlex.split(change)
    except ValueError as error:
        raise _error(change, str(error)) from None
    if not words:
        raise _error(change, f"empty; write one of: {SYNTAX}")
    verb, args = words[0].lower(), words[1:]
    if verb == "add" and args[:1] == ["rep"]:
        verb, args = "add rep", args[1:]
    elif verb == "remove" and args[:1] == ["rep"]:
        verb, args = "remove rep", args[1:]
    handler = _HANDLERS.get(verb)
    if handler is None:
        raise _error(change, f"unknown change '{verb}'; write one of: {SYNTAX}")
    try:
        return handler(team, args)
    except (KeyError, ValueError, IndexError) as error:
        message = error.args[0] if error.args else type(error).__name__
        raise _error(change, str(message)) from None


def _rep(team: Team, rep_id: str) -> Rep:
    if rep_id not in team.reps:
        raise KeyError(f"no rep '{rep_id}' on the team")
    return team.reps[rep_id]


def _pool(team: Team, pool_id: str) -> Pool:
    if pool_id not in team.pools:
        raise KeyError(f"no pool '{pool_id}' on the team")
    return team.pools[pool_id]


def _options(args: Sequence[str]) -> dict[str, str]:
    found = {}
    for arg in args:
        key, sep, value = arg.partition("=")
        if not sep:
            raise ValueError(f"expected key=value, got '{arg}'")
        found[key.strip().lower()] = value.strip()
    return found


def _cap(value: str | None) -> int | None:
    if value is None or value.lower() in {"none", "-", ""}:
        return None
    number = int(value)
    if number < 0:
        raise ValueError(f"a cap is 0 or more, got {number}")
    return number


def _with_rep(team: Team, rep: Rep) -> Team:
    return replace(team, reps=MappingProxyType({**team.reps, rep.id: rep}))


def _with_pool(team: Team, pool: Pool) -> Team:
    return replace(team, pools=MappingProxyType({**team.pools, pool.id: pool}))


def _team_yaml_rep(rep: Rep, **fields: object) -> Rep:
    """Fields of `rep` read by team.yaml's reader (hours, absences), as JSON flow YAML."""
    from leadrouter.policy.team import parse_team

    record = {"id": rep.id, "name": "x", "email": "x@example.com", "timezone": rep.timezone}
    record.update(fields)
    try:
        team = parse_team(json.dumps({"reps": [record]}), "--change")
    except PolicyError as error:
        raise ValueError("; ".join(e.message for e in error.errors)) from None
    return team.reps[rep.id]


def _ooo(team: Team, args: list[str]) -> Team:
    rep = _rep(team, args[0])
    start, sep, end = args[1].partition("..")
    if not sep:
        raise ValueError("write the period as FROM..TO, e.g. 2026-12-20..2027-01-03")
    # A date is inclusive as people say it: away through TO, back the day after.
    with suppress(ValueError):
        end = (date.fromisoformat(end) + timedelta(days=1)).isoformat()
    note = " ".join(args[2:]) or "what-if"
    absence = _team_yaml_rep(rep, out_of_office=[{"from": start, "to": end, "note": note}])
    absences = tuple(sorted((*rep.out_of_office, *absence.out_of_office), key=lambda a: a.start))
    return _with_rep(team, replace(rep, out_of_office=absences))


def _add(team: Team, args: list[str]) -> Team:
    rep_id, options = args[0], _options(args[1:])
    if rep_id in team.reps:
        raise ValueError(f"rep '{rep_id}' is on the team already")
    like = _rep(team, options["like"]) if "like" in options else None
    base = like or Rep(rep_id, rep_id, f"{rep_id}@example.com")
    rep = replace(
        base,
        id=rep_id,
        name=options.get("name", rep_id),
        email=options.get("email", f"{rep_id}@example.com"),
        out_of_office=(),
        max_open=_cap(options["max_open"]) if "max_open" in options else base.max_open,
        max_per_day=_cap(options["max_per_day"]) if "max_per_day" in options else base.max_per_day,
        timezone=options.get("timezone", base.timezone),
        active=True,
    )
    team = _with_rep(team, rep)
    pools = options.get("pools")
    if pools is None and like is not None:
        pools = ",".join(p.id for p in team.pools.values() if like.id in p.members)
    weight = options.get("weight")
    for pool_id in filter(None, (pools or "").split(",")):
        team = _join(team, [rep_id, pool_id, *([f"weight={weight}"] if weight else [])])
    return team


def _remove(team: Team, args: list[str]) -> Team:
    """Inactive and out of every pool: the policy may still name them, and then finds them away."""
    rep = _rep(team, args[0])
    for pool in team.pools.values():
        if rep.id in pool.members:
            team = _leave(team, [rep.id, pool.id])
    return _with_rep(team, replace(rep, active=False))


def _capacity(team: Team, args: list[str]) -> Team:
    rep, options = _rep(team, args[0]), _options(args[1:])
    unknown = set(options) - {"max_open", "max_per_day"}
    if unknown or not options:
        raise ValueError("write max_open=N and/or max_per_day=N")
    return _with_rep(
        team,
        replace(
            rep,
            max_open=_cap(options["max_open"]) if "max_open" in options else rep.max_open,
            max_per_day=_cap(options["max_per_day"])
            if "max_per_day" in options
            else rep.max_per_day,
        ),
    )


def _weight(team: Team, args: list[str]) -> Team:
    pool, rep = _pool(team, args[0]), _rep(team, args[1])
    if rep.id not in pool.members:
        raise ValueError(f"rep '{rep.id}' is not a member of pool '{pool.id}'")
    weight = int(args[2])
    if weight < 1:
        raise ValueError("a weight is 1 or more")
    return _with_pool(
        team, replace(pool, weights=MappingProxyType({**pool.weights, rep.id: weight}))
    )


def _hours(team: Team, args: list[str]) -> Team:
    rep = _rep(team, args[0])
    hours = {}
    for key, value in _options(args[1:]).items():
        hours[key] = value
    if not hours:
        raise ValueError("write days=hours, e.g. mon-fri=09:00-17:00")
    read = _team_yaml_rep(rep, working_hours=hours)
    return _with_rep(team, replace(rep, working_hours=read.working_hours))


def _timezone(team: Team, args: list[str]) -> Team:
    rep = _rep(team, args[0])
    read = _team_yaml_rep(replace(rep, timezone=args[1]))
    return _with_rep(team, replace(rep, timezone=read.timezone))


def _join(team: Team, args: list[str]) -> Team:
    rep, pool = _rep(team, args[0]), _pool(team, args[1])
    options = _options(args[2:])
    if rep.id in pool.members:
        raise ValueError(f"rep '{rep.id}' is already in pool '{pool.id}'")
    weights = dict(pool.weights)
    if "weight" in options:
        weights[rep.id] = int(options["weight"])
    return _with_pool(
        team,
        replace(pool, members=(*pool.members, rep.id), weights=MappingProxyType(weights)),
    )


def _leave(team: Team, args: list[str]) -> Team:
    rep, pool = _rep(team, args[0]), _pool(team, args[1])
    if rep.id not in pool.members:
        raise ValueError(f"rep '{rep.id}' is not a member of pool '{pool.id}'")
    weights = {k: v for k, v in pool.weights.items() if k != rep.id}
    members = tuple(m for m in pool.members if m != rep.id)
    return _with_pool(team, replace(pool, members=members, weights=MappingProxyType(weights)))


def _move(team: Team, args: list[str]) -> Team:
    weight = team.pools[args[1]].weights.get(args[0]) if args[1] in team.pools else None
    team = _leave(team, [args[0], args[1]])
    return _join(team, [args[0], args[2], *([f"weight={weight}"] if weight else [])])


_HANDLERS = {
    "ooo": _ooo,
    "add rep": _add,
    "remove rep": _remove,
    "capacity": _capacity,
    "weight": _weight,
    "hours": _hours,
    "timezone": _timezone,
    "join": _join,
    "leave": _leave,
    "move": _move,
}
