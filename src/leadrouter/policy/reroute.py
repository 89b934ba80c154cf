"""Re-routing on change (`reroute:`): which changes to a routed lead route it again.

A lead's fields or score change after it was routed (`PATCH /v1/leads/{id}`, a CRM property
change). The policy's `reroute:` section lists triggers, tried in order; the first whose `from`
holds the lead's state and whose `when` holds for the changed lead re-routes it, and its id and
condition are the re-route's reason. A trigger's `when` reads the changed lead (fields, account,
score, `mql`) plus `changed`: the names of the fields (and of `score`, `fit_score`,
`behavior_score`, `mql`) whose values the change moved, so `mql and changed contains "mql"` is
"the score crossed the MQL threshold". A lead a rep has touched never re-routes on a change.

Without the section the built-in rule holds: a lead waiting in a queue, nurture or review is
routed again on any change, and an owned lead keeps its owner. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from leadrouter.policy.compiled import Condition
from leadrouter.policy.source import Document, Node

# A lead's state as a trigger's `from` names it: where its decision left it; `owned` is a lead a
# rep owns and nobody has touched yet. `touched` is named only to say it never moves.
STATES = ("queue", "nurture", "review", "owned")
TOUCHED = "touched"
WAITING = ("queue", "nurture", "review")
# The fields whose change the engine derives from others: a condition may test them in `changed`.
SCORE_FIELDS = ("score", "fit_score", "behavior_score", "mql")
CHANGED = "changed"  # the context key the changed fields' names are under
_TRIGGER_KEYS = ("id", "when", "from")


@dataclass(frozen=True, slots=True)
class RerouteTrigger:
    """A lead in one of `states` whose changed context meets `condition` is routed again."""

    id: str
    condition: Condition
    states: frozenset[str]
    line: int = 0

    def __str__(self) -> str:
        when = "any change" if self.condition.always else self.condition.source
        return f"reroute trigger '{self.id}' ({when}; from {', '.join(sorted(self.states))})"


@dataclass(frozen=True, slots=True)
class ReroutePolicy:
    triggers: tuple[RerouteTrigger, ...]
    line: int = 0


@dataclass(frozen=True, slots=True)
class RerouteVerdict:
    """Whether a change re-routes the lead, why, and by which trigger (None: the built-in rule)."""

    reroute: bool
    reason: str
    trigger: str | None = None


def lead_state(kind: str, touched: bool) -> str:
    """The state a trigger's `from` names for a routed lead of decision kind `kind`."""
    if kind == "rep":
        return TOUCHED if touched else "owned"
    return kind


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[str, ...]:
    """The names of the context entries whose values differ (added, removed or moved), sorted."""
    names = set(before) | set(after)
    return tuple(sorted(n for n in names if before.get(n) != after.get(n)))


def verdict(
    policy: ReroutePolicy | None,
    state: str,
    ctx: Mapping[str, Any],
    owner: str | None = None,
    place: str | None = None,
) -> RerouteVerdict:
    """Whether a routed lead in `state` (at `place`, e.g. "queue inbound") whose changed context
    is `ctx` (with `changed`) moves."""
    place = place or state
    changed = ", ".join(ctx.get(CHANGED, ())) or "nothing the rules read"
    if state == TOUCHED:
        return RerouteVerdict(
            False,
            f"touched by {owner}, who keeps it (a change never moves a touched lead; "
            "POST /v1/leads/{id}/reroute does)",
        )
    if policy is None:
        if state == "owned":
            return RerouteVerdict(
                False,
                f"owned by {owner}, who keeps it (a change never moves an owned lead; "
                "POST /v1/leads/{id}/reroute does)",
            )
        return RerouteVerdict(
            True, f"routed again: it was waiting in {place}, and its fields changed ({changed})"
        )
    tried = []
    for trigger in policy.triggers:
        if state not in trigger.states:
            continue
        if trigger.condition.always or trigger.condition.first_false(ctx) == -1:
            return RerouteVerdict(
                True,
                f"routed again by {trigger}: it was in {place}, and {changed} changed",
                trigger.id,
            )
        tried.append(trigger.id)
    where = f"owned by {owner}" if state == "owned" else f"waiting in {place}"
    if not tried:
        return RerouteVerdict(
            False, f"kept: {where}, and no reroute trigger applies to a lead in {state}"
        )
    return RerouteVerdict(
        False,
        f"kept: {where}; {changed} changed, which meets no reroute trigger "
        f"(tried {', '.join(repr(t) for t in tried)})",
    )


def compile_reroute(
    doc: Document, node: Node | None, compile_when: Callable[[Node | None], Condition | None]
) -> ReroutePolicy | None:
    """`reroute:` as a list of triggers `{id, when?, from?}`; problems reported to `doc`."""
    if node is None:
        return None
    triggers = []
    seen: dict[str, int] = {}
    for item in doc.items(node, "reroute triggers"):
        keys = doc.mapping(item, required=("id",), optional=_TRIGGER_KEYS)
        if keys is None or "id" not in keys:
            continue
        trigger_id = doc.text(keys["id"], "a trigger id")
        if trigger_id is not None and doc.valid_id(keys["id"], trigger_id, "trigger"):
            doc.first_use(keys["id"], trigger_id, seen, "reroute trigger")
        condition = compile_when(keys.get("when"))
        states = _states(doc, keys.get("from"))
        if trigger_id is not None and condition is not None and states is not None:
            triggers.append(RerouteTrigger(trigger_id, condition, states, item.line))
    return ReroutePolicy(tuple(triggers), node.line)


def _states(doc: Document, node: Node | None) -> frozenset[str] | None:
    if node is None:
        return frozenset(WAITING)
    items = [node] if isinstance(node.value, str) else doc.items(node, "lead states")
    found = set()
    for item in items:
        if item.value == TOUCHED:
            doc.error(item, "a lead a rep has touched keeps its owner: it never re-routes")
        elif (state := doc.choice(item, STATES)) is not None:
            found.add(state)
    if not items and isinstance(node.value, list):
        doc.error(node, "name at least one lead state: " + ", ".join(STATES))
    return frozenset(found) if found and len(found) == len(items) else None
