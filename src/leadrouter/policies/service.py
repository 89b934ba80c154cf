"""Policy versions: upload (validated against the stored team), list, diff, activate and roll
back (simulation lives in `experiments/`). Activation and rollback bump the config version so
every process recompiles.
"""

from __future__ import annotations

import difflib
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadrouter.accounts.models import AccountRow
from leadrouter.accounts.service import to_account
from leadrouter.audit import service as audit
from leadrouter.engine import AccountMatcher, Snapshot
from leadrouter.errors import Conflict, FieldProblem, PolicyTestsFailed
from leadrouter.matching import AccountIndex
from leadrouter.model import Team
from leadrouter.policies.models import PolicyActivationRow, PolicyVersionRow
from leadrouter.policies.schemas import PolicyDiff, PolicyVersionRead
from leadrouter.policies.snapshot import (
    POLICY_SOURCE,
    active_version,
    compile_version,
    load_team,
)
from leadrouter.policy import compile_policy
from leadrouter.policy.compiled import CompiledPolicy
from leadrouter.policy_cases import run_cases
from leadrouter.store.config_version import Part, bump_config_version
from leadrouter.store.rows import require_row

_AUDIT = audit.Recorder("policy")


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
    """Store a new version after compiling it (SLAs included) against the team (raises
    PolicyError)."""
    team = load_team(session)
    policy = compile_policy(text, POLICY_SOURCE, team)
    existing = session.get(PolicyVersionRow, policy.version)
    if existing is not None:
        if existing.text == text:
            return existing  # a retried upload
        raise Conflict(f"policy version '{policy.version}' exists with other text: bump version")
    row = PolicyVersionRow(
        version=policy.version, name=policy.name, text=text, created_at=now, created_by=actor
    )
    session.add(row)
    after = {"version": row.version, "name": row.name, "text": text}
    _AUDIT.record(session, row.version, "create", actor=actor, at=now, after=after)
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
    _AUDIT.record(
        session, version, "activate", actor=actor, at=now, before={"active": before}, after=after
    )
    bump_config_version(session, Part.POLICY)


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
