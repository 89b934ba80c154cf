"""Routes as written in rules ("pool na_west", "account owner") to `compiled.Route` values.

Checks that the kind of route exists, that its target names a rep, pool or queue of the team,
and that `backup` and `manager` appear only in `otherwise:`. Also says which routes may fail to
take a lead, which decides whether an unconditional rule is a true catch-all. Load-time only.
"""

from __future__ import annotations

from collections.abc import Collection

from leadrouter.model import Team
from leadrouter.policy.compiled import Route, RouteKind
from leadrouter.policy.owner_terms import OwnerTerms, parse_owner_terms
from leadrouter.policy.source import Document, Node, did_you_mean

_OWNERS = {
    "account owner": RouteKind.ACCOUNT_OWNER,
    "parent owner": RouteKind.PARENT_OWNER,
    "existing owner": RouteKind.EXISTING_OWNER,
}
_COLLEAGUES = {"backup": RouteKind.BACKUP, "manager": RouteKind.MANAGER}
# Route word -> (kind, what its target is).
_TARGETED = {
    "rep": (RouteKind.REP, "rep"),
    "pool": (RouteKind.POOL, "pool"),
    "queue": (RouteKind.QUEUE, "queue"),
    "nurture": (RouteKind.NURTURE, "queue"),
    "review": (RouteKind.REVIEW, "queue"),
    "split": (RouteKind.SPLIT, "split"),
}
_FORMS = (*_OWNERS, *(f"{word} <{what}>" for word, (_, what) in _TARGETED.items()))
# Routes that can fail to take a lead: an owner who is missing, inactive or away.
MAY_FAIL = frozenset({*_OWNERS.values(), *_COLLEAGUES.values()})
# Routes whose `otherwise` can never be used: a queue always takes the lead.
NEVER_FAIL = frozenset({RouteKind.QUEUE, RouteKind.NURTURE, RouteKind.REVIEW})
# Routes with one person behind them, whose backup or manager `otherwise` may name.
PERSONAL = frozenset({*_OWNERS.values(), RouteKind.REP})


def parse_route(
    doc: Document,
    node: Node,
    team: Team,
    *,
    in_otherwise: bool = False,
    splits: Collection[str] = (),
) -> Route | None:
    """The route written at `node`, or None when it has problems (reported to `doc`)."""
    text = doc.text(node, "a route such as 'pool na_west' or 'account owner'")
    if text is None:
        return None
    words = text.split()
    phrase = " ".join(words)
    if phrase in _OWNERS:
        return Route(_OWNERS[phrase])
    if phrase in _COLLEAGUES:
        if in_otherwise:
            return Route(_COLLEAGUES[phrase])
        doc.error(node, f"'{phrase}' (the owner's {phrase}) is only allowed in 'otherwise'")
        return None
    if words and words[0] in _TARGETED:
        kind, what = _TARGETED[words[0]]
        if len(words) != 2:
            doc.error(node, f"expected '{words[0]} <{what} id>'")
            return None
        known = {"rep": team.reps, "pool": team.pools, "queue": team.queues, "split": splits}[what]
        offset = text.index(words[1], text.index(words[0]) + len(words[0]))
        if doc.reference(node, words[1], known, what, offset=offset):
            return Route(kind, words[1])
        return None
    forms = (*_FORMS, *_COLLEAGUES) if in_otherwise else _FORMS
    suggestion = did_you_mean(words[0] if words else phrase, (*_OWNERS, *_TARGETED))
    doc.error(node, f"unknown route '{text}'{suggestion}; expected one of: " + ", ".join(forms))
    return None


def otherwise_problem(route: Route, otherwise: Route) -> str | None:
    """Why `otherwise` makes no sense after `route`, or None when it does."""
    if route.kind in NEVER_FAIL:
        return f"'{route}' always takes the lead, so 'otherwise' is never used"
    if otherwise.kind in _COLLEAGUES.values() and route.kind not in PERSONAL:
        return f"'{otherwise}' needs an owner or a rep, and '{route}' routes to neither"
    return None


def always_decides(route: Route, otherwise: Route | None) -> bool:
    """Whether a rule with this route always takes the lead once its condition holds."""
    return route.kind not in MAY_FAIL or (otherwise is not None and otherwise.kind not in MAY_FAIL)


def owner_terms(
    doc: Document, node: Node | None, route: Route | None, team: Team
) -> OwnerTerms | None:
    """A rule's `owner:` terms (None when absent); only owner routes take them."""
    if node is None:
        return None
    if route is not None and route.kind not in _OWNERS.values():
        doc.error(
            node,
            f"'owner' applies to owner routes ({', '.join(_OWNERS)}), not '{route}'",
            at_key=True,
        )
        return None
    return parse_owner_terms(doc, node, team)
