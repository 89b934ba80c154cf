"""The active configuration compiled for routing, cached per process by config version.

Building it (team from rows, the account index, compiling the active policy) is costly, so each
process keeps the last one and rebuilds only when `config_version` moved, which costs one
primary-key read per request (or a column of a statement the request makes anyway: see
`leads/routing.py`). Never holds routing state: that is read under lock per lead.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadrouter.accounts.models import AccountRow
from leadrouter.accounts.service import to_account
from leadrouter.errors import Conflict
from leadrouter.matching import AccountIndex
from leadrouter.model import Team
from leadrouter.policies.models import PolicyActivationRow, PolicyVersionRow
from leadrouter.policy import compile_policy
from leadrouter.policy.compiled import CompiledPolicy
from leadrouter.pools.models import PoolRow
from leadrouter.pools.service import to_pool
from leadrouter.queues.models import QueueRow
from leadrouter.queues.service import to_queue
from leadrouter.reps.models import RepRow
from leadrouter.reps.service import to_rep
from leadrouter.store.config_version import read_config_version

POLICY_SOURCE = "policy.yaml"


@dataclass(frozen=True, slots=True)
class Config:
    """Everything routing needs that changes only when someone edits the configuration."""

    version: int
    team: Team
    accounts: AccountIndex | None
    policy: CompiledPolicy | None  # None until a policy version is activated

    def require_policy(self) -> CompiledPolicy:
        if self.policy is None:
            raise Conflict("no active policy: upload a policy version and activate it")
        return self.policy


def load_team(session: Session) -> Team:
    """The team as the core sees it, from the reps, pools and queues tables."""
    return Team(
        reps={r.id: to_rep(r) for r in session.scalars(select(RepRow))},
        pools={p.id: to_pool(p) for p in session.scalars(select(PoolRow))},
        queues={q.id: to_queue(q) for q in session.scalars(select(QueueRow))},
    )


def active_version(session: Session) -> str | None:
    """The version of the policy that routes leads now."""
    query = select(PolicyActivationRow.version).order_by(PolicyActivationRow.id.desc()).limit(1)
    return session.scalar(query)


def compile_version(session: Session, version: str, team: Team) -> CompiledPolicy:
    """Compile a stored policy version against `team` (raises PolicyError)."""
    row = session.get(PolicyVersionRow, version)
    if row is None:
        raise Conflict(f"policy version '{version}' is not stored")
    return compile_policy(row.text, POLICY_SOURCE, team)


def build_config(session: Session, version: int) -> Config:
    """Compile the configuration as stored now."""
    team = load_team(session)
    accounts = [to_account(a) for a in session.scalars(select(AccountRow))]
    index = AccountIndex.build(accounts) if accounts else None
    active = active_version(session)
    policy = compile_version(session, active, team) if active is not None else None
    return Config(version, team, index, policy)


class ConfigCache:
    """The process's compiled configuration, rebuilt when the config version moves."""

    def __init__(self, on_build: Callable[[], None] | None = None) -> None:
        self._config: Config | None = None
        self._lock = threading.Lock()
        self._on_build = on_build  # called after each build, the old configuration dropped

    def latest(self) -> Config | None:
        """The configuration built last, without asking the database whether it is current."""
        return self._config

    def get(self, session: Session) -> Config:
        """The configuration as of the counter stored now (one primary-key read)."""
        return self.at(session, read_config_version(session))

    def at(self, session: Session, version: int) -> Config:
        """The configuration for a counter value the caller read itself, built if new."""
        config = self._config
        if config is not None and config.version == version:
            return config
        with self._lock:  # one thread rebuilds; the others wait for its result
            config = self._config
            if config is None or config.version != version:
                config = build_config(session, version)
                self._config = config
                if self._on_build is not None:
                    self._on_build()
            return config
