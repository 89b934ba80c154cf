"""crm.yaml: which CRM property fills which lead field, which CRM user each rep is, which CRM
queue each leadrouter queue is, and which CRM tasks an assignment creates.

Read like the policy (`policy/source.py`): every problem is collected with file:line:column and
raised together as one PolicyError. `parse_crm` checks the file's own shape (what the service
needs at start); `check_crm` checks it against the team and policy (what `policy check` runs):
a rep who can receive leads but has no CRM user is an error there, since a lead routed to them
could never be written back. Pure: no I/O beyond reading the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType

from leadrouter.errors import PolicyError, SourceError
from leadrouter.model import EMPTY, Team
from leadrouter.policy.source import Document, Node, did_you_mean, read_source

_SALESFORCE_ID = re.compile(r"^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$")
_HUBSPOT_ID = re.compile(r"^[0-9]{1,20}$")
_PROPERTY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
_SIDE_KEYS = (
    *("fields", "owners", "queues", "tasks", "owner_property", "stages", "stage_property"),
    "sequences",
)
_SENDER_KEYS = ("id", "user_id", "email")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_STAGE = re.compile(r"^[a-z][a-z0-9_]*$")
_TASK_KEYS = ("rule", "pool", "subject", "due_in_hours")
_SEQUENCE_KEYS = ("rule", "pool", "sequence_id")
_HOOK_KEYS = ("rule", "pool", "url", "sequence")


class Crm(StrEnum):
    HUBSPOT = "hubspot"
    SALESFORCE = "salesforce"


@dataclass(frozen=True, slots=True)
class TaskAction:
    """A CRM task for the new owner when a lead is assigned by `rule` or from `pool`."""

    subject: str  # may name lead fields in braces: "Call {first_name} at {company}"
    rule: str | None = None
    pool: str | None = None
    due_in_hours: float = 24.0

    def applies(self, rule: str | None, pool: str | None) -> bool:
        return (self.rule is None or self.rule == rule) and (self.pool is None or self.pool == pool)


@dataclass(frozen=True, slots=True)
class SequenceAction:
    """Enroll the lead in a sequence when it is assigned by `rule` or from `pool`: HubSpot's
    sequence `sequence_id`, or a signed POST to `url` naming `sequence` (any other tool)."""

    sequence: str  # HubSpot's sequence id, or the name the webhook's receiver knows
    rule: str | None = None
    pool: str | None = None
    url: str | None = None  # a generic webhook's; None for HubSpot's API

    def applies(self, rule: str | None, pool: str | None) -> bool:
        return (self.rule is None or self.rule == rule) and (self.pool is None or self.pool == pool)


@dataclass(frozen=True, slots=True)
class Sender:
    """A rep as a HubSpot sequence's sender: the user id and the email HubSpot knows them by."""

    user_id: str
    email: str


@dataclass(frozen=True, slots=True)
class CrmSide:
    """One CRM's part of crm.yaml, with the positions `check_crm` reports problems at."""

    crm: Crm
    fields: Mapping[str, str]  # CRM property -> lead field
    owners: Mapping[str, str]  # rep id -> CRM user id
    queues: Mapping[str, str] = field(default_factory=lambda: EMPTY)  # queue id -> CRM queue id
    tasks: tuple[TaskAction, ...] = ()
    owner_property: str = ""  # the CRM's owner field: hubspot_owner_id, OwnerId
    stages: Mapping[str, str] = field(default_factory=lambda: EMPTY)  # CRM value -> stage
    stage_property: str = ""  # the CRM's stage field: lifecyclestage, Status
    sequences: tuple[SequenceAction, ...] = ()
    senders: Mapping[str, Sender] = field(default_factory=lambda: EMPTY)  # rep id -> sender
    where: Mapping[str, tuple[int, int]] = field(default_factory=lambda: EMPTY, repr=False)

    def rep_of(self, crm_user: str) -> str | None:
        """The rep a CRM user id belongs to, or None."""
        return next((rep for rep, user in self.owners.items() if user == crm_user), None)

    def stage_of(self, value: object) -> str | None:
        """The hand-off stage a value of the stage property maps to, or None."""
        return self.stages.get(value) if isinstance(value, str) else None

    def lead_fields(self, properties: Mapping[str, object]) -> dict[str, str | float | bool]:
        """The lead as leadrouter reads it, from the CRM record's mapped properties (empty and
        unmapped ones left out)."""
        lead: dict[str, str | float | bool] = {}
        for prop, name in self.fields.items():
            value = properties.get(prop)
            if isinstance(value, bool | int | float):
                lead[name] = value
            elif isinstance(value, str) and value.strip():
                lead[name] = value.strip()
        return lead


