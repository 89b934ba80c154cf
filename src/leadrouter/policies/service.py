"""Policy versions: upload (validated against the stored team), list, diff, simulate, activate
and roll back. Activation and rollback bump the config version so every process recompiles.
"""

from __future__ import annotations

import difflib
from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadrouter.accounts.models import AccountRow
from leadrouter.accounts.service import to_account
from leadrouter.audit import service as audit
from leadrouter.engine import AccountMatcher, Snapshot, apply_effects, route
from leadrouter.errors import Conflict, FieldProblem, PolicyTestsFailed
from leadrouter.leads.models import ROUTED, LeadRow
from leadrouter.matching import AccountIndex
from leadrouter.model import Decision, Kind, RoutingState, Team
from leadrouter.policies.models import PolicyActivationRow, PolicyVersionRow
from leadrouter.policies.schemas import Move, PolicyDiff, PolicyVersionRead, Simulation
from leadrouter.policies.snapshot import (
    POLICY_SOURCE,
    Config,
    active_version,
    compile_version,
    load_team,
)
from leadrouter.policy import compile_policy
from leadrouter.policy.compiled import CompiledPolicy
from leadrouter.policy_cases import run_cases
from leadrouter.sla.policy import load_sla
from leadrouter.store.config_version import bump_config_version
from leadrouter.store.rows import require_row


def get_or_raise(*, session: Session, version: str) -> PolicyVersionRow:
    return require_row(session, PolicyVersionRow, version, "policy version")


def list_(*, session: Session) -> list[PolicyVersionRead]:
    active = active_version(session)
    rows = session.scalars(select(PolicyVersionRow).order_by(PolicyVersionRow.created_at))
    return [read(row, active) for row in rows]


def read(row: PolicyVersionRow, active: str | None) -> PolicyVersionRead:
    return PolicyVersionRead(
        version=row.version,
        name=row.name,
        created_at=row.created_at,
        created_by=row.created_by,
        active=row.version == active,
    )


def upload(*, session: Session, text: str, actor: str, now: datetime) -> PolicyVersionRow:
    """Store a new version after compiling it and its `sla:` section against the team (raises
    PolicyError)."""
    team = load_team(session)
    policy = compile_policy(text, POLICY_SOURCE, team)
    # The worker parses the SLA section of the active version; a bad one must be refused here,
    # at upload, with positions, not discovered by the worker after activation.
    load_sla(text, POLICY_SOURCE, team, policy.custom_fields)
    existing = session.get(PolicyVersionRow, policy.version)
    if existing is not None:
        if existing.text == text:
            return existing  # a retried upload
        raise Conflict(f"policy version '{policy.version}' exists with other text: bump version")
    row = PolicyVersionRow(
        version=policy.version, name=policy.name, text=text, created_at=now, created_by=actor
    )
    session.add(row)
    audit.record(
        session=session,
        actor=actor,
        action="create",
        entity="policy",
        entity_id=row.version,
        at=now,
        after={"version": row.version, "name": row.name, "text": text},
    )
    return row


def diff(*, session: Session, old: str, new: str) -> PolicyDiff:
    """A unified diff of two stored versions' text."""
    a = get_or_raise(session=session, version=old)
    b = get_or_raise(session=session, version=new)
    lines = difflib.unified_diff(
        a.text.splitlines(), b.text.splitlines(), fromfile=old, tofile=new, lineterm=""
    )
    return PolicyDiff(old=old, new=new, diff=list(lines))


