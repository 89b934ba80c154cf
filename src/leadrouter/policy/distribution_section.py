"""policy.yaml's `distribution:` section to a `Distribution`: pool eligibility, priority tiers,
per-rep `takes` and `prefers`, splits between teams, and the tie-breaking seed.

Conditions here are compiled with the rules' scope plus the candidate rep's fields (`rep.id`,
`rep.languages`, `rep.skills`, `rep.region`, `rep.segment` and every custom attribute the team
gives its reps) and `lead.<field>` as another name for a lead field. Every problem is reported to
the Document with its position; nothing is returned for a section with problems in it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, TypeVar

from leadrouter.model import FieldType, Team
from leadrouter.policy.compiled import Condition
from leadrouter.policy.conditions import ConditionCompiler, Scope
from leadrouter.policy.distribution import (
    NO_DISTRIBUTION,
    REP_LIST_FIELDS,
    REP_TEXT_FIELDS,
    Distribution,
    PoolRules,
    RepRules,
    Split,
)
from leadrouter.policy.source import Document, Node

_TOP = ("seed", "pools", "reps", "splits")
_POOL_KEYS = ("eligible", "otherwise_eligible", "priority", "calibrate")
_REP_KEYS = ("takes", "prefers")
_EVERYONE, _NOBODY = "everyone", "nobody"
T = TypeVar("T")
_TYPE_OF = {str: FieldType.STRING, float: FieldType.NUMBER, int: FieldType.NUMBER}


def rep_scope_fields(team: Team) -> dict[str, FieldType]:
    """The `rep.<name>` fields a condition may read, typed (attributes typed by their values)."""
    fields = {f"rep.{name}": FieldType.LIST for name in REP_LIST_FIELDS}
    fields |= {f"rep.{name}": FieldType.STRING for name in (*REP_TEXT_FIELDS, "region", "segment")}
    for rep in team.reps.values():
        for name, value in rep.attributes.items():
            fields.setdefault(f"rep.{name}", attribute_type(value))
    return fields


def attribute_type(value: Any) -> FieldType:
    """The field type of a rep attribute's value (team.py checks they agree across reps)."""
    if isinstance(value, bool):
        return FieldType.BOOL
    if isinstance(value, tuple):
        return FieldType.LIST
    return _TYPE_OF.get(type(value), FieldType.STRING)


def compile_distribution(
    doc: Document, node: Node | None, team: Team, scope: Scope
) -> Distribution | None:
    """The section at `node` (None: absent, the defaults), or None when it has problems."""
    if node is None:
        return NO_DISTRIBUTION
    top = doc.mapping(node, optional=_TOP)
    if top is None:
        return None
    mark = doc.mark()
    lead_fields = {**scope.fields, **{f"lead.{f}": kind for f, kind in scope.fields.items()}}
    candidate = ConditionCompiler(
        doc, Scope({**lead_fields, **rep_scope_fields(team)}, scope.sets, scope.territories)
    )
    seed = doc.count(top["seed"], minimum=0) if "seed" in top else 0
    pools = _entries(
        doc,
        top.get("pools"),
        ("pool", team.pools, _POOL_KEYS),
        lambda pool_id, keys: _pool(doc, pool_id, keys, team, candidate),
    )
    reps = _entries(
        doc,
        top.get("reps"),
        ("rep", team.reps, _REP_KEYS),
        lambda _, keys: RepRules(
            _optional(keys, "takes", candidate), _optional(keys, "prefers", candidate)
        ),
    )
    splits = {
        split_id: split
        for split_id, child in doc.entries(top.get("splits"), "split ids to teams")
        if (split := _split(doc, split_id, child, team)) is not None
    }
    if doc.failed_since(mark) or seed is None:
        return None
    return Distribution(
        seed, MappingProxyType(pools), MappingProxyType(reps), MappingProxyType(splits)
    )