@dataclass(frozen=True, slots=True)
class EnrichmentProvider:
    """An HTTP enrichment provider (Clearbit, Apollo, ZoomInfo style): GET `url` with the lead's
    company domain, read `fields` (dotted paths in the JSON answer) into lead fields."""

    name: str
    url: str  # with {domain}
    fields: Mapping[str, str]  # dotted JSON path -> lead field
    timeout_seconds: float = 1.0  # routing never waits longer; the trace says it timed out
    daily_budget: int | None = None  # calls per UTC day (cached answers are free)
    cache_hours: float = 24.0


@dataclass(frozen=True, slots=True)
class CrmConfig:
    source: str
    sides: Mapping[Crm, CrmSide]
    enrichment: EnrichmentProvider | None = None
    sequence_webhooks: tuple[SequenceAction, ...] = ()  # for every lead, from a CRM or not
    where: Mapping[str, tuple[int, int]] = field(default_factory=lambda: EMPTY, repr=False)

    def get(self, crm: Crm) -> CrmSide | None:
        return self.sides.get(crm)


_OWNER_PROPERTY = {Crm.HUBSPOT: "hubspot_owner_id", Crm.SALESFORCE: "OwnerId"}
_STAGE_PROPERTY = {Crm.HUBSPOT: "lifecyclestage", Crm.SALESFORCE: "Status"}


def load_crm(path: Path) -> CrmConfig:
    """crm.yaml's connectors; raises PolicyError listing every problem of its shape."""
    return parse_crm(read_source(path), str(path))


def parse_crm(text: str, source: str) -> CrmConfig:
    doc = Document(text, source)
    sides: dict[Crm, CrmSide] = {}
    provider = None
    hooks: tuple[SequenceAction, ...] = ()
    where: dict[str, tuple[int, int]] = {}
    if doc.root is not None:
        top = doc.mapping(doc.root, optional=(*Crm, "enrichment", "sequence_webhooks"))
        for name, node in (top or {}).items():
            if name == "enrichment":
                provider = _provider(doc, node)
                continue
            if name == "sequence_webhooks":
                hooks = _sequences(doc, node, _HOOK_KEYS, where)
                continue
            side = _side(doc, Crm(name), node)
            if side is not None:
                sides[Crm(name)] = side
    doc.raise_if_any()
    return CrmConfig(source, MappingProxyType(sides), provider, hooks, MappingProxyType(where))


def _provider(doc: Document, node: Node) -> EnrichmentProvider | None:
    keys = doc.mapping(
        node,
        required=("name", "url", "fields"),
        optional=("timeout_seconds", "daily_budget", "cache_hours"),
    )
    if keys is None:
        return None
    name = doc.text(keys["name"]) if "name" in keys else None
    url = doc.text(keys["url"]) if "url" in keys else None
    if url is not None and ("{domain}" not in url or not url.startswith(("http://", "https://"))):
        doc.error(keys["url"], "expected an http(s) URL with {domain} where the domain goes")
        url = None
    fields: dict[str, str] = {}
    for path, child in doc.entries(keys.get("fields"), "JSON paths to lead fields"):
        field_name = doc.text(child, "a lead field name")
        if field_name is not None:
            fields[path] = field_name
    timeout = doc.number(keys["timeout_seconds"]) if "timeout_seconds" in keys else 1.0
    if timeout is not None and not 0 < timeout <= 30:
        doc.error(keys["timeout_seconds"], "expected between 0 and 30 seconds")
    budget = doc.count(keys["daily_budget"], minimum=0) if "daily_budget" in keys else None
    cache = doc.number(keys["cache_hours"]) if "cache_hours" in keys else 24.0
    if name is None or url is None or timeout is None or cache is None:
        return None
    return EnrichmentProvider(name, url, MappingProxyType(fields), timeout, budget, cache)


