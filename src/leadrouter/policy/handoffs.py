"""SDR→AE hand-offs (`handoffs:`): on a stage change, the lead goes to the next role's pools.

Each hand-off names the `stage` it fires on (`meeting_booked`, `qualified`, ...), the role the
lead's current owner holds (`from`, default `sdr`), the role it goes to (`to`, e.g. `ae`) and its
own ranked `rules`, written and checked exactly like the policy's rules (the last a catch-all).
The service keeps the `from` owner as the lead's owner in that role and routes it by these
rules (`leads/handoffs.py`). Pure: no I/O, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from leadrouter.policy.compiled import CompiledRule
from leadrouter.policy.source import Document, Node

_KEYS = ("stage", "from", "to", "rules")
_WORD = re.compile(r"[a-z][a-z0-9_]*")
DEFAULT_FROM = "sdr"


def stage_key(stage: str) -> str:
    """`Meeting Booked`, `meeting-booked` and `meeting_booked` are one stage."""
    return re.sub(r"[\s_-]+", "_", stage.strip().casefold())


@dataclass(frozen=True, slots=True)
class Handoff:
    stage: str
    from_role: str
    to_role: str
    rules: tuple[CompiledRule, ...]
    line: int = 0


def compile_handoffs(
    doc: Document,
    node: Node | None,
    compile_rules: Callable[[Node], tuple[CompiledRule, ...]],
) -> Mapping[str, Handoff]:
    """`handoffs:` as hand-offs by stage; problems reported to `doc`."""
    found: dict[str, Handoff] = {}
    if node is None:
        return MappingProxyType(found)
    for item in doc.items(node, "hand-offs"):
        keys = doc.mapping(item, required=("stage", "to", "rules"), optional=_KEYS)
        if keys is None or not {"stage", "to", "rules"} <= set(keys):
            continue
        stage = _word(doc, keys["stage"], "a stage such as meeting_booked")
        to_role = _word(doc, keys["to"], "a role such as ae")
        from_role = (
            _word(doc, keys["from"], "a role such as sdr") if "from" in keys else DEFAULT_FROM
        )
        rules = compile_rules(keys["rules"])
        if stage is not None and stage in found:
            doc.error(keys["stage"], f"a hand-off on stage '{stage}' is already defined")
            continue
        if from_role is not None and from_role == to_role:
            doc.error(keys["to"], f"a hand-off goes to another role than '{from_role}'")
            continue
        if stage and from_role and to_role and rules:
            found[stage] = Handoff(stage, from_role, to_role, rules, item.line)
    return MappingProxyType(found)


def _word(doc: Document, node: Node, what: str) -> str | None:
    text = doc.text(node, what)
    if text is None:
        return None
    key = stage_key(text)
    if not _WORD.fullmatch(key):
        doc.error(node, f"expected {what}: letters, digits and '_'")
        return None
    return key
