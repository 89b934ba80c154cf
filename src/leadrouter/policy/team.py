"""team.yaml to `model.Team`: the reps, pools and queues that can receive leads.

Each section may be a list of mappings with an `id` (as the spec shows) or a mapping from id to
fields. Every problem is collected with its position (unknown keys, bad time zones and hours,
references to reps, pools or queues that do not exist, overflow cycles between pools) and raised
together as one PolicyError. This module never returns a partly valid team.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, tzinfo
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from leadrouter.model import Overflow, Pool, Queue, Rep, Strategy, Team, WhenFull
from leadrouter.policy.hours import out_of_office, working_hours
from leadrouter.policy.source import Document, Node, did_you_mean, read_source

ID_PATTERN = r"^[a-z0-9_.-]+$"
"""What a rep, pool or queue id may be, in team.yaml and in the API alike."""
_ID = re.compile(ID_PATTERN)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_LANGUAGE = re.compile(r"[a-z]{2}")
_URL = re.compile(r"https?://[^\s/]+\S{0,480}")
_REP_KEYS = (
    "timezone", "working_hours", "out_of_office", "max_open", "max_per_day", "languages",
    "skills", "active", "manager", "backup", "max_per_week", "max_per_month", "daily_cap",
    "region", "segment", "attributes", "booking_url",
)  # fmt: skip
_ATTRIBUTE = re.compile(r"[a-z_][a-z0-9_]*")
# Rep fields conditions read as `rep.<name>` already: no custom attribute may take these names.
_RESERVED = frozenset(
    {"id", "name", "email", "timezone", "languages", "skills", "region", "segment", "active"}
)
_POOL_KEYS = ("name", "strategy", "when_full", "working_hours", "reset")
_QUEUE_KEYS = ("name", "description", "fallback")
_STRATEGIES = tuple(s.value for s in Strategy)
_HOURS = ("respect", "ignore")
# How a daily cap counts (the rep's calendar day, or the last 24 hours), and the periods after
# which a pool's fairness counts start afresh: see distribute/periods.py.
DAILY_CAPS = ("calendar", "rolling")
RESETS = ("daily", "weekly", "monthly")
_LEAST_LOADED = Overflow(WhenFull.LEAST_LOADED)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class _Record:
    """One rep, pool or queue as written: its id and the nodes of its keys."""

    id: str
    node: Node  # where the id is written
    keys: dict[str, Node]


@dataclass(frozen=True, slots=True)
class _Ids:
    reps: frozenset[str]
    pools: frozenset[str]
    queues: frozenset[str]


def load_team(path: Path) -> Team:
    """The team in a team.yaml file; raises PolicyError listing every problem."""
    return parse_team(read_source(path), str(path))


def parse_team(text: str, source: str) -> Team:
    """The team described by YAML `text` (`source` names it in errors)."""
    doc = Document(text, source)
    team = _team(doc) if doc.root is not None else None
    doc.raise_if_any()
    assert team is not None  # no problems reported means every part was built
    return team


def _team(doc: Document) -> Team | None:
    assert doc.root is not None
    top = doc.mapping(doc.root, optional=("reps", "pools", "queues"))
    if top is None:
        return None
    reps = _records(doc, top.get("reps"), "rep", ("name", "email"), _REP_KEYS)
    pools = _records(doc, top.get("pools"), "pool", ("members",), _POOL_KEYS)
    queues = _records(doc, top.get("queues"), "queue", (), _QUEUE_KEYS)
    ids = _Ids(*(frozenset(r.id for r in records) for records in (reps, pools, queues)))
    mark = doc.mark()
    built_reps = [_rep(doc, record, ids) for record in reps]
    built_pools = [_pool(doc, record, ids) for record in pools]
    built_queues = [_queue(doc, record) for record in queues]
    _attribute_types(doc, reps, built_reps)
    _overflow_cycles(doc, pools)
    if doc.failed_since(mark):
        return None
    return Team(
        reps=MappingProxyType({r.id: r for r in built_reps if r}),
        pools=MappingProxyType({p.id: p for p in built_pools if p}),
        queues=MappingProxyType({q.id: q for q in built_queues if q}),
    )


def _records(
    doc: Document,
    node: Node | None,
    what: str,
    required: tuple[str, ...],
    optional: tuple[str, ...],
) -> list[_Record]:
    """The entries of a section, with ids checked for form and uniqueness."""
    if node is None:
        return []
    found: list[_Record] = []
    if isinstance(node.value, dict):
        for ident, child in doc.entries(node, f"{what} ids to their fields"):
            keys = doc.mapping(child, required=required, optional=optional)
            if keys is not None:
                found.append(_Record(ident, child.key(ident), keys))
    else:
        for item in doc.items(node, f"{what}s"):
            keys = doc.mapping(item, required=("id", *required), optional=optional)
            ident = doc.text(keys["id"], f"a {what} id") if keys and "id" in keys else None
            if keys is not None and ident is not None:
                found.append(_Record(ident, keys["id"], keys))
    first_line: dict[str, int] = {}
    unique = []
    for record in found:
        if not _ID.fullmatch(record.id):
            doc.error(record.node, f"{what} ids use only a-z, 0-9, '_', '.' and '-'")
        if doc.first_use(record.node, record.id, first_line, f"{what} id"):
            unique.append(record)
    return unique


def _read(keys: dict[str, Node], key: str, read: Callable[[Node], T | None], default: T) -> T:
    """The value at `key`, or `default` when it is absent or wrong (wrong is reported already)."""
    value = read(keys[key]) if key in keys else None
    return default if value is None else value


def _rep(doc: Document, record: _Record, ids: _Ids) -> Rep | None:
    keys, mark = record.keys, doc.mark()
    email = _read(keys, "email", doc.text, "")
    if email and not _EMAIL.fullmatch(email):
        doc.error(keys["email"], f"'{email}' is not an email address")
    zone_name = _read(keys, "timezone", doc.text, "UTC")
    # A bad zone is reported once; the rep's absences are still checked, against UTC.
    zone = (_zone(doc, keys["timezone"], zone_name) if "timezone" in keys else None) or UTC
    rep = Rep(
        id=record.id,
        name=_read(keys, "name", doc.text, ""),
        email=email,
        timezone=zone_name,
        working_hours=_read(keys, "working_hours", lambda n: working_hours(doc, n), None),
        out_of_office=_read(keys, "out_of_office", lambda n: out_of_office(doc, n, zone), ()),
        max_open=_read(keys, "max_open", lambda n: doc.count(n, minimum=0), None),
        max_per_day=_read(keys, "max_per_day", lambda n: doc.count(n, minimum=0), None),
        languages=_languages(doc, keys.get("languages")),
        skills=frozenset(text.casefold() for text, _ in doc.texts(keys.get("skills"), "skills")),
        active=_read(keys, "active", doc.flag, True),
        manager=_colleague(doc, keys, "manager", record.id, ids),
        backup=_colleague(doc, keys, "backup", record.id, ids),
        max_per_week=_read(keys, "max_per_week", lambda n: doc.count(n, minimum=0), None),
        max_per_month=_read(keys, "max_per_month", lambda n: doc.count(n, minimum=0), None),
        daily_cap=_read(keys, "daily_cap", lambda n: doc.choice(n, DAILY_CAPS), "calendar"),
        attributes=_attributes(doc, keys),
        booking_url=_read(keys, "booking_url", lambda n: _booking_url(doc, n), None),
    )
    return None if doc.failed_since(mark) else rep


def _attributes(doc: Document, keys: dict[str, Node]) -> MappingProxyType[str, object]:
    """`region`, `segment` and the custom `attributes:` of a rep, as conditions read them."""
    found: dict[str, object] = {}
    for name in ("region", "segment"):
        if name in keys and (text := doc.text(keys[name], f"a {name} in quotes")) is not None:
            found[name] = text
    for name, node in doc.entries(keys.get("attributes"), "attribute names to values"):
        if not _ATTRIBUTE.fullmatch(name) or name in _RESERVED:
            doc.error(
                node,
                f"'{name}' cannot name a rep attribute: use a-z, 0-9 and '_', and none of "
                + ", ".join(sorted(_RESERVED)),
                at_key=True,
            )
            continue
        value = _attribute_value(doc, node)
        if value is not None:
            found[name] = value
    return MappingProxyType(found)


def _attribute_value(doc: Document, node: Node) -> object | None:
    value = node.value
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, list):
        return tuple(text for text, _ in doc.texts(node, "texts"))
    doc.error(node, "a rep attribute is text, a number, true/false or a list of texts")
    return None


def _attribute_types(doc: Document, reps: list[_Record], built: list[Rep | None]) -> None:
    """One attribute has one type across the team: conditions compare it with one kind of value."""
    first: dict[str, tuple[type, str]] = {}
    for record, rep in zip(reps, built, strict=True):
        for name, value in rep.attributes.items() if rep is not None else ():
            kind = type(value)
            if name not in first:
                first[name] = (kind, record.id)
            elif first[name][0] is not kind:
                where = record.keys.get(name) or record.keys["attributes"]
                doc.error(
                    where,
                    f"attribute '{name}' holds {_KIND_WORDS[kind]} here but"
                    f" {_KIND_WORDS[first[name][0]]} for rep {first[name][1]}",
                )


_KIND_WORDS = {str: "text", float: "a number", bool: "true/false", tuple: "a list"}


def _booking_url(doc: Document, node: Node) -> str | None:
    """A scheduling page's address (Calendly, HubSpot meetings, Chili Piper...)."""
    text = doc.text(node, "a URL")
    if text is not None and not _URL.fullmatch(text):
        doc.error(node, f"'{text}' is not an http(s) URL")
        return None
    return text