def _side(doc: Document, crm: Crm, node: Node) -> CrmSide | None:
    keys = doc.mapping(node, required=("fields", "owners"), optional=_SIDE_KEYS[2:])
    if keys is None:
        return None
    where: dict[str, tuple[int, int]] = {}
    fields: dict[str, str] = {}
    for prop, child in doc.entries(keys.get("fields"), "CRM properties to lead fields"):
        name = doc.text(child, "a lead field name")
        if not _PROPERTY.match(prop):
            doc.error(child, f"'{prop}' is not a CRM property name", at_key=True)
        elif name is not None:
            fields[prop] = name
    if "fields" in keys and "email" not in fields.values():
        doc.error(keys["fields"], "no property maps to the lead's 'email': leads need one")
    senders: dict[str, Sender] = {}
    owners = _ids(doc, crm, keys.get("owners"), "rep", "005", where, senders)
    if "owners" in keys:
        where["owners"] = (keys["owners"].key_line, keys["owners"].key_column)
    queues = _ids(doc, crm, keys.get("queues"), "queue", "00G", where)
    if crm is Crm.HUBSPOT and queues:
        doc.error(keys["queues"], "HubSpot has no queues: a lead left in a queue keeps no owner")
    tasks = tuple(t for item in doc.items(keys.get("tasks"), "tasks") if (t := _task(doc, item)))
    owner_property = _OWNER_PROPERTY[crm]
    if "owner_property" in keys:
        owner_property = doc.text(keys["owner_property"], "a CRM property name") or owner_property
    stage_property = _STAGE_PROPERTY[crm]
    if "stage_property" in keys:
        stage_property = doc.text(keys["stage_property"], "a CRM property name") or stage_property
    stages: dict[str, str] = {}
    for value, child in doc.entries(keys.get("stages"), f"{stage_property} values to stages"):
        stage = doc.text(child, "a hand-off stage such as qualified")
        if stage is not None and not _STAGE.match(stage):
            doc.error(child, f"'{stage}' is not a stage name (lower case, digits, _)")
        elif stage is not None:
            stages[value] = stage
            where.setdefault(f"stage.{stage}", (child.line, child.column))
    for item in doc.items(keys.get("tasks"), "tasks"):
        _where_refs(item, "task", where)
    sequences: tuple[SequenceAction, ...] = ()
    if "sequences" in keys and crm is not Crm.HUBSPOT:
        doc.error(keys["sequences"], "sequences: HubSpot only (use sequence_webhooks: instead)")
    elif "sequences" in keys:
        sequences = _sequences(doc, keys["sequences"], _SEQUENCE_KEYS, where)
    return CrmSide(
        crm,
        MappingProxyType(fields),
        MappingProxyType(owners),
        MappingProxyType(queues),
        tasks,
        owner_property,
        MappingProxyType(stages),
        stage_property,
        sequences,
        MappingProxyType(senders),
        MappingProxyType(where),
    )


def _where_refs(item: Node, what: str, where: dict[str, tuple[int, int]]) -> None:
    """Remember where an action names a rule or a pool, for `check_crm`'s positions."""
    for ref in ("rule", "pool"):
        if isinstance(item.value, Mapping) and ref in item.value:
            where[f"{what}.{ref}.{item.value[ref]}"] = (item.line, item.column)


