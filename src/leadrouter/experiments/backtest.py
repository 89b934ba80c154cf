"""A backtest: past leads replayed through the current setup and through a draft (another policy,
another team, or both), compared lead by lead.

A lead whose rule or destination differs is a routing change that follows from the draft; a lead
decided by the same rule through the same pool but given to another rep is a rotation reshuffle
(an earlier change moved the pool's turn), counted apart and never as "moved". Beside that, per
side: leads per rep and pool, each member's share against their weighted fair share, capacity
breaches, leads arriving while nobody in the pool works, fallbacks, and the expected
speed-to-lead (`speed.py`); and the draft's own `tests:`. Pure: the values it is given in, one
`Backtest` out; the CLI and the API read the leads and print or send it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from leadrouter.distribute.availability import takes_no_leads
from leadrouter.engine import Snapshot
from leadrouter.experiments import speed
from leadrouter.experiments.history import Arrival
from leadrouter.experiments.replay import Prepared, Setup
from leadrouter.experiments.schemas import (
    Absorbed,
    Backtest,
    Example,
    FailedCase,
    MemberFigures,
    Move,
    PolicyTests,
    PoolFigures,
    RepFigures,
    RuleChange,
    SideFigures,
    SpeedToLead,
)
from leadrouter.experiments.sides import Outcome, replay_outcomes
from leadrouter.matching import KnownLead
from leadrouter.model import Kind, Rep, Team
from leadrouter.policy.compiled import RouteKind
from leadrouter.policy.hours import Week, instant_of, week_of
from leadrouter.policy_cases import run_cases
from leadrouter.reports.fairness import pool_fairness

SAME, RESHUFFLE, CHANGE = "same", "reshuffle", "change"
EXAMPLES = 5

LEAVES_OUT = [
    "Both sides start from an empty rotation state (round-robin cursors at the first member).",
    "Leads are never reassigned by SLA escalations, people or re-routes in the replay.",
    "A lead frees its rep's open slot at its first recorded outcome; without one, never (or "
    "after --open-for, when given).",
]


def classify(before: speed.Sent, after: speed.Sent) -> str:
    """`same`, `reshuffle` (same rule and pool, another rep) or `change` (another rule, or
    another destination otherwise)."""
    if before.rule != after.rule:
        return CHANGE
    if speed.destination(before) == speed.destination(after):
        return SAME
    if (
        before.kind == after.kind == Kind.REP
        and before.pool is not None
        and before.pool == after.pool
    ):
        return RESHUFFLE
    return CHANGE


@dataclass(frozen=True, slots=True)
class Comparison:
    """Both sides' outcomes for the same arrivals."""

    arrivals: Sequence[Arrival]
    current: Setup
    draft: Setup
    before: list[Outcome]
    after: list[Outcome]


def compare(
    arrivals: Sequence[Arrival],
    current: Setup,
    draft: Setup,
    known: Iterable[KnownLead] = (),
    *,
    open_for: timedelta | None = None,
    on_each: Callable[[int], None] | None = None,
    jobs: int = 1,
) -> Comparison:
    """Replay `arrivals` through both setups from the same starting state (`open_for`: see
    `replay.replay`; `on_each` and `jobs`: see `sides.replay_outcomes`)."""
    before, after = replay_outcomes(
        Prepared(arrivals),
        (current, draft),
        known,
        open_for=open_for,
        on_each=on_each,
        jobs=jobs,
    )
    return Comparison(arrivals, current, draft, before, after)


