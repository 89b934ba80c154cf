"""The routing decision: `route(lead, snapshot, now) -> Decision`.

Pure and deterministic: everything the decision depends on (policy, team, accounts, earlier
leads, rotation state, the time) comes in as arguments, and every state change (round-robin
cursors, load counters) goes out as `Decision.effects` for the caller to apply in the same
transaction as the decision. The engine never touches a database, a file or the clock, and it
never raises for bad data: an unexpected exception sends the lead to the policy's fallback queue
with a ROUTING_ERROR note, so no lead is ever left without an owner or a queue.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from leadrouter.distribute import local_day, unavailable
from leadrouter.distribute.companies import company_domain
from leadrouter.distribute.owner import met, owner_blocker
from leadrouter.distribute.periods import counted
from leadrouter.enrichment import enrich
from leadrouter.grace import grace_notes
from leadrouter.model import (
    AccountMatch,
    CompanyClaim,
    Decision,
    Effects,
    Kind,
    Lead,
    Note,
    Reason,
    RepCheck,
    RoutingState,
    Score,
    Team,
    Trace,
    plain_dict,
)
from leadrouter.model.frozen import quick_init
from leadrouter.normalize import normalize_lead
from leadrouter.placing import Outcome as _Outcome
from leadrouter.placing import Run as _Run
from leadrouter.placing import from_pool, from_split
from leadrouter.policy.compiled import CompiledPolicy, CompiledRule, Route, RouteKind
from leadrouter.policy.lead_time import add_time_fields
from leadrouter.policy.owner_terms import OwnerTerms

_NO_EFFECTS = Effects()
_QUEUE_KINDS = {
    RouteKind.QUEUE: Kind.QUEUE,
    RouteKind.NURTURE: Kind.NURTURE,
    RouteKind.REVIEW: Kind.REVIEW,
}


class AccountMatcher(Protocol):
    def match(self, lead: Lead) -> Any: ...  # -> matching.MatchResult


class DuplicateFinder(Protocol):
    # -> (KnownLead, why) | None; `keys` are the lead's dedupe keys when the caller has them.
    def find(self, lead: Lead, account_id: str | None, keys: Any = None) -> Any: ...


@quick_init
@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything a decision may depend on, frozen at the moment of routing."""

    policy: CompiledPolicy
    team: Team
    accounts: AccountMatcher | None = None
    state: RoutingState = field(default_factory=RoutingState)
    known_leads: DuplicateFinder | None = None

    def with_state(self, state: RoutingState) -> Snapshot:
        """This snapshot with another routing state: `replace(self, state=state)`, but cheaper,
        as batches move the state forward lead by lead."""
        return Snapshot(self.policy, self.team, self.accounts, state, self.known_leads)


def route(
    lead: Mapping[str, Any] | Lead,
    snapshot: Snapshot,
    now: datetime,
    *,
    lead_id: str | None = None,
    dedupe_keys: Any = None,
) -> Decision:
    """Decide who gets the lead, and why. Never raises for bad data.

    `dedupe_keys` are the lead's `matching.DedupeKeys` when the caller computed them already
    (the batch remembers each lead by them), handed to `known_leads.find` so they are computed once.
    """
    policy = snapshot.policy
    normalized: Lead | None = lead if isinstance(lead, Lead) else None
    try:
        if normalized is None:
            normalized = normalize_lead(lead, policy.custom_fields, id=lead_id, received_at=now)  # type: ignore[arg-type]
        return _route(normalized, snapshot, now, dedupe_keys)
    except Exception as exc:  # no lead is lost: the fallback queue takes it and alerts people
        warnings = normalized.warnings if normalized is not None else ()
        return routing_failed(policy, now, f"{type(exc).__name__}: {exc}", warnings)


def routing_failed(
    policy: CompiledPolicy, now: datetime, why: str, warnings: tuple[Any, ...] = ()
) -> Decision:
    """The decision for a lead that could not be routed: the policy's fallback queue, which
    alerts people, with `why` in the trace. Also what the service records for a lead whose
    routing failed outside the engine (a database write it alone made fail)."""
    note = Note(Reason.ROUTING_ERROR, f"routing failed ({why}); sent to the fallback queue")
    return Decision(
        kind=Kind.QUEUE,
        owner=None,
        queue=policy.fallback_queue,
        rule=None,
        policy_version=policy.version,
        at=now,
        trace=Trace(warnings=warnings, notes=(note,)),
        fallback=True,
    )