def _sequences(
    doc: Document, node: Node, allowed: tuple[str, ...], where: dict[str, tuple[int, int]]
) -> tuple[SequenceAction, ...]:
    """`sequences:` (HubSpot's, by `sequence_id`) or `sequence_webhooks:` (by `url`)."""
    found: list[SequenceAction] = []
    for item in doc.items(node, "sequence enrollments"):
        required = ("url", "sequence") if "url" in allowed else ("sequence_id",)
        keys = doc.mapping(item, required=required, optional=allowed)
        if keys is None or not set(required) <= set(keys):
            continue
        _where_refs(item, "sequence", where)
        url = doc.text(keys["url"], "an https URL") if "url" in keys else None
        if url is not None and not url.startswith(("https://", "http://")):
            doc.error(keys["url"], f"expected an http(s) URL, got '{url}'")
            continue
        value = keys.get("sequence_id") or keys["sequence"]
        sequence = str(value.value) if isinstance(value.value, int | str) else None
        if sequence is None or ("sequence_id" in keys and not _HUBSPOT_ID.match(sequence)):
            doc.error(value, f"expected a HubSpot sequence id (digits), got '{value.value}'")
            continue
        rule = doc.text(keys["rule"], "a rule id") if "rule" in keys else None
        pool = doc.text(keys["pool"], "a pool id") if "pool" in keys else None
        found.append(SequenceAction(sequence, rule, pool, url))
    return tuple(found)


def _ids(
    doc: Document,
    crm: Crm,
    node: Node | None,
    what: str,
    prefix: str,
    where: dict[str, tuple[int, int]],
    senders: dict[str, Sender] | None = None,
) -> dict[str, str]:
    found: dict[str, str] = {}
    for ident, child in doc.entries(node, f"{what} ids to {crm} ids"):
        value = child.value
        if isinstance(value, Mapping) and crm is Crm.HUBSPOT and senders is not None:
            value = _sender(doc, ident, child, senders)
        crm_id = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
        if crm is Crm.HUBSPOT and not _HUBSPOT_ID.match(crm_id):
            doc.error(child, f"expected a HubSpot owner id (digits), got '{value}'")
            continue
        if crm is Crm.SALESFORCE and not (
            _SALESFORCE_ID.match(crm_id) and crm_id.startswith(prefix)
        ):
            kind = "user" if prefix == "005" else "queue"
            doc.error(
                child,
                f"expected a Salesforce {kind} id (15 or 18 characters starting {prefix}), "
                f"got '{value}'",
            )
            continue
        found[ident] = crm_id
        where[f"{what}.{ident}"] = (child.key_line, child.key_column)
    return found


def _sender(doc: Document, rep: str, node: Node, senders: dict[str, Sender]) -> object:
    """An owner written `{id: ..., user_id: ..., email: ...}`: its owner id, and the rep as a
    sequence sender (`senders`) when the user id and email are given."""
    keys = doc.mapping(node, required=("id",), optional=_SENDER_KEYS) or {}
    user = keys.get("user_id")
    email = doc.text(keys["email"], "an email") if "email" in keys else None
    if email is not None and not _EMAIL.match(email):
        doc.error(keys["email"], f"expected the user's email address, got '{email}'")
    elif user is not None and email is not None:
        if not _HUBSPOT_ID.match(str(user.value)):
            doc.error(user, f"expected a HubSpot user id (digits), got '{user.value}'")
        else:
            senders[rep] = Sender(str(user.value), email)
    elif user is not None or email is not None:
        doc.error(node, "a sequence sender needs both user_id and email")
    return keys["id"].value if "id" in keys else None


def _task(doc: Document, node: Node) -> TaskAction | None:
    keys = doc.mapping(node, required=("subject",), optional=_TASK_KEYS)
    if keys is None:
        return None
    subject = doc.text(keys["subject"]) if "subject" in keys else None
    rule = doc.text(keys["rule"], "a rule id") if "rule" in keys else None
    pool = doc.text(keys["pool"], "a pool id") if "pool" in keys else None
    due = doc.number(keys["due_in_hours"]) if "due_in_hours" in keys else 24.0
    if subject is None or due is None:
        return None
    return TaskAction(subject, rule, pool, due)