def backtest(
    comparison: Comparison,
    *,
    examples: int = EXAMPLES,
    changes_applied: Sequence[str] = (),
    seed: int = 20,
) -> Backtest:
    """The report of a comparison (see the module's docstring)."""
    arrivals, before, after = comparison.arrivals, comparison.before, comparison.after
    counts: Counter[str] = Counter()
    by_rule: dict[tuple[str, str], list[Example]] = defaultdict(list)
    rule_counts: Counter[tuple[str, str]] = Counter()
    moves: Counter[tuple[str, str]] = Counter()
    for arrival, was, now in zip(arrivals, before, after, strict=True):
        kind = classify(was, now)
        counts[kind] += 1
        if kind != CHANGE:
            continue
        key = (was.rule or "(none)", now.rule or "(none)")
        rule_counts[key] += 1
        moves[(speed.destination(was), speed.destination(now))] += 1
        if len(by_rule[key]) < examples:
            by_rule[key].append(
                Example(
                    lead_id=arrival.id,
                    at=arrival.at.isoformat(),
                    from_=speed.destination(was),
                    to=speed.destination(now),
                )
            )
    idle: dict[tuple[str, datetime], bool] = {}
    current = side_figures(comparison.current, before, arrivals, idle)
    # Whether a pool's members work at an instant depends on the team alone.
    shared = idle if comparison.draft.team is comparison.current.team else {}
    candidate = side_figures(comparison.draft, after, arrivals, shared)
    history = speed.histories(arrivals, before)
    overall, recorded_rules, recorded_reps = speed.recorded(arrivals, before)
    return Backtest(
        draft=comparison.draft.policy.version,
        against=comparison.current.policy.version,
        start=arrivals[0].at.isoformat() if arrivals else None,
        end=arrivals[-1].at.isoformat() if arrivals else None,
        leads=len(arrivals),
        changed=counts[CHANGE],
        reshuffled=counts[RESHUFFLE],
        unchanged=counts[SAME],
        changes=[
            RuleChange(from_rule=a, to_rule=b, count=n, examples=by_rule[(a, b)])
            for (a, b), n in rule_counts.most_common()
        ],
        moves=[Move(from_=a, to=b, count=n) for (a, b), n in moves.most_common()],
        absorbed=absorbed(before, after),
        current=current,
        candidate=candidate,
        speed=SpeedToLead(
            method=speed.METHOD,
            recorded=overall,
            recorded_by_rule=recorded_rules,
            recorded_by_rep=recorded_reps,
            current=speed.estimate(
                comparison.current.label, before, history, _members(comparison.current), seed=seed
            ),
            draft=speed.estimate(
                comparison.draft.label, after, history, _members(comparison.draft), seed=seed
            ),
        ),
        tests=policy_tests(comparison.draft),
        changes_applied=list(changes_applied),
        leaves_out=LEAVES_OUT,
    )


def _members(setup: Setup) -> dict[str, tuple[str, ...]]:
    return {pool.id: pool.members for pool in setup.team.pools.values()}


def absorbed(before: Sequence[Outcome], after: Sequence[Outcome]) -> list[Absorbed]:
    """Each rep whose leads differ between the sides, most gained first."""
    was = Counter(d.owner for d in before if d.owner is not None)
    now = Counter(d.owner for d in after if d.owner is not None)
    rows = [
        Absorbed(rep=rep, before=was[rep], after=now[rep], delta=now[rep] - was[rep])
        for rep in sorted(set(was) | set(now))
        if was[rep] != now[rep]
    ]
    return sorted(rows, key=lambda r: (-r.delta, r.rep))


