"""Seeding an empty database from a workspace folder (team.yaml, accounts.csv, policy.yaml), so
the demo is one command. Runs through the same services as the API, so seeded rows are audited
like any other change. Never touches a database that already has reps or policies.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadrouter.accounts import service as accounts
from leadrouter.errors import PolicyError, PolicyTestsFailed, SourceError
from leadrouter.policies import service as policies
from leadrouter.policies.models import PolicyVersionRow
from leadrouter.policies.snapshot import POLICY_SOURCE
from leadrouter.pools import service as pools
from leadrouter.queues import service as queues
from leadrouter.reps import service as reps
from leadrouter.reps.models import RepRow
from leadrouter.workspace import load_workspace

ACTOR = "workspace"


def is_empty(session: Session) -> bool:
    has_reps = session.scalar(select(RepRow.id).limit(1)) is not None
    has_policies = session.scalar(select(PolicyVersionRow.version).limit(1)) is not None
    return not (has_reps or has_policies)


def seed_workspace(*, session: Session, path: Path, now: datetime) -> bool:
    """Load the workspace into an empty database and activate its policy; False if not empty."""
    if not is_empty(session):
        return False
    workspace = load_workspace(path)
    team = workspace.team
    for rep in team.reps.values():
        rep_in = reps.from_rep(rep)
        reps.create(session=session, rep_in=rep_in, actor=ACTOR, now=now, whole_team=True)
    for queue in team.queues.values():
        queues.create(session=session, queue_in=queues.from_queue(queue), actor=ACTOR, now=now)
    for pool in team.pools.values():
        pool_in = pools.from_pool(pool)
        pools.create(session=session, pool_in=pool_in, actor=ACTOR, now=now, whole_team=True)
    accounts.upsert(
        session=session,
        accounts=[accounts.from_account(a) for a in workspace.accounts],
        actor=ACTOR,
        now=now,
    )
    row = policies.upload(session=session, text=workspace.policy.text, actor=ACTOR, now=now)
    try:
        policies.activate(session=session, version=row.version, actor=ACTOR, now=now)
    except PolicyTestsFailed as failed:
        # As `leadrouter policy check` words a policy's problems: file and what is wrong.
        raise PolicyError(
            [SourceError(POLICY_SOURCE, 0, 0, p.message, p.path) for p in failed.failures]
        ) from failed
    return True
