"""The flow view of a policy: its rules top to bottom, each branching to where its leads went
(pools, queues, reps), every branch with its lead count and median speed to lead over a period,
and every rule, branch and destination a link to the leads behind it. Drawn as inline SVG by the
server (no chart library) with the same figures as a table under it.

The counts come from one aggregate query over the stored leads (grouped by rule and
destination), so the page costs the same whatever the policy's size. They are where the leads
went under the policy active at the time: a rule that a stored, not yet active, version adds has
no leads yet. Reads only.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy import ColumnElement, case, func, literal, select
from sqlalchemy.orm import Session

from leadrouter.api.auth import Svc
from leadrouter.dashboard.explorer import PERIODS, LeadFilter
from leadrouter.dashboard.flow_drawing import layout
from leadrouter.dashboard.web import SecureRoute, Viewer, gate, page
from leadrouter.errors import LeadRouterError
from leadrouter.keys.schemas import Scope
from leadrouter.leads.models import ROUTED, LeadRow
from leadrouter.policies.models import PolicyVersionRow
from leadrouter.policies.snapshot import active_version, compile_version
from leadrouter.policy.compiled import CompiledPolicy, Route, RouteKind
from leadrouter.reports.queries import is_postgres, seconds_between

router = APIRouter(tags=["dashboard"], include_in_schema=False, route_class=SecureRoute)
DEFAULT_PERIOD = "30d"
NO_RULE = "none"  # the explorer's value for "no rule": leads no rule placed
ROUTE_DESTINATION = {RouteKind.POOL: "pool", RouteKind.REP: "rep"}  # else a queue kind
OWNER_ROUTES = frozenset(
    {RouteKind.ACCOUNT_OWNER, RouteKind.PARENT_OWNER, RouteKind.EXISTING_OWNER}
)


@dataclass(frozen=True, slots=True)
class Destination:
    key: str  # "pool:inbound", "queue:unrouted", "rep:ana"
    kind: str  # "pool", "queue" or "rep"
    name: str

    @property
    def label(self) -> str:
        return f"{self.kind} {self.name}"

    def narrow(self) -> dict[str, str]:
        """The explorer's filter of the leads that went here."""
        if self.kind == "rep":  # a rep in person (an owner route), not through a pool
            return {"rep": self.name, "pool": "none"}
        return {self.kind: self.name}


@dataclass(frozen=True, slots=True)
class Branch:
    destination: Destination
    leads: int
    touched: int
    median_seconds: float | None  # arrival to first touch of the touched leads
    declared: bool  # the rule's route or `otherwise` names it
    link: str


@dataclass(frozen=True, slots=True)
class Step:
    rule: str
    when: str  # the condition as written ("always" for none)
    route: str  # as declared, with `otherwise`
    leads: int
    branches: tuple[Branch, ...]
    link: str


@dataclass(frozen=True, slots=True)
class Flow:
    version: str
    period: str
    leads: int
    steps: tuple[Step, ...]
    destinations: tuple[tuple[Destination, int, str], ...]  # with its leads and link


def _destination_key() -> ColumnElement[str]:
    """Where a stored lead went, as a `Destination.key`, in SQL."""
    return case(
        (LeadRow.kind != "rep", literal("queue:") + func.coalesce(LeadRow.queue, "")),
        (LeadRow.pool.is_not(None), literal("pool:") + LeadRow.pool),
        else_=literal("rep:") + func.coalesce(LeadRow.owner, ""),
    )


def counts(
    session: Session, start: datetime | None, end: datetime | None
) -> dict[tuple[str, str], tuple[int, int, float | None]]:
    """(rule, destination key) -> (leads, touched, median seconds to first touch), in one
    grouped query (PostgreSQL computes the medians; SQLite hands the touches back)."""
    destination = _destination_key().label("destination")
    seconds = seconds_between(LeadRow.first_touch_at, LeadRow.received_at, session)
    postgres = is_postgres(session)
    middle: ColumnElement[Any] = (
        func.percentile_cont(0.5).within_group(seconds)
        if postgres
        else func.group_concat(seconds)  # NULL (untouched) values are skipped
    )
    query = (
        select(
            LeadRow.rule,
            destination,
            func.count(),
            func.count(LeadRow.first_touch_at),
            middle,
        )
        .where(LeadRow.status == ROUTED)
        .group_by(LeadRow.rule, destination)
    )
    if start is not None:
        query = query.where(LeadRow.received_at >= start)
    if end is not None:
        query = query.where(LeadRow.received_at < end)
    found = {}
    for rule, key, leads, touched, value in session.execute(query):
        if postgres or value is None:
            median = None if value is None else float(value)
        else:
            median = statistics.median(float(s) for s in str(value).split(","))
        found[(rule or NO_RULE, key)] = (leads, touched, median)
    return found


