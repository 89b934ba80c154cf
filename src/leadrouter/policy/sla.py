"""The `sla:` section of a policy: what it compiles to, and the part of the compiler that reads it.

An SLA says how soon a lead of some kind must get its first touch (`first_touch`), on which clock
(the owner's working hours, or wall-clock time), and which escalation steps follow when nobody
acts. The policy compiler calls `compile_sla` with the same condition compiler, scope and
Document as the rules, so an SLA's `when:` reads exactly what a rule's can (sets, territories,
`account.*`, `score`) and its problems are reported with theirs. The engine picks the SLA of an
assignment from the same evaluation context as the rules (`SlaPolicy.select`) and records its id
in the decision; `escalation` turns it into a clock. Nothing here reads the clock or does I/O.

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
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from leadrouter.model import Team
from leadrouter.policy.source import Document, Node

if TYPE_CHECKING:  # compiled.py holds CompiledPolicy, which holds an SlaPolicy
    from leadrouter.policy.compiled import Condition

CompileWhen = Callable[[Node | None], "Condition | None"]
"""A `when:` node (None: absent) -> its Condition, or None when its problems were reported."""


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
    _by_id: Mapping[str, SlaRule] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {rule.id: rule for rule in self.rules})

    def select(self, ctx: Mapping[str, Any]) -> SlaRule | None:
        """The first SLA whose condition holds for the lead's context, like routing rules."""
        for rule in self.rules:
            if rule.condition.first_false(ctx) == -1:
                return rule
        return None

    def get(self, sla_id: str) -> SlaRule | None:
        """The SLA with this id (as a decision records it), or None."""
        return self._by_id.get(sla_id)


NO_SLAS = SlaPolicy()

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
_SLA_KEYS = ("id", "when", "first_touch", "clock", "escalation")


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


def positive_duration(doc: Document, node: Node, example: str) -> timedelta | None:
    """The positive duration `node` holds, or None with the problem reported to `doc`."""
    try:
        duration = parse_duration(node.value)
    except ValueError as error:
        doc.error(node, str(error))
        return None
    if duration <= timedelta(0):
        doc.error(node, f"a positive duration such as {example}")
        return None
    return duration


def compile_sla(
    doc: Document, node: Node | None, team: Team, compile_when: CompileWhen
) -> SlaPolicy:
    """The `sla:` list of a policy (absent: no SLAs); problems are reported to `doc`."""
    rules: list[SlaRule] = []
    first_line: dict[str, int] = {}
    for item in doc.items(node, "SLAs"):
        keys = doc.mapping(item, required=("id", "first_touch"), optional=_SLA_KEYS)
        if keys is None:
            continue
        sla_id = doc.text(keys["id"], "an SLA id") if "id" in keys else None
        if sla_id is not None:
            doc.first_use(keys["id"], sla_id, first_line, "SLA id")
        condition = compile_when(keys.get("when"))
        first_touch = (
            positive_duration(doc, keys["first_touch"], "5m") if "first_touch" in keys else None
        )
        clock = ClockMode.BUSINESS
        if "clock" in keys:
            written = doc.choice(keys["clock"], tuple(ClockMode))
            clock = ClockMode(written) if written is not None else clock
        steps = _ladder(doc, keys.get("escalation"), team)
        if sla_id is not None and condition is not None and first_touch is not None:
            rules.append(SlaRule(sla_id, condition, first_touch, clock, steps, item.line))
    return SlaPolicy(tuple(rules))


def _ladder(doc: Document, node: Node | None, team: Team) -> tuple[Escalation, ...]:
    parsed = [_step(doc, item, team) for item in doc.items(node, "escalation steps")]
    steps = sorted((s for s in parsed if s is not None), key=lambda s: s.order)
    # A move to a queue (recycle, or reassign to a queue) leaves no owner to escalate on.
    ends = [s for s in steps if s.target.kind is TargetKind.QUEUE]
    if node is not None and ends and ends[0] is not steps[-1]:
        doc.error(node, "steps after a move to a queue: moving to a queue ends the ladder")
    return tuple(steps)


def _step(doc: Document, item: Node, team: Team) -> Escalation | None:
    keys = doc.mapping(item, required=("do",), optional=("at", "after"))
    if keys is None:
        return None
    if ("at" in keys) == ("after" in keys):
        doc.error(item, "give exactly one of `at:` (a % of the SLA) or `after:`")
        return None
    fraction: float | None = None
    after: timedelta | None = None
    when = keys["at"] if "at" in keys else keys["after"]
    try:
        if "at" in keys:
            found = _PERCENT.match(str(when.value))
            if not found or not 0 < float(found.group(1)) <= 100:
                raise ValueError(f"`at` is a percentage in (0%, 100%], not {when.value!r}")
            fraction = float(found.group(1)) / 100
            if fraction == 1.0:  # at the breach: the same instant as `after: 0s`
                fraction, after = None, timedelta(0)
        else:
            after = parse_duration(when.value)
    except ValueError as error:
        doc.error(when, str(error))
        return None
    if "do" not in keys:
        return None
    target = _target(doc, keys["do"], team)
    if target is None:
        return None
    return Escalation(target[0], target[1], fraction, after, item.line)


def _target(doc: Document, node: Node, team: Team) -> tuple[StepKind, Target] | None:
    """`do: <step> <target>`, checked against the team."""
    words = str(node.value).split() if isinstance(node.value, str) else []
    try:
        kind = StepKind(words[0]) if words else None
        if kind is None or kind is StepKind.BREACH:
            raise ValueError("`do:` is remind, alert, reassign or recycle")
        target = _words_to_target(kind, words[1:])
    except ValueError as error:
        doc.error(node, str(error))
        return None
    known: Collection[str] | None = {
        TargetKind.REP: team.reps,
        TargetKind.POOL: team.pools,
        TargetKind.QUEUE: team.queues,
    }.get(target.kind)
    if known is not None and target.id is not None:
        offset = len(str(node.value).rstrip()) - len(target.id)
        if not doc.reference(node, target.id, known, str(target.kind), offset=offset):
            return None
    return kind, target


def _words_to_target(kind: StepKind, words: Sequence[str]) -> Target:
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