def _route(lead: Lead, snapshot: Snapshot, now: datetime, dedupe_keys: Any) -> Decision:
    run = _Run(snapshot, now, plain_dict(lead.fields))
    _add_account(run, lead)
    run.notes.extend(enrich(run.ctx, lead.raw, run.match))  # before scoring and rules
    _add_duplicate(run, lead, dedupe_keys)
    if snapshot.policy.reads_time:
        add_time_fields(run.ctx, lead, now)
        if snapshot.policy.grace is not None:
            run.notes.extend(grace_notes(lead, snapshot.policy.grace, now))
    if snapshot.policy.company_window is not None:
        run.company = company_domain(run.ctx)
    score = snapshot.policy.scoring.score(run.ctx)
    _add_score(run.ctx, score)

    scan = snapshot.policy.scan
    rule, run.rules = scan.first(run.ctx)
    while rule is not None:  # None: no rule left to try
        outcome = _take(run, rule.route, rule, primary=True)
        if outcome is None and rule.otherwise is not None:
            run.notes.append(
                Note(Reason.FALLBACK, f"rule '{rule.id}': trying otherwise: {rule.otherwise}")
            )
            outcome = _take(run, rule.otherwise, rule, primary=False)
        if outcome is not None:
            return _decision(run, lead, score, rule.id, outcome)
        run.notes.append(
            Note(
                Reason.FALLBACK, f"rule '{rule.id}' matched but could not place the lead; next rule"
            )
        )
        rule, run.rules = scan.after(run.ctx, run.rules)

    # Unreachable with a validated policy (the last rule is a catch-all), but never unassigned.
    run.notes.append(
        Note(Reason.NO_RULE_MATCHED, "no rule placed the lead; sent to the fallback queue")
    )
    fallback = _Outcome(Kind.QUEUE, None, snapshot.policy.fallback_queue)
    return _decision(run, lead, score, None, fallback)


def context(lead: Lead, snapshot: Snapshot, now: datetime) -> dict[str, Any]:
    """What the rules would read for `lead` (its fields, account, enrichment, time and score),
    without routing it: a change's reroute triggers read it (`policy/reroute.py`)."""
    run = _Run(snapshot, now, plain_dict(lead.fields))
    _add_account(run, lead)
    enrich(run.ctx, lead.raw, run.match)
    if snapshot.policy.reads_time:
        add_time_fields(run.ctx, lead, now)
    _add_score(run.ctx, snapshot.policy.scoring.score(run.ctx))
    return run.ctx


def _add_account(run: _Run, lead: Lead) -> None:
    ctx = run.ctx
    matcher = run.snapshot.accounts
    if matcher is None:
        ctx["account.matched"] = False
        return
    result = matcher.match(lead)
    run.notes.extend(result.notes)
    match: AccountMatch | None = result.match
    ctx["account.matched"] = match is not None
    if match is None:
        return
    run.match = match
    account = match.account
    ctx["account.id"] = account.id
    ctx["account.name"] = account.name
    ctx["account.type"] = str(account.type)
    for key, value in (
        ("account.segment", account.segment),
        ("account.owner", account.owner),
        ("account.country", account.country),
        ("account.parent", account.parent),
    ):
        if value is not None:
            ctx[key] = value
    ctx["account.ultimate_parent"] = (match.ultimate_parent or account).id
    ctx["match.confidence"] = match.confidence
    ctx["match.method"] = match.method
    ctx["match.strong"] = match.strong


def _add_duplicate(run: _Run, lead: Lead, keys: Any) -> None:
    finder = run.snapshot.known_leads
    found = finder.find(lead, run.ctx.get("account.id"), keys) if finder is not None else None
    run.ctx["duplicate"] = found is not None
    if found is None:
        return
    known, why = found
    run.ctx["existing.id"] = known.id
    if known.owner is not None:
        run.ctx["existing.owner"] = known.owner
    run.notes.append(
        Note(Reason.DUPLICATE_LEAD, f"duplicate of lead {known.id}: {why}", {"lead": known.id})
    )


