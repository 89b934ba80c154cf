"""policy.yaml to `CompiledPolicy`: sets, territories, scoring, ranked rules, SLAs and test cases.

Validates the whole file against the spec in docs/policy-language.md and the team it routes to,
collects every problem with its position, and raises them together as one PolicyError. What it
returns is ready for the engine: conditions are closures, routes are typed, names are resolved.
It must never return a policy with a problem in it, nor one where some lead matches no rule.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from leadrouter.model import DERIVED_FIELDS, FieldType, Kind, Team
from leadrouter.normalize import STANDARD_FIELDS
from leadrouter.policy.compiled import CompiledPolicy, CompiledRule, Condition, PolicyTest, Route
from leadrouter.policy.condition_tests import all_of
from leadrouter.policy.conditions import ConditionCompiler, Scope, SetDef
from leadrouter.policy.distribution_section import compile_distribution, split_ids
from leadrouter.policy.expression import KEYWORDS
from leadrouter.policy.handoffs import compile_handoffs
from leadrouter.policy.hours import instant
from leadrouter.policy.lead_time import compile_grace
from leadrouter.policy.net_new import compile_net_new
from leadrouter.policy.reroute import CHANGED, compile_reroute
from leadrouter.policy.routes import always_decides, otherwise_problem, owner_terms, parse_route
from leadrouter.policy.sla import compile_sla
from leadrouter.policy.source import Document, Node, describe, plain, read_source
from leadrouter.policy.territories import Territory, compile_territory
from leadrouter.scoring import ScoringClause, ScoringModel

_REQUIRED = ("version", "fallback_queue", "rules")
_OPTIONAL = (
    "name", "mql_threshold", "fields", "sets", "territories", "scoring", "tests", "sla", "grace",
    "net_new_companies", "distribution", "reroute", "handoffs",
)  # fmt: skip
# What scoring reads as written: its own sections and the fields, sets and territories it names.
_SCORING_SCOPE = ("scoring", "mql_threshold", "fields", "sets", "territories")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_RULE_KEYS = ("when", "otherwise", "owner")
_EXPECT = ("rule", "kind", "owner", "queue", "pool")
_KINDS = tuple(kind.value for kind in Kind)
# Types a custom field may have: what normalization reads (durations are only the engine's `age`).
_CUSTOM_TYPES = ("string", "number", "bool", "list", "datetime")
# Test cases without `at` route on a Monday afternoon in UTC, when most teams are working.
DEFAULT_TEST_TIME = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)


def load_policy(path: Path, team: Team) -> CompiledPolicy:
    """The compiled policy in a policy.yaml file; raises PolicyError listing every problem."""
    return compile_policy(read_source(path), str(path), team)


def compile_policy(text: str, source: str, team: Team) -> CompiledPolicy:
    """The policy in YAML `text`, checked against `team` (`source` names it in errors)."""
    doc = Document(text, source)
    policy = _PolicyCompiler(doc, team).compile(text) if doc.root is not None else None
    doc.raise_if_any()
    assert policy is not None  # no problems reported means every part was built
    return policy


class _PolicyCompiler:
    def __init__(self, doc: Document, team: Team) -> None:
        self.doc = doc
        self.team = team
        self.splits: frozenset[str] = frozenset()

    def compile(self, text: str) -> CompiledPolicy | None:
        doc = self.doc
        assert doc.root is not None
        top = doc.mapping(doc.root, required=_REQUIRED, optional=_OPTIONAL)
        if top is None:
            return None
        version = doc.text(top["version"], "a version in quotes") if "version" in top else None
        name = doc.text(top["name"]) if "name" in top else ""
        threshold = doc.number(top["mql_threshold"]) if "mql_threshold" in top else 0.0
        fallback = self.fallback_queue(top.get("fallback_queue"))
        custom = self.custom_fields(top.get("fields"))
        fields = {**STANDARD_FIELDS, **DERIVED_FIELDS, **custom}
        sets = self.sets(top.get("sets"), fields)
        territories = self.territories(top.get("territories"), fields, sets)
        scope = Scope(fields, sets, territories)
        conditions = ConditionCompiler(doc, scope)
        self.splits = split_ids(top.get("distribution"))
        distribution = compile_distribution(doc, top.get("distribution"), self.team, scope)
        scoring = self.scoring(top.get("scoring"), conditions)
        rules, rule_ids = self.rules(top.get("rules"), conditions)
        # SLAs are chosen from the rules' evaluation context, so their `when:` has the same scope.
        sla = compile_sla(
            doc,
            top.get("sla"),
            self.team,
            lambda when: conditions.compile(when) if when else Condition("always"),
        )
        grace = compile_grace(
            doc,
            top.get("grace"),
            lambda when: conditions.compile(when) if when else Condition("always"),
        )
        company_window = compile_net_new(doc, top.get("net_new_companies"))
        # Triggers read the changed lead plus `changed`, the names of the fields that moved.
        changes = ConditionCompiler(
            doc, Scope({**fields, CHANGED: FieldType.LIST}, sets, territories)
        )
        reroute = compile_reroute(
            doc,
            top.get("reroute"),
            lambda when: changes.compile(when) if when else Condition("always"),
        )
        # Each hand-off's rules are checked like the policy's (every lead placed).
        handoffs = compile_handoffs(
            doc, top.get("handoffs"), lambda node: self.rules(node, conditions)[0]
        )
        tests = self.tests(top.get("tests"), rule_ids)
        if doc.errors:
            return None
        assert version is not None and fallback is not None and threshold is not None
        assert distribution is not None  # a section with problems is reported
        return CompiledPolicy(
            version=version,
            name=name or "",
            rules=rules,
            scoring=ScoringModel(scoring, threshold),
            fallback_queue=fallback,
            custom_fields=MappingProxyType(custom),
            tests=tests,
            sla=sla,
            distribution=distribution,
            source=doc.source,
            text=text,
            reads_time=conditions.reads_time or grace is not None,
            grace=grace,
            company_window=company_window,
            reroute=reroute,
            handoffs=handoffs,
            scoring_source=tuple(
                plain(top[key].value) if key in top else None for key in _SCORING_SCOPE
            ),
        )

    def fallback_queue(self, node: Node | None) -> str | None:
        queue = self.doc.text(node, "a queue id") if node else None
        if node is None or queue is None:
            return None
        return queue if self.doc.reference(node, queue, self.team.queues, "queue") else None

    # ------------------------------------------------------------ names

    def new_name(self, name: str, node: Node, what: str, taken: Mapping[str, Any]) -> bool:
        """Whether `name` may name a new custom field, set or territory (reported if not)."""
        if not _NAME.fullmatch(name) or name.casefold() in KEYWORDS or name == "always":
            self.doc.error(
                node, f"'{name}' cannot name a {what}: use letters, digits and '_'", at_key=True
            )
            return False
        if name in taken:
            self.doc.error(
                node, f"'{name}' is already the name of a field, set or territory", at_key=True
            )
            return False
        return True

    def custom_fields(self, node: Node | None) -> dict[str, FieldType]:
        found: dict[str, FieldType] = {}
        taken = {**STANDARD_FIELDS, **DERIVED_FIELDS}
        for name, child in self.doc.entries(node, "field names to types"):
            kind = self.doc.choice(child, _CUSTOM_TYPES)
            if self.new_name(name, child, "field", taken) and kind is not None:
                found[name] = FieldType(kind)
        return found

    def sets(self, node: Node | None, fields: Mapping[str, FieldType]) -> dict[str, SetDef]:
        found: dict[str, SetDef] = {}
        for name, child in self.doc.entries(node, "set names to lists"):
            members = []
            for item in self.doc.items(child, "values"):
                value = item.value
                if isinstance(value, str) or (
                    isinstance(value, int | float) and not isinstance(value, bool)
                ):
                    members.append((value if isinstance(value, str) else float(value), item))
                else:
                    self.doc.error(item, f"set members are text or numbers, not {describe(value)}")
            if self.new_name(name, child, "set", fields):
                found[name] = SetDef(name, tuple(members))
        return found

    def territories(
        self, node: Node | None, fields: Mapping[str, FieldType], sets: Mapping[str, SetDef]
    ) -> dict[str, Territory]:
        found: dict[str, Territory] = {}
        for name, child in self.doc.entries(node, "territory names to regions"):
            territory = compile_territory(self.doc, name, child)
            if self.new_name(name, child, "territory", {**fields, **sets}) and territory:
                found[name] = territory
        return found

    # ------------------------------------------------------------ scoring and rules

    def scoring(
        self, node: Node | None, conditions: ConditionCompiler
    ) -> tuple[ScoringClause, ...]:
        keys = self.doc.mapping(node, optional=("fit", "behavior")) if node else None
        clauses = []
        for kind, child in (keys or {}).items():
            for item in self.doc.items(child, "scoring clauses"):
                parts = self.doc.mapping(item, required=("when", "points"), optional=("label",))
                if parts is None or "when" not in parts or "points" not in parts:
                    continue
                condition = conditions.compile(parts["when"], scoring=True)
                points = self.doc.number(parts["points"])
                label = self.doc.text(parts["label"]) if "label" in parts else None
                if condition is not None and points is not None:
                    test = all_of(clause.test for clause in condition.clauses)
                    reads = tuple(dict.fromkeys(f for c in condition.clauses for f in c.fields))
                    clauses.append(
                        ScoringClause(kind, label or condition.source, points, test, reads)
                    )
        return tuple(clauses)

    def rules(
        self, node: Node | None, conditions: ConditionCompiler
    ) -> tuple[tuple[CompiledRule, ...], frozenset[str]]:
        """The compiled rules, and the ids of all rules written (for test expectations)."""
        doc = self.doc
        mark = doc.mark()
        items = doc.items(node, "rules")
        if node is not None and not items and not doc.failed_since(mark):
            doc.error(node, "a policy needs at least one rule")
        compiled: list[CompiledRule] = []
        first_line: dict[str, int] = {}
        catch_all: str | None = None
        last: tuple[Node, bool, Route | None] | None = None
        for item in items:
            keys = doc.mapping(item, required=("id", "route"), optional=_RULE_KEYS)
            if keys is None:
                last = None
                continue
            rule_id = doc.text(keys["id"], "a rule id") if "id" in keys else None
            if rule_id is not None:
                self.check_rule_id(rule_id, keys["id"], first_line)
            when = keys.get("when")
            condition = conditions.compile(when) if when else Condition("always")
            unconditional = condition is not None and condition.always
            route = (
                parse_route(doc, keys["route"], self.team, splits=self.splits)
                if "route" in keys
                else None
            )
            otherwise = self.otherwise(keys.get("otherwise"), route)
            terms = owner_terms(doc, keys.get("owner"), route, self.team)
            if catch_all is not None:
                doc.error(
                    keys.get("id", item),
                    f"unreachable: rule '{rule_id}' after '{catch_all}', which always matches",
                )
            elif unconditional and route is not None and always_decides(route, otherwise):
                catch_all = rule_id or item.path
            if rule_id is not None and condition is not None and route is not None:
                compiled.append(
                    CompiledRule(rule_id, condition, route, otherwise, item.line, terms)
                )
            last = (item, unconditional, route)
        # A last rule with a wrong route or shape is reported already; no need to say more.
        if catch_all is None and last is not None and last[2] is not None:
            self.missing_catch_all(last[0], last[1])
        return tuple(compiled), frozenset(first_line)

    def check_rule_id(self, rule_id: str, node: Node, first_line: dict[str, int]) -> None:
        self.doc.valid_id(node, rule_id, "rule")
        self.doc.first_use(node, rule_id, first_line, "rule id")

    def otherwise(self, node: Node | None, route: Route | None) -> Route | None:
        if node is None:
            return None
        otherwise = parse_route(self.doc, node, self.team, in_otherwise=True, splits=self.splits)
        problem = otherwise_problem(route, otherwise) if route and otherwise else None
        if problem is not None:
            self.doc.error(node, problem)
        return otherwise

    def missing_catch_all(self, last: Node, unconditional: bool) -> None:
        if not unconditional:
            self.doc.error(
                last,
                "the last rule must have no 'when' (or 'when: always'), so that every lead is"
                " routed: add a catch-all rule such as {id: catch-all, route: queue <id>}",
            )
        else:
            self.doc.error(
                last,
                "the last rule routes to an owner who may be missing or away: give it an"
                " 'otherwise' or add a catch-all rule after it",
            )

    # ------------------------------------------------------------ test cases

    def tests(self, node: Node | None, rule_ids: frozenset[str]) -> tuple[PolicyTest, ...]:
        doc = self.doc
        found = []
        names: set[str] = set()
        for item in doc.items(node, "test cases"):
            keys = doc.mapping(item, required=("name", "lead", "expect"), optional=("at",))
            if keys is None:
                continue
            name = doc.text(keys["name"]) if "name" in keys else None
            if name is not None and name in names:
                doc.error(keys["name"], f"duplicate test name '{name}'")
            names.add(name or "")
            lead = self.lead(keys["lead"]) if "lead" in keys else None
            at = instant(doc, keys["at"], UTC) if "at" in keys else DEFAULT_TEST_TIME
            expect = self.expect(keys["expect"], rule_ids) if "expect" in keys else None
            if name is not None and lead is not None and at is not None and expect is not None:
                found.append(PolicyTest(name, lead, at, expect, item.line))
        return tuple(found)

    def lead(self, node: Node) -> Mapping[str, Any] | None:
        mark = self.doc.mark()
        pairs = self.doc.entries(node, "lead fields to values")
        for _, child in pairs:
            values = child.value if isinstance(child.value, list) else [child.value]
            if any(isinstance(value, dict | list) for value in values):
                self.doc.error(child, "lead values are text, numbers, true/false or lists of them")
        if self.doc.failed_since(mark):
            return None
        return MappingProxyType({key: plain(child.value) for key, child in pairs})

    def expect(self, node: Node, rule_ids: frozenset[str]) -> Mapping[str, str] | None:
        doc = self.doc
        keys = doc.mapping(node, optional=_EXPECT)
        if keys is None:
            return None
        if not keys:
            doc.error(node, "expect needs at least one of: " + ", ".join(_EXPECT))
        known = {
            "rule": rule_ids,
            "owner": self.team.reps,
            "queue": self.team.queues,
            "pool": self.team.pools,
        }
        found = {}
        for key, child in keys.items():
            value = doc.choice(child, _KINDS) if key == "kind" else doc.text(child)
            what = "rep" if key == "owner" else key
            if value is not None and (
                key == "kind" or doc.reference(child, value, known[key], what)
            ):
                found[key] = value
        return MappingProxyType(found)