def _entries(
    doc: Document,
    node: Node | None,
    kind: tuple[str, Mapping[str, Any], tuple[str, ...]],
    build: Callable[[str, dict[str, Node]], T],
) -> dict[str, T]:
    """The rules of each entry under `node` that names a known pool or rep (`kind`: what it
    names, the known ones, the keys it may have); an entry with problems is left out."""
    what, known, allowed = kind
    built: dict[str, T] = {}
    for entry_id, child in doc.entries(node, f"{what} ids to their rules"):
        if not doc.reference(child.key(entry_id), entry_id, known, what):
            continue
        keys = doc.mapping(child, optional=allowed)
        if keys is None:
            continue
        mark = doc.mark()
        rules = build(entry_id, keys)
        if not doc.failed_since(mark):
            built[entry_id] = rules
    return built


def _optional(keys: dict[str, Node], key: str, compiler: ConditionCompiler) -> Condition | None:
    return compiler.compile(keys[key]) if key in keys else None


def _pool(
    doc: Document, pool_id: str, keys: dict[str, Node], team: Team, compiler: ConditionCompiler
) -> PoolRules:
    eligible = _optional(keys, "eligible", compiler)
    otherwise: Condition | None = None
    if "otherwise_eligible" in keys:
        child = keys["otherwise_eligible"]
        word = child.value.strip() if isinstance(child.value, str) else None
        if word == _EVERYONE:
            otherwise = Condition("always")
        elif word != _NOBODY:
            otherwise = compiler.compile(child)
        if "eligible" not in keys:
            doc.error(child, "'otherwise_eligible' applies only with an 'eligible' condition")
    members = team.pools[pool_id].members
    priority: dict[str, int] = {}
    for rep_id, child in doc.entries(keys.get("priority"), "member rep ids to tiers"):
        tier = doc.count(child, minimum=0)
        member = doc.reference(child.key(rep_id), rep_id, members, f"member of pool {pool_id}")
        if member and tier is not None:
            priority[rep_id] = tier
    calibrate = doc.flag(keys["calibrate"]) if "calibrate" in keys else True
    return PoolRules(eligible, otherwise, MappingProxyType(priority), bool(calibrate))


def _split(doc: Document, split_id: str, node: Node, team: Team) -> Split | None:
    """`{pool: capacity, ...}`, or `[pool, ...]`: each pool's capacity is then the sum of its
    members' `max_open` (every member needs one)."""
    mark = doc.mark()
    teams: list[tuple[str, int]] = []
    if isinstance(node.value, list):
        for pool_id, item in doc.texts(node, "pool ids"):
            if doc.reference(item, pool_id, team.pools, "pool"):
                capacity = _capacity(doc, item, pool_id, team)
                if capacity is not None:
                    teams.append((pool_id, capacity))
    else:
        for pool_id, child in doc.entries(node, "pool ids to capacities"):
            capacity = doc.count(child, minimum=0)
            known = doc.reference(child.key(pool_id), pool_id, team.pools, "pool")
            if known and capacity is not None:
                teams.append((pool_id, capacity))
    if not doc.failed_since(mark):
        if not teams:
            doc.error(node, f"split '{split_id}' needs at least one pool and its capacity")
        elif not any(capacity for _, capacity in teams):
            doc.error(node, f"split '{split_id}': every capacity is 0, so no team takes a lead")
    if doc.failed_since(mark):
        return None
    return Split(split_id, tuple(teams))


def _capacity(doc: Document, node: Node, pool_id: str, team: Team) -> int | None:
    members = [team.reps.get(rep) for rep in team.pools[pool_id].members]
    uncapped = [rep.id for rep in members if rep is not None and rep.max_open is None]
    if uncapped:
        doc.error(
            node,
            f"pool {pool_id}'s capacity is the sum of its members' max_open, and "
            + ", ".join(uncapped)
            + " has none: give one, or write the capacity ({pool: capacity})",
        )
        return None
    return sum(rep.max_open or 0 for rep in members if rep is not None)


def split_ids(node: Node | None) -> frozenset[str]:
    """The split ids written in a `distribution:` section, for `route: split <id>` checks."""
    value = node.value if node is not None else None
    splits = value.get("splits") if isinstance(value, Mapping) else None
    return frozenset(str(k) for k in splits) if isinstance(splits, Mapping) else frozenset()