def _add_score(ctx: dict[str, Any], score: Score) -> None:
    ctx["score"] = score.total
    ctx["fit_score"] = score.fit
    ctx["behavior_score"] = score.behavior
    ctx["mql"] = score.mql


# ---------------------------------------------------------------- routes


def _take(run: _Run, route_: Route, rule: CompiledRule, *, primary: bool) -> _Outcome | None:
    """Carry out one route; None when it cannot take the lead (the reason is in the trace)."""
    kind = route_.kind
    if kind in _QUEUE_KINDS:
        return _Outcome(_QUEUE_KINDS[kind], None, route_.target)
    if kind is RouteKind.POOL:
        assert route_.target is not None
        # A rule's `otherwise` replaces the pool's own overflow.
        overflow = primary and rule.otherwise is None
        return from_pool(run, route_.target, overflow=overflow, seen=set())
    if kind is RouteKind.SPLIT:
        assert route_.target is not None
        return from_split(run, route_.target, overflow=primary and rule.otherwise is None)
    if kind in (RouteKind.BACKUP, RouteKind.MANAGER):
        return _from_owner_contact(run, rule, kind)
    rep_id, why = _named_rep(run, route_)
    if rep_id is None:
        run.notes.append(Note(Reason.OWNER_MISSING, why))
        return None
    outcome = _to_rep(run, rep_id, why, rule.owner if route_ is rule.route else None)
    if outcome is not None and kind is RouteKind.EXISTING_OWNER:
        # The same person again: their owner keeps them, and it is no new lead for the caps.
        run.new_lead = False
        run.notes.append(
            Note(Reason.OWNER_STICKY, f"{why}: a duplicate, so no new lead for {rep_id}'s caps")
        )
    return outcome


def _named_rep(run: _Run, route_: Route) -> tuple[str | None, str]:
    """The rep a direct route names, and a sentence saying where that rep came from."""
    ctx = run.ctx
    if route_.kind is RouteKind.REP:
        return route_.target, f"named rep {route_.target}"
    if route_.kind is RouteKind.EXISTING_OWNER:
        owner = ctx.get("existing.owner")
        if owner is None:
            return None, "no earlier lead with an owner to stay with"
        return owner, f"owner of earlier lead {ctx['existing.id']} (sticky)"
    match = run.match
    if match is None:
        return None, "no account matched, so there is no account owner"
    account = match.account
    if route_.kind is RouteKind.PARENT_OWNER and match.ultimate_parent is not None:
        account = match.ultimate_parent
    if account.owner is None:
        return None, f"account {account.name} ({account.id}) has no owner"
    return account.owner, f"owner of account {account.name} ({account.id})"


def _to_rep(run: _Run, rep_id: str, why: str, terms: OwnerTerms | None = None) -> _Outcome | None:
    """Assign to one rep if active and not out of office (owners keep leads after hours), and
    meeting the rule's `owner:` terms when it has some."""
    rep = run.snapshot.team.reps.get(rep_id)
    if rep is None:
        run.reps.append(RepCheck(rep_id, None, Reason.REP_UNKNOWN, f"{why}: not on the team"))
        run.notes.append(Note(Reason.OWNER_UNAVAILABLE, f"{why}, {rep_id}, is not on the team"))
        return None
    load = run.snapshot.state.load(rep_id)
    blocked = (
        unavailable(rep, load, run.now, hours=False, capacity=False)
        if terms is None
        else owner_blocker(rep, run.snapshot.team, load, run.now, terms)
    )
    if blocked is not None:
        reason, detail = blocked
        run.reps.append(RepCheck(rep_id, None, reason, detail))
        if terms is not None:
            note = f"{why}, {rep.name}, not used: {detail} (owner terms: {terms})"
            run.notes.append(Note(Reason.OWNER_NOT_ELIGIBLE, note))
        else:
            note = f"{why}, {rep.name}, is unavailable: {detail}"
            run.notes.append(Note(Reason.OWNER_UNAVAILABLE, note))
        return None
    if terms is not None:
        why += met(rep, load, terms)
    run.reps.append(RepCheck(rep_id, None, Reason.REP_SELECTED, why))
    run.notes.append(Note(Reason.OWNER_ASSIGNED, f"assigned to {rep.name}: {why}"))
    return _Outcome(Kind.REP, rep_id)


