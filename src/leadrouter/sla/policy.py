"""SLA definitions as data: the `sla:` section of a policy file, parsed and checked.

An SLA says how soon a lead of some kind must get its first touch (`first_touch`), on which clock
(the owner's working hours, or wall-clock time), and which escalation steps follow when nobody
acts. The policy compiler calls `parse_sla` with its own condition compiler, so an SLA's `when:`
is the same expression language as a rule's. This module only parses and validates; it never reads
the clock or starts anything (see `ladder`).

Shape (see docs/policy-language.md):

    sla:
      - id: demo-request
        when: form == "demo_request"
        first_touch: 5m              # s, m, h, d; combinable: 1h30m
        clock: business              # business (owner's working hours; default) | wall
        escalation:
          - {at: 50%, do: remind owner}
          - {at: 100%, do: alert manager}            # or: alert rep <id>
          - {after: 10m, do: reassign next}          # next | pool <id> | queue <id> | rep <id>
          - {after: 1h, do: recycle shared_leads}    # a queue id; ends the ladder
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from leadrouter.errors import PolicyError, SourceError
from leadrouter.model import DERIVED_FIELDS, EMPTY, FieldType, Team
from leadrouter.normalize import STANDARD_FIELDS
from leadrouter.policy.compiled import Condition, Context
from leadrouter.policy.conditions import ConditionCompiler, Scope
from leadrouter.policy.source import Document, Node

CompileCondition = Callable[[str, str, int, int], Condition]
"""(expression text, field path, line, column) -> Condition; raises PolicyError when invalid."""


class ClockMode(StrEnum):
    BUSINESS = "business"  # counted inside the owner's working hours, in the owner's zone
    WALL = "wall"


class StepKind(StrEnum):
    REMIND = "remind"  # tell the owner the deadline is near
    BREACH = "breach"  # the deadline passed untouched; always on the ladder, recorded only
    ALERT = "alert"  # tell someone else (the owner's manager, or a named rep)
    REASSIGN = "reassign"  # take the lead from the owner
    RECYCLE = "recycle"  # put the lead back into a shared queue; ends the ladder


class TargetKind(StrEnum):
    OWNER = "owner"
    MANAGER = "manager"
    REP = "rep"
    NEXT = "next"  # the next rep in the pool the lead was assigned from
    POOL = "pool"
    QUEUE = "queue"


@dataclass(frozen=True, slots=True)
class Target:
    kind: TargetKind
    id: str | None = None  # rep, pool or queue id

    def __str__(self) -> str:
        return f"{self.kind} {self.id}" if self.id else str(self.kind)


@dataclass(frozen=True, slots=True)
class Escalation:
    """One configured step: due at a `fraction` of the SLA time, or `after` the breach."""

    kind: StepKind
    target: Target
    fraction: float | None = None  # 0 < fraction < 1, before the breach
    after: timedelta | None = None  # >= 0, counted from the breach on the SLA's clock
    line: int = 0

    @property
    def order(self) -> tuple[int, float]:
        if self.fraction is not None:
            return (0, self.fraction)
        assert self.after is not None
        return (1, self.after.total_seconds())


@dataclass(frozen=True, slots=True)
class SlaRule:
    id: str
    condition: Condition
    first_touch: timedelta
    clock: ClockMode = ClockMode.BUSINESS
    escalation: tuple[Escalation, ...] = ()  # sorted by when each step is due
    line: int = 0


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    rules: tuple[SlaRule, ...] = ()

    def select(self, ctx: Context) -> SlaRule | None:
        """The first SLA whose condition holds for the lead's context, like routing rules."""
        for rule in self.rules:
            if rule.condition.first_false(ctx) == -1:
                return rule
        return None


_DURATION_PART = re.compile(
    r"(\d+(?:\.\d+)?)\s*(days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)\s*", re.I
)
_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")
_TARGETS: Mapping[StepKind, frozenset[TargetKind]] = {
    StepKind.REMIND: frozenset({TargetKind.OWNER}),
    StepKind.ALERT: frozenset({TargetKind.MANAGER, TargetKind.REP}),
    StepKind.REASSIGN: frozenset(
        {TargetKind.NEXT, TargetKind.POOL, TargetKind.QUEUE, TargetKind.REP}
    ),
    StepKind.RECYCLE: frozenset({TargetKind.QUEUE}),
}