def check_crm(
    config: CrmConfig, team: Team, rules: Collection[str], stages: Collection[str] = ()
) -> None:
    """Raise PolicyError for every reference of crm.yaml that the team or policy lacks (a rep, a
    queue, a rule, a pool, a hand-off stage), and for every rep who can receive leads but has no
    user in a CRM the file configures."""
    errors: list[SourceError] = []

    def error(at: tuple[int, int], message: str) -> None:
        errors.append(SourceError(config.source, at[0], at[1], message))

    members = {rep for pool in team.pools.values() for rep in pool.members}
    for crm, side in config.sides.items():
        for rep in side.owners:
            if rep not in team.reps:
                error(
                    side.where[f"rep.{rep}"],
                    f"{crm}.owners: unknown rep '{rep}'{did_you_mean(rep, team.reps)}",
                )
        for queue in side.queues:
            if queue not in team.queues:
                error(
                    side.where[f"queue.{queue}"],
                    f"{crm}.queues: unknown queue '{queue}'{did_you_mean(queue, team.queues)}",
                )
        refs = side.where
        _check_refs(side.tasks, refs, "task", f"{crm}.tasks", team, rules, error)
        _check_refs(side.sequences, refs, "sequence", f"{crm}.sequences", team, rules, error)
        for rep in sorted(_enrolling(side.sequences, team) - set(side.senders)):
            error(
                side.where.get("owners", (0, 0)),
                f"{crm}.owners: rep '{rep}' receives leads a sequence enrolls but has no "
                "user_id and email (write it as {id: ..., user_id: ..., email: ...})",
            )
        for stage in sorted(set(side.stages.values()) - set(stages)):
            known = ", ".join(sorted(stages)) or "none: add a handoffs: section"
            error(
                side.where[f"stage.{stage}"],
                f"{crm}.stages: the policy has no hand-off on stage '{stage}' (it has: {known})",
            )
        for rep in sorted(members):
            rep_ = team.reps.get(rep)
            if rep not in side.owners and rep_ is not None and rep_.active:
                error(
                    side.where.get("owners", (0, 0)),
                    f"{crm}.owners: rep '{rep}' receives leads but has no {crm} user: "
                    "a lead routed to them could not be written back",
                )
    hooks = config.sequence_webhooks
    _check_refs(hooks, config.where, "sequence", "sequence_webhooks", team, rules, error)
    if errors:
        raise PolicyError(sorted(errors, key=lambda e: (e.line, e.column)))


def _check_refs(
    actions: Collection[TaskAction | SequenceAction],
    where: Mapping[str, tuple[int, int]],
    kind: str,
    what: str,
    team: Team,
    rules: Collection[str],
    error: Callable[[tuple[int, int], str], None],
) -> None:
    """Report the rules and pools that actions at assignment name and the policy lacks."""
    for action in actions:
        if action.rule is not None and action.rule not in rules:
            at = where.get(f"{kind}.rule.{action.rule}", (0, 0))
            error(at, f"{what}: unknown rule '{action.rule}'{did_you_mean(action.rule, rules)}")
        if action.pool is not None and action.pool not in team.pools:
            at = where.get(f"{kind}.pool.{action.pool}", (0, 0))
            hint = did_you_mean(action.pool, team.pools)
            error(at, f"{what}: unknown pool '{action.pool}'{hint}")


def _enrolling(actions: Collection[SequenceAction], team: Team) -> set[str]:
    """The active reps a lead enrolled in one of `actions` can be assigned to."""
    pools = {a.pool for a in actions}
    if None in pools:  # a rule's action: any pool's member may get the lead
        pools = set(team.pools)
    members = {rep for p in pools if p in team.pools for rep in team.pools[p].members}
    return {rep for rep in members if (r := team.reps.get(rep)) is not None and r.active}