def _from_owner_contact(run: _Run, rule: CompiledRule, kind: RouteKind) -> _Outcome | None:
    """`otherwise: backup` / `manager`: the stand-in of the rep the rule's route named."""
    owner, _ = _named_rep(run, rule.route)
    rep = run.snapshot.team.reps.get(owner) if owner else None
    stand_in = None if rep is None else (rep.backup if kind is RouteKind.BACKUP else rep.manager)
    if stand_in is None:
        run.notes.append(Note(Reason.OWNER_MISSING, f"no {kind} for the owner {owner or '(none)'}"))
        return None
    return _to_rep(run, stand_in, f"{kind} of {rep.name if rep else owner}")


def _decision(run: _Run, lead: Lead, score: Score, rule: str | None, outcome: _Outcome) -> Decision:
    snapshot = run.snapshot
    owner = outcome.owner
    queue = snapshot.team.queues.get(outcome.queue) if outcome.queue else None
    # Flagged as a fallback, so people are alerted, even if the fallback queue is gone too.
    unplaced = owner is None and queue is None
    if unplaced and outcome.queue != snapshot.policy.fallback_queue:
        outcome = _nowhere(run, rule, outcome)
        queue = snapshot.team.queues.get(outcome.queue)
    effects = _NO_EFFECTS
    if owner is not None or run.pools:
        rep = snapshot.team.reps.get(owner) if owner else None
        day = local_day(rep, run.now) if rep is not None else None
        slas = snapshot.policy.sla
        sla = slas.select(run.ctx) if owner is not None and slas.rules else None
        effects = Effects(
            run.pools,
            owner,
            day,
            sla.id if sla is not None else None,
            run.new_lead,
            rep is not None and rep.daily_cap == "rolling",
            run.company if owner is not None else None,
        )
    # Positional arguments: by keyword, a dataclass's __init__ costs about twice as much, and these
    # three are built for every lead. The order is that of the fields in model.py.
    trace = Trace(
        lead.warnings,  # warnings
        run.match,  # match
        score,  # score
        run.rules,  # rules
        tuple(run.reps),  # reps
        tuple(run.notes),  # notes
    )
    return Decision(
        outcome.kind,  # kind
        owner,  # owner
        outcome.queue,  # queue
        rule,  # rule
        snapshot.policy.version,  # policy_version
        run.now,  # at
        trace,  # trace
        effects,  # effects
        unplaced or rule is None or (queue is not None and queue.fallback),  # fallback
        outcome.pool,  # pool
    )


def _nowhere(run: _Run, rule: str | None, outcome: _Outcome) -> _Outcome:
    """Where a lead goes whose route named neither a rep nor a queue of the team (a pool's
    `when_full: queue` without a target, a queue deleted since): the policy's fallback queue,
    with the reason in the trace. Never a decision without an owner or a queue."""
    where = f"queue '{outcome.queue}', which is not on the team" if outcome.queue else "no queue"
    source = f"rule '{rule}'" if rule is not None else "routing"
    run.notes.append(
        Note(
            Reason.ROUTING_ERROR,
            f"{source} sent the lead to {where} and to no rep; sent to the fallback queue",
        )
    )
    return _Outcome(Kind.QUEUE, None, run.snapshot.policy.fallback_queue, outcome.pool)


def apply_effects(state: RoutingState, decision: Decision) -> RoutingState:
    """The routing state after a decision: new pool cursors, one more lead for its rep."""
    effects = decision.effects
    if not effects.pools and effects.assigned_rep is None:
        return state
    pools = {**state.pools, **effects.pools} if effects.pools else state.pools
    loads = state.loads
    rep_id = effects.assigned_rep
    if rep_id is not None:
        loads = {**loads, rep_id: counted(state.load(rep_id), effects, decision.at)}
        if effects.company is not None:
            companies = {**state.companies, effects.company: CompanyClaim(rep_id, decision.at)}
            return RoutingState(pools, loads, companies)
    return RoutingState(pools, loads, state.companies)