def activate(
    *,
    session: Session,
    version: str,
    actor: str,
    now: datetime,
    force: bool = False,
    accounts: AccountMatcher | None = None,
) -> None:
    """Make `version` the routing policy. It must still compile against the team, and its own
    test cases (`tests:`) must pass, routed against the team and `accounts` (read from the
    database when not given); `force` activates it anyway, and the audit log says so.
    Raises PolicyError or PolicyTestsFailed."""
    get_or_raise(session=session, version=version)
    team = load_team(session)
    policy = compile_version(session, version, team)
    failures = test_failures(policy, team, accounts if accounts is not None else _accounts(session))
    if failures and not force:
        raise PolicyTestsFailed(version, failures)
    before = active_version(session)
    session.add(PolicyActivationRow(version=version, at=now, by=actor))
    after: dict[str, Any] = {"active": version}
    if force:
        after["forced"] = True
        after["failing_tests"] = [f"{p.path}: {p.message}" for p in failures]
    audit.record(
        session=session,
        actor=actor,
        action="activate",
        entity="policy",
        entity_id=version,
        at=now,
        before={"active": before},
        after=after,
    )
    bump_config_version(session)


def test_failures(
    policy: CompiledPolicy, team: Team, accounts: AccountMatcher | None
) -> list[FieldProblem]:
    """Each unmet expectation of the policy's own test cases, as `tests[<name>]`."""
    snapshot = Snapshot(policy=policy, team=team, accounts=accounts)
    return [
        FieldProblem(f"tests[{result.case.name}]", failure)
        for result in run_cases(snapshot)
        for failure in result.failures
    ]


def _accounts(session: Session) -> AccountIndex | None:
    rows = [to_account(a) for a in session.scalars(select(AccountRow))]
    return AccountIndex.build(rows) if rows else None


def rollback(
    *,
    session: Session,
    actor: str,
    now: datetime,
    force: bool = False,
    accounts: AccountMatcher | None = None,
) -> str:
    """Re-activate the version that was active before the current one; returns it."""
    history = session.scalars(
        select(PolicyActivationRow.version).order_by(PolicyActivationRow.id.desc())
    )
    versions = iter(history)
    current = next(versions, None)
    previous = next((v for v in versions if v != current), None)
    if previous is None:
        raise Conflict("no earlier policy version was ever active")
    activate(
        session=session, version=previous, actor=actor, now=now, force=force, accounts=accounts
    )
    return previous


def simulate(*, session: Session, config: Config, version: str, last: int) -> Simulation:
    """Route the last `last` stored leads with `version` and with the active policy, and count
    the leads whose destination differs.

    Both runs start from the same empty rotation state and replay leads in arrival order, so a
    difference comes from the policy and not from where round-robin cursors happen to stand.
    """
    active = config.require_policy()
    candidate = compile_version(session, version, config.team)
    rows = list(
        session.scalars(
            select(LeadRow)
            .where(LeadRow.status == ROUTED)
            .order_by(LeadRow.received_at.desc(), LeadRow.id.desc())
            .limit(last)
        )
    )
    rows.reverse()
    now_dests = _replay(rows, config, active)
    new_decisions = _replay(rows, config, candidate)
    moves: Counter[tuple[str, str]] = Counter()
    by_rule: Counter[str] = Counter()
    for before, decision in zip(now_dests, new_decisions, strict=True):
        after = destination(decision)
        if after != destination(before):
            moves[(destination(before), after)] += 1
            by_rule[decision.rule or "(none)"] += 1
    return Simulation(
        version=version,
        against=active.version,
        leads=len(rows),
        moved=sum(moves.values()),
        by_rule=dict(by_rule.most_common()),
        moves=[Move(from_=a, to=b, count=n) for (a, b), n in moves.most_common()],
    )


def _replay(rows: list[LeadRow], config: Config, policy: CompiledPolicy) -> list[Decision]:
    state = RoutingState()
    decisions: list[Decision] = []
    for row in rows:
        snapshot = Snapshot(policy=policy, team=config.team, accounts=config.accounts, state=state)
        decision = route(row.raw, snapshot, row.received_at, lead_id=row.id)
        state = apply_effects(state, decision)
        decisions.append(decision)
    return decisions


def destination(decision: Decision) -> str:
    """Where a decision sent the lead, as one comparable label."""
    if decision.kind == Kind.REP:
        return decision.owner or ""
    return f"{decision.kind}:{decision.queue}"
