"""The flow view of a policy: its rules top to bottom, each branching to where its leads went
(pools, queues, reps), every branch with its lead count and median speed to lead over a period,
and every rule, branch and destination a link to the leads behind it. Drawn as inline SVG by the
server (no chart library) with the same figures as a table under it.

The counts come from the daily rollups (`reports.rollups`: whole days stored, the partial first
day and today read live), which keep every group's exact first-touch times: the medians are
exact, as a percentile over the leads themselves, and the page costs a few hundred small rows
whatever the period's leads or the policy's size. They are where the leads went under the policy
active at the time: a rule that a stored, not yet active, version adds has no leads yet. Reads
only, apart from bringing the period's rollups up to date.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from leadrouter.api.auth import Svc
from leadrouter.dashboard.explorer import PERIODS, LeadFilter
from leadrouter.dashboard.flow_drawing import layout
from leadrouter.dashboard.web import ConfigReadPage, SecureRoute, page
from leadrouter.errors import LeadRouterError
from leadrouter.policies.models import PolicyVersionRow
from leadrouter.policies.snapshot import active_version, compile_version
from leadrouter.policy.compiled import CompiledPolicy, Route, RouteKind
from leadrouter.reports import rollups
from leadrouter.reports.figures import percentile
from leadrouter.reports.summary import DEFAULT_SLA
from leadrouter.reports.window import Group, Window

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


def _destination_key(group: Group) -> str:
    """Where a group's leads went, as a `Destination.key`."""
    if group.kind != "rep":
        return f"queue:{group.queue or ''}"
    if group.pool is not None:
        return f"pool:{group.pool}"
    return f"rep:{group.owner or ''}"


def counts(window: Window) -> dict[tuple[str, str], tuple[int, int, float | None]]:
    """(rule, destination key) -> (leads, touched, median seconds to first touch) of the routed
    leads of a window (a lead not routed yet has no kind)."""
    leads: dict[tuple[str, str], int] = defaultdict(int)
    touches: dict[tuple[str, str], list[float]] = defaultdict(list)
    for group in window.groups:
        if group.kind is None:
            continue
        edge = (group.rule or NO_RULE, _destination_key(group))
        leads[edge] += group.leads
        touches[edge].extend(group.touch_seconds)
    return {
        edge: (n, len(touches[edge]), percentile(touches[edge], 0.5)) for edge, n in leads.items()
    }


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
    request: Request, svc: Svc, who: ConfigReadPage, period: str = DEFAULT_PERIOD, version: str = ""
) -> Response:
    period = period if period in PERIODS else DEFAULT_PERIOD
    now = svc.clock.now()
    start, end = LeadFilter(period=period).span(now)
    assert start is not None and end is not None  # a period always has both ends
    rollups.refresh(svc.db, now, now - start, DEFAULT_SLA)
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
        window = rollups.load_window(session, start, end, now, DEFAULT_SLA)
        drawn = build(policy, counts(window), period)
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