def _declared(route: Route | None) -> Destination | None:
    """The destination a rule's route names (None: an owner route or a split, decided per lead)."""
    if route is None or route.target is None or route.kind is RouteKind.SPLIT:
        return None
    kind = ROUTE_DESTINATION.get(route.kind, "queue")
    return Destination(f"{kind}:{route.target}", kind, route.target)


def _of(key: str) -> Destination:
    kind, _, name = key.partition(":")
    return Destination(key, kind, name)


def _link(period: str, **narrow: str) -> str:
    return "/leads?" + LeadFilter(period=period, **narrow).link()


def build(
    policy: CompiledPolicy,
    found: dict[tuple[str, str], tuple[int, int, float | None]],
    period: str,
) -> Flow:
    """The policy's rules in order with what `counts` found for each, then the leads no rule
    placed, then rules of other versions that still have leads in the period."""
    by_rule: dict[str, dict[str, tuple[int, int, float | None]]] = {}
    for (rule, key), figures in found.items():
        by_rule.setdefault(rule, {})[key] = figures
    rules = [(r.id, r.condition.source or "always", r.route, r.otherwise) for r in policy.rules]
    known = {rule_id for rule_id, *_ in rules}
    rules.append((NO_RULE, "no rule matched", Route(RouteKind.QUEUE, policy.fallback_queue), None))
    rules += [(r, "(not in this version)", None, None) for r in sorted(by_rule) if r not in known]
    steps = []
    totals: dict[str, int] = {}
    for rule_id, when, route, otherwise in rules:
        named = {d.key for d in (_declared(route), _declared(otherwise)) if d is not None}
        seen = by_rule.get(rule_id, {})
        if any(r is not None and r.kind in OWNER_ROUTES for r in (route, otherwise)):
            named |= {key for key in seen if key.startswith("rep:")}  # each lead's own owner
        branches = []
        for key in [*sorted(named), *sorted(set(seen) - named)]:
            destination = _of(key)
            leads, touched, median = seen.get(key, (0, 0, None))
            totals[key] = totals.get(key, 0) + leads
            link = _link(period, rule=rule_id, **destination.narrow())
            branches.append(Branch(destination, leads, touched, median, key in named, link))
        route_text = "–" if route is None else str(route)
        if otherwise is not None:
            route_text += f", otherwise {otherwise}"
        leads = sum(b.leads for b in branches)
        steps.append(
            Step(rule_id, when, route_text, leads, tuple(branches), _link(period, rule=rule_id))
        )
    destinations = tuple(
        (_of(key), leads, _link(period, **_of(key).narrow())) for key, leads in totals.items()
    )
    return Flow(policy.version, period, sum(s.leads for s in steps), tuple(steps), destinations)


@router.get("/policy/flow", response_class=HTMLResponse)
def flow_page(
    request: Request, svc: Svc, who: Viewer, period: str = DEFAULT_PERIOD, version: str = ""
) -> Response:
    if (refused := gate(request, who, Scope.CONFIG_READ)) is not None:
        return refused
    assert who is not None
    period = period if period in PERIODS else DEFAULT_PERIOD
    start, end = LeadFilter(period=period).span(svc.clock.now())
    with svc.db.read() as session:
        versions = tuple(
            session.scalars(
                select(PolicyVersionRow.version).order_by(PolicyVersionRow.created_at.desc())
            )
        )
        active = active_version(session)
        chosen = version or active
        if chosen is None:
            return page(request, who, "not_found.html", 404, missing="an active policy")
        try:
            config = svc.cache.get(session)  # the active policy is compiled once, there
            policy = (
                config.require_policy()
                if chosen == config.active
                else compile_version(session, chosen, config.team)
            )
        except LeadRouterError:
            return page(request, who, "not_found.html", 404, missing=f"policy version {chosen}")
        drawn = build(policy, counts(session, start, end), period)
    return page(
        request,
        who,
        "policy_flow.html",
        flow=drawn,
        drawing=layout(drawn),
        periods=PERIODS,
        versions=versions,
        active=active,
    )