def parse_duration(text: str) -> timedelta:
    """Parse "5m", "4h", "1h30m" or "90 seconds" into a timedelta; ValueError otherwise."""
    text = str(text).strip()
    pos, seconds = 0, 0.0
    for part in _DURATION_PART.finditer(text):
        if part.start() != pos:
            break
        seconds += float(part.group(1)) * _UNIT_SECONDS[part.group(2)[0].lower()]
        pos = part.end()
    if not text or pos != len(text):
        raise ValueError(f"not a duration: {text!r} (write e.g. 5m, 4h, 1h30m)")
    return timedelta(seconds=seconds)


def _target(kind: StepKind, words: Sequence[str]) -> Target:
    if kind is StepKind.RECYCLE and len(words) == 1:
        return Target(TargetKind.QUEUE, words[0])
    try:
        target_kind = TargetKind(words[0]) if words else None
    except ValueError:
        target_kind = None
    allowed = _TARGETS[kind]
    if target_kind not in allowed:
        raise ValueError(f"{kind} takes {' | '.join(sorted(allowed))}, not {' '.join(words)!r}")
    needs_id = target_kind in (TargetKind.REP, TargetKind.POOL, TargetKind.QUEUE)
    if len(words) != (2 if needs_id else 1):
        raise ValueError(f"{kind} {target_kind} " + ("needs an id" if needs_id else "takes no id"))
    return Target(target_kind, words[1] if needs_id else None)


def _check_target(target: Target, team: Team) -> str | None:
    known = {
        TargetKind.REP: team.reps,
        TargetKind.POOL: team.pools,
        TargetKind.QUEUE: team.queues,
    }.get(target.kind)
    if known is not None and target.id not in known:
        return f"unknown {target.kind} {target.id!r}"
    return None