def _zone(doc: Document, node: Node, name: str) -> tzinfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        doc.error(node, f"unknown time zone '{name}'{did_you_mean(name, available_timezones())}")
        return None


def _languages(doc: Document, node: Node | None) -> frozenset[str]:
    codes = set()
    for text, item in doc.texts(node, "ISO 639-1 language codes"):
        code = text.strip().casefold()
        if _LANGUAGE.fullmatch(code):
            codes.add(code)
        else:
            doc.error(item, f"'{text}' is not a two-letter ISO 639-1 language code such as en")
    return frozenset(codes)


def _colleague(doc: Document, keys: dict[str, Node], key: str, rep: str, ids: _Ids) -> str | None:
    if key not in keys:
        return None
    other = doc.text(keys[key], "a rep id")
    if other is None or not doc.reference(keys[key], other, ids.reps, "rep"):
        return None
    if other == rep:
        doc.error(keys[key], f"a rep cannot be their own {key}")
    return other


def _pool(doc: Document, record: _Record, ids: _Ids) -> Pool | None:
    keys, mark = record.keys, doc.mark()
    members: tuple[str, ...] = ()
    weights: dict[str, int] = {}
    strategy = _read(keys, "strategy", lambda n: doc.choice(n, _STRATEGIES), None)
    if "members" in keys:
        node = keys["members"]
        if isinstance(node.value, dict):
            # Weights as a mapping imply the weighted strategy unless another one is named;
            # load-balanced pools use them too (open leads per unit of weight for uncapped reps).
            if strategy == Strategy.ROUND_ROBIN.value:
                doc.error(node, "weights do not apply to strategy round_robin (use weighted)")
            strategy = strategy or Strategy.WEIGHTED.value
            pairs = doc.entries(node, "rep ids to weights")
            weights = {rep: weight for rep, item in pairs if (weight := doc.count(item, minimum=1))}
            named = [(rep, item.key(rep)) for rep, item in pairs]
        else:
            named = doc.texts(node, "rep ids")
        seen: set[str] = set()
        for rep, item in named:
            if rep in seen:
                doc.error(item, f"'{rep}' is listed twice")
            seen.add(rep)
            doc.reference(item, rep, ids.reps, "rep")
        members = tuple(dict.fromkeys(rep for rep, _ in named))
        if not members:
            doc.error(node, "a pool needs at least one member")
    pool = Pool(
        id=record.id,
        name=_read(keys, "name", doc.text, record.id),
        members=members,
        strategy=Strategy(strategy or Strategy.ROUND_ROBIN.value),
        weights=MappingProxyType(weights),
        overflow=_read(keys, "when_full", lambda n: _overflow(doc, n, ids), _LEAST_LOADED),
        respect_working_hours=_read(
            keys, "working_hours", lambda n: doc.choice(n, _HOURS), "respect"
        )
        == "respect",
        reset=_read(keys, "reset", lambda n: doc.choice(n, RESETS), None),
    )
    return None if doc.failed_since(mark) else pool


