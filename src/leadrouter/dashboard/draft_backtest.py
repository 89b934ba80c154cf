"""The policy workspace's backtest: the text being edited, compiled against the stored team,
replayed beside the active policy on the stored leads of a chosen period, through the
experiments' own backtest (`experiments.backtest`), and shown as tables. The draft need not be
saved: this is what a manager looks at before saving. Reads only.

It never reimplements a figure: changes vs reshuffles, fairness, capacity, off-hours, fallback
and speed-to-lead all come from the one `Backtest` the CLI and the API report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from leadrouter.api.auth import Svc
from leadrouter.dashboard.web import ConfigReadAction, SecureRoute, templates
from leadrouter.dashboard.workspace import Draft
from leadrouter.errors import LeadRouterError, PolicyError
from leadrouter.experiments.backtest import backtest, compare
from leadrouter.experiments.history import known_before, stored_arrivals
from leadrouter.experiments.replay import MatchOnce, Setup
from leadrouter.experiments.schemas import Backtest, MemberFigures, PoolFigures
from leadrouter.policies.snapshot import POLICY_SOURCE, Config
from leadrouter.policy import compile_policy

router = APIRouter(tags=["dashboard"], include_in_schema=False, route_class=SecureRoute)
PERIODS = {"7d": "last 7 days", "30d": "last 30 days", "90d": "last 90 days"}
DEFAULT_PERIOD = "30d"
MAX_LEADS = 2_000  # the latest leads of the period replayed: an answer within seconds
EXAMPLES = 3


@dataclass(frozen=True, slots=True)
class ShareRow:
    """One pool member's share of the pool's leads on both sides, against their fair share."""

    rep: str
    weight: int
    current: MemberFigures | None
    draft: MemberFigures | None


@dataclass(frozen=True, slots=True)
class PoolRow:
    pool: str
    current: PoolFigures | None
    draft: PoolFigures | None
    members: tuple[ShareRow, ...]


def period_start(period: str, now: datetime) -> datetime:
    """The start of a `PERIODS` key before `now` (the default period for anything else)."""
    days = int((period if period in PERIODS else DEFAULT_PERIOD).removesuffix("d"))
    return now - timedelta(days=days)


def run(session: Session, config: Config, text: str, period: str, now: datetime) -> Backtest:
    """The draft `text` against the active policy on the period's latest `MAX_LEADS` leads.
    Raises `PolicyError` when it does not compile, `LeadRouterError` when none is active."""
    active = config.require_policy()
    draft = compile_policy(text, POLICY_SOURCE, config.team)
    matcher = MatchOnce(config.accounts) if config.accounts is not None else None
    arrivals = stored_arrivals(session, period_start(period, now), now, last=MAX_LEADS)
    known = known_before(session, arrivals[0].at) if arrivals else []
    comparison = compare(
        arrivals,
        Setup("current", active, config.team, matcher),
        Setup("draft", draft, config.team, matcher),
        known,
    )
    return backtest(comparison, examples=EXAMPLES)


def pool_rows(result: Backtest) -> tuple[PoolRow, ...]:
    """Both sides' pools side by side, each member once."""
    current = {p.pool: p for p in result.current.pools}
    draft = {p.pool: p for p in result.candidate.pools}
    rows = []
    for pool in sorted(set(current) | set(draft)):
        before = {m.rep: m for m in (current[pool].members if pool in current else [])}
        after = {m.rep: m for m in (draft[pool].members if pool in draft else [])}
        members = tuple(
            ShareRow(rep, (after.get(rep) or before[rep]).weight, before.get(rep), after.get(rep))
            for rep in sorted(set(before) | set(after))
        )
        rows.append(PoolRow(pool, current.get(pool), draft.get(pool), members))
    return tuple(rows)


def breach_rows(result: Backtest) -> tuple[tuple[str, int, int], ...]:
    """(rep, breaches now, breaches with the draft) of every rep with a breach on either side."""
    before = {r.rep: r.capacity_breaches for r in result.current.reps}
    after = {r.rep: r.capacity_breaches for r in result.candidate.reps}
    return tuple(
        (rep, before.get(rep, 0), after.get(rep, 0))
        for rep in sorted(set(before) | set(after))
        if before.get(rep, 0) or after.get(rep, 0)
    )


class DraftBacktest(Draft):
    """The draft to backtest and the period of stored leads (a `PERIODS` key) to replay."""

    period: str = DEFAULT_PERIOD


@router.post("/policy/backtest", response_class=HTMLResponse)
def draft_backtest(
    request: Request,
    svc: Svc,
    _: ConfigReadAction,
    draft: Annotated[DraftBacktest, Form()],
) -> Response:
    period = draft.period
    context: dict[str, object] = {"period": PERIODS.get(period, PERIODS[DEFAULT_PERIOD])}
    try:
        with svc.db.read() as session:
            result = run(session, svc.cache.get(session), draft.text, period, svc.clock.now())
    except PolicyError:
        context["refused"] = "The text does not compile: fix the problems above first."
    except LeadRouterError as error:
        context["refused"] = str(error)
    else:
        context |= {
            "result": result,
            "pools": pool_rows(result),
            "breaches": breach_rows(result),
            "capped": result.leads >= MAX_LEADS,
            "max_leads": MAX_LEADS,
        }
    return templates.TemplateResponse(request, "policy_backtest.html", context)