class _Problems:
    """Collects every problem with its position, so one run reports them all."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.errors: list[SourceError] = []

    def add(self, node: Any, key: str | int | None, path: str, message: str) -> None:
        line, column = _position(node, key)
        self.errors.append(SourceError(self.source, line, column, message, path))


def _position(node: Any, key: str | int | None, *, value: bool = False) -> tuple[int, int]:
    """1-based (line, column) of a key (or its value) or an item in a ruamel node; else (0, 0)."""
    lc = getattr(node, "lc", None)
    if lc is None or key is None:
        return (0, 0)
    if isinstance(key, str):
        line, column = lc.value(key) if value else lc.key(key)
    else:
        line, column = lc.item(key)
    return (line + 1, column + 1)


def _parse_step(
    raw: Any, seq: Any, i: int, path: str, team: Team | None, problems: _Problems
) -> Escalation | None:
    if not isinstance(raw, Mapping):
        problems.add(seq, i, path, "a step is a mapping with `at:` or `after:` and `do:`")
        return None
    unknown = set(raw) - {"at", "after", "do"}
    for key in sorted(unknown):
        problems.add(raw, key, f"{path}.{key}", "unknown key (expected at, after, do)")
    if ("at" in raw) == ("after" in raw):
        problems.add(seq, i, path, "give exactly one of `at:` (a % of the SLA) or `after:`")
        return None
    fraction: float | None = None
    after: timedelta | None = None
    try:
        if "at" in raw:
            match = _PERCENT.match(str(raw["at"]))
            if not match or not 0 < float(match.group(1)) <= 100:
                raise ValueError(f"`at` is a percentage in (0%, 100%], not {raw['at']!r}")
            fraction = float(match.group(1)) / 100
            if fraction == 1.0:  # at the breach: the same instant as `after: 0s`
                fraction, after = None, timedelta(0)
        else:
            after = parse_duration(raw["after"])
    except ValueError as error:
        problems.add(raw, "at" if "at" in raw else "after", path, str(error))
        return None
    words = str(raw.get("do", "")).split()
    try:
        kind = StepKind(words[0]) if words else None
        if kind is None or kind is StepKind.BREACH:
            raise ValueError("`do:` is remind, alert, reassign or recycle")
        target = _target(kind, words[1:])
    except ValueError as error:
        problems.add(raw, "do" if "do" in raw else None, f"{path}.do", str(error))
        return None
    if team is not None and (message := _check_target(target, team)):
        problems.add(raw, "do", f"{path}.do", message)
    return Escalation(kind, target, fraction, after, _position(seq, i)[0])


def _parse_rule(
    raw: Any,
    seq: Any,
    i: int,
    compile_condition: CompileCondition,
    team: Team | None,
    problems: _Problems,
) -> SlaRule | None:
    path = f"sla[{i}]"
    if not isinstance(raw, Mapping):
        problems.add(seq, i, path, "an SLA is a mapping with id, first_touch, escalation")
        return None
    for key in sorted(set(raw) - {"id", "when", "first_touch", "clock", "escalation"}):
        problems.add(raw, key, f"{path}.{key}", "unknown key")
    rule_id = str(raw.get("id", "")).strip()
    if not rule_id:
        problems.add(seq, i, f"{path}.id", "required")
    condition = Condition("always")
    when = raw.get("when")
    if when is not None and str(when).strip() != "always":
        try:
            line, column = _position(raw, "when", value=True)
            condition = compile_condition(str(when), f"{path}.when", line, column)
        except PolicyError as error:
            problems.errors.extend(error.errors)
    first_touch = None
    try:
        first_touch = parse_duration(raw["first_touch"]) if "first_touch" in raw else None
        if first_touch is None or first_touch <= timedelta(0):
            raise ValueError("required: a positive duration such as 5m")
    except ValueError as error:
        key = "first_touch" if "first_touch" in raw else None
        problems.add(raw if key else seq, key or i, f"{path}.first_touch", str(error))
    try:
        clock = ClockMode(str(raw.get("clock", ClockMode.BUSINESS)))
    except ValueError:
        problems.add(raw, "clock", f"{path}.clock", "business or wall")
        clock = ClockMode.BUSINESS
    steps_raw = raw.get("escalation", ())
    if not isinstance(steps_raw, Sequence) or isinstance(steps_raw, str):
        problems.add(raw, "escalation", f"{path}.escalation", "a list of steps")
        steps_raw = ()
    parsed = [
        _parse_step(step, steps_raw, j, f"{path}.escalation[{j}]", team, problems)
        for j, step in enumerate(steps_raw)
    ]
    steps = sorted((s for s in parsed if s is not None), key=lambda s: s.order)
    # A move to a queue (recycle, or reassign to a queue) leaves no owner to escalate on.
    ends = [s for s in steps if s.target.kind is TargetKind.QUEUE]
    if ends and ends[0] is not steps[-1]:
        problems.add(raw, "escalation", f"{path}.escalation", "steps after a move to a queue")
    if first_touch is None or not rule_id:
        return None
    return SlaRule(rule_id, condition, first_touch, clock, tuple(steps), _position(seq, i)[0])


def parse_sla(
    raw: Any,
    source: str,
    *,
    compile_condition: CompileCondition,
    team: Team | None = None,
) -> SlaPolicy:
    """Parse a policy's `sla:` list (ruamel nodes give positions); PolicyError lists all."""
    problems = _Problems(source)
    if raw is None:
        return SlaPolicy()
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        raise PolicyError([SourceError(source, 0, 0, "a list of SLAs", "sla")])
    rules = [
        _parse_rule(item, raw, i, compile_condition, team, problems) for i, item in enumerate(raw)
    ]
    seen: set[str] = set()
    for i, item in enumerate(raw):
        # Checked on the raw ids, so a duplicate is reported even when the SLA has other errors.
        rule_id = str(item.get("id", "")).strip() if isinstance(item, Mapping) else ""
        if rule_id in seen:
            problems.add(raw, i, f"sla[{i}].id", f"duplicate SLA id {rule_id!r}")
        if rule_id:
            seen.add(rule_id)
    if problems.errors:
        raise PolicyError(problems.errors)
    return SlaPolicy(tuple(r for r in rules if r is not None))


def load_sla(
    text: str, source: str, team: Team, custom_fields: Mapping[str, FieldType] = EMPTY
) -> SlaPolicy:
    """The `sla:` section of a policy file's text (none: no SLAs), `when:` compiled like rules.

    Conditions may use the lead's standard, derived and the policy's custom fields; the policy's
    sets and territories are not in scope here.
    """
    doc = Document(text, source)
    doc.raise_if_any()
    root = doc.root.value if doc.root is not None else None
    conditions = ConditionCompiler(
        doc, Scope({**STANDARD_FIELDS, **DERIVED_FIELDS, **custom_fields}, {}, {})
    )

    def compile_condition(when: str, path: str, line: int, column: int) -> Condition:
        mark = doc.mark()
        condition = conditions.compile(Node(when, path, line, column, line, column))
        if condition is None:
            raise PolicyError(doc.errors[mark:])
        return condition

    raw = root.get("sla") if isinstance(root, Mapping) else None
    return parse_sla(raw, source, compile_condition=compile_condition, team=team)