def _overflow(doc: Document, node: Node, ids: _Ids) -> Overflow | None:
    text = doc.text(node, "queue <id>, pool <id> or least_loaded")
    if text is None:
        return None
    words = text.split()
    if words == [WhenFull.LEAST_LOADED.value]:
        return Overflow(WhenFull.LEAST_LOADED)
    if len(words) == 2 and words[0] in (WhenFull.QUEUE.value, WhenFull.POOL.value):
        kind = WhenFull(words[0])
        known = ids.queues if kind is WhenFull.QUEUE else ids.pools
        if doc.reference(
            node, words[1], known, kind.value, offset=text.index(words[1], len(words[0]))
        ):
            return Overflow(kind, words[1])
        return None
    doc.error(node, f"'{text}' is not one of: queue <id>, pool <id>, least_loaded")
    return None


def _overflow_cycles(doc: Document, pools: list[_Record]) -> None:
    """Report pools that overflow into each other in a loop (a -> b -> a), once per loop."""
    into: dict[str, str] = {}
    for record in pools:
        words = str(record.keys["when_full"].value).split() if "when_full" in record.keys else []
        if len(words) == 2 and words[0] == WhenFull.POOL.value:
            into[record.id] = words[1]
    reported: set[str] = set()
    for record in pools:
        path = [record.id]
        while (following := into.get(path[-1])) is not None and following not in path:
            path.append(following)
        if following == record.id and record.id not in reported:
            reported.update(path)
            loop = " -> ".join(f"pool {p}" for p in [*path, record.id])
            doc.error(record.keys["when_full"], f"pools overflow into each other in a loop: {loop}")


def _queue(doc: Document, record: _Record) -> Queue | None:
    keys, mark = record.keys, doc.mark()
    queue = Queue(
        id=record.id,
        name=_read(keys, "name", doc.text, record.id),
        description=_read(keys, "description", doc.text, ""),
        fallback=_read(keys, "fallback", doc.flag, False),
    )
    return None if doc.failed_since(mark) else queue