def side_figures(
    setup: Setup,
    outcomes: Sequence[Outcome],
    arrivals: Sequence[Arrival],
    idle: dict[tuple[str, datetime], bool] | None = None,
) -> SideFigures:
    """Leads per rule, rep and pool, fairness, capacity breaches and off-hours of one side.
    `idle`: whether nobody in a pool works at an instant, by (pool, instant), remembered across
    calls for the same team."""
    team = setup.team
    rule_pool = {
        rule.id: rule.route.target
        for rule in setup.policy.rules
        if rule.route.kind is RouteKind.POOL
    }
    by_rule: Counter[str] = Counter()
    rep_leads: Counter[str] = Counter()
    breaches: Counter[str] = Counter()
    through: dict[str, Counter[str]] = defaultdict(Counter)  # pool -> rep -> leads
    rule_leads: Counter[str] = Counter()
    off_hours: Counter[str] = Counter()
    overflowed: Counter[str] = Counter()
    fallback: Counter[str] = Counter()
    idle = {} if idle is None else idle
    workers: dict[str, list[tuple[Rep, Week | None]]] = {}  # pool -> `_workers`
    for arrival, lead in zip(arrivals, outcomes, strict=True):
        by_rule[lead.rule or "(none)"] += 1
        owner = lead.owner
        if owner is not None:
            rep_leads[owner] += 1
            if lead.breach:
                breaches[owner] += 1
            if lead.pool is not None and not lead.anyway:
                through[lead.pool][owner] += 1
        target = rule_pool.get(lead.rule or "")
        if target is None or target not in team.pools:
            continue
        rule_leads[target] += 1
        # Leads arrive in bursts at one instant only by accident; the check is per pool and time.
        key = (target, arrival.at)
        if key not in idle:
            if target not in workers:
                workers[target] = _workers(team, target)
            idle[key] = _nobody_working(workers[target], arrival.at)
        off_hours[target] += idle[key]
        if lead.pool != target or owner is None or lead.anyway:
            overflowed[target] += 1
        fallback[target] += lead.fallback
    pools = []
    for pool in sorted(team.pools.values(), key=lambda p: p.id):
        fair = pool_fairness(pool.id, {m: pool.weight(m) for m in pool.members}, through[pool.id])
        if not fair.leads and not rule_leads[pool.id]:
            continue
        pools.append(
            PoolFigures(
                pool=pool.id,
                rule_leads=rule_leads[pool.id],
                leads=fair.leads,
                off_hours=off_hours[pool.id],
                overflowed=overflowed[pool.id],
                fallback=fallback[pool.id],
                max_deviation=round(fair.max_deviation, 4),
                gini=round(fair.gini, 4),
                members=[
                    MemberFigures(
                        rep=m.rep,
                        weight=m.weight,
                        leads=m.leads,
                        share=round(m.share, 4),
                        fair_share=round(m.fair_share, 4),
                        deviation=None if m.deviation is None else round(m.deviation, 4),
                    )
                    for m in fair.members
                ],
            )
        )
    return SideFigures(
        label=setup.label,
        policy=setup.policy.version,
        leads=len(outcomes),
        fallback=sum(o.fallback for o in outcomes),
        by_rule=dict(by_rule.most_common()),
        reps=[
            RepFigures(rep=rep, leads=n, capacity_breaches=breaches[rep])
            for rep, n in sorted(rep_leads.items())
        ],
        pools=pools,
    )


def _workers(team: Team, pool_id: str) -> list[tuple[Rep, Week | None]]:
    """The pool's members who take leads at all (active, no cap of 0), each with their compiled
    working week (None: always working): checked once per pool, not per instant."""
    found = []
    for member in team.pools[pool_id].members:
        rep = team.reps.get(member)
        if rep is not None and rep.active and takes_no_leads(rep) is None:
            hours = rep.working_hours
            found.append((rep, week_of(hours) if hours is not None else None))
    return found


def _nobody_working(workers: Sequence[tuple[Rep, Week | None]], at: datetime) -> bool:
    """Whether none of a pool's `workers` is at work at `at` (away or off hours): for each,
    `unavailable(rep, RepLoad(), at, capacity=False) is not None`, without wording the reason."""
    now = instant_of(at)
    for rep, week in workers:
        if rep.out_of_office and any(a.start <= now.utc < a.end for a in rep.out_of_office):
            continue
        if week is None or week.covers(now.local(rep.timezone)):
            return False
    return True


def policy_tests(setup: Setup) -> PolicyTests:
    """The setup's policy `tests:` run against its own team and accounts."""
    results = run_cases(Snapshot(policy=setup.policy, team=setup.team, accounts=setup.accounts))
    failed = [
        FailedCase(name=r.case.name, line=r.case.line, failures=list(r.failures))
        for r in results
        if not r.passed
    ]
    return PolicyTests(passed=len(results) - len(failed), failed=failed)
