"""The active configuration compiled for routing, cached per process by config versions.

Building it (team from rows, the account index, compiling the active policy) is costly, so each
process keeps the last one and rebuilds only the parts whose counter moved
(`store/config_version.py`): a rep's edit reloads the team (and recompiles the policy only if a
rep, pool or queue id came or went, since the policy checks its references against those ids);
an account's edit adds the rows changed since to the account index (`AccountIndex.with_accounts`)
instead of building it again. Builds happen outside routing's turn: routing compares the
counters it reads in its turn with `ready` and, when they moved, gives the turn back and comes
again once `get` has built them (`leads/routing.py`). Never holds routing state: that is read
under lock per lead.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from leadrouter.accounts.models import AccountRow
from leadrouter.accounts.service import to_account
from leadrouter.errors import Conflict, LeadRouterError
from leadrouter.matching import AccountIndex
from leadrouter.model import Team
from leadrouter.policies import splits
from leadrouter.policies.models import PolicyActivationRow, PolicyVersionRow
from leadrouter.policy import compile_policy
from leadrouter.policy.compiled import CompiledPolicy
from leadrouter.pools.models import PoolRow
from leadrouter.pools.service import to_pool
from leadrouter.queues.models import QueueRow
from leadrouter.queues.service import to_queue
from leadrouter.reps.models import RepRow
from leadrouter.reps.service import to_rep
from leadrouter.split import Split
from leadrouter.store.config_version import ConfigVersions, read_config_version

POLICY_SOURCE = "policy.yaml"


@dataclass(frozen=True, slots=True)
class Config:
    """Everything routing needs that changes only when someone edits the configuration."""

    version: ConfigVersions  # the counters of every part, as they were when it was built
    team: Team
    accounts: AccountIndex | None
    policy: CompiledPolicy | None  # None until a policy version is activated
    active: str | None = None  # the name of the policy version compiled into `policy`
    account_count: int = 0
    split: Split | None = None  # the A/B test that splits live routing, if one is running

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


def build_config(session: Session) -> Config:
    """Compile the configuration as stored now, every part."""
    return _update(session, None, read_config_version(session))[0]


def _update(session: Session, held: Config | None, version: ConfigVersions) -> tuple[Config, bool]:
    """`held` with the parts whose counter differs from `version` built again from the rows;
    and whether a large part (the policy, the whole account index) was replaced.

    `version` must have been read before the rows (it labels them): rows read after it can only
    be as new or newer, and then the next counters read differ from the label and the part is
    read again, never missed.
    """
    if held is not None and held.version.team == version.team:
        team = held.team
    else:
        team = load_team(session)
    if held is None or held.version.policy != version.policy:
        active = active_version(session)
        policy = compile_version(session, active, team) if active is not None else None
        large = True
    elif team is not held.team and _ids(team) != _ids(held.team):
        active = held.active
        policy = compile_version(session, active, team) if active is not None else None
        large = True
    else:
        active, policy, large = held.active, held.policy, False
    # A test's arms are compiled with the policy: both move with the policy's counter; arms
    # with their own team (a pool's strategy) move with the team too.
    moved = held is not None and team is not held.team and _has_teams(held.split)
    split = _split(session, team, active, policy) if large or held is None or moved else held.split
    if held is not None and held.version.accounts == version.accounts:
        accounts, count = held.accounts, held.account_count
    else:
        accounts, count, rebuilt = _accounts(session, held)
        large = large or rebuilt
    return Config(version, team, accounts, policy, active, count, split), large


def _split(
    session: Session, team: Team, active: str | None, policy: CompiledPolicy | None
) -> Split | None:
    """The running A/B test's split, its arms compiled against `team` (the active version's
    compiled policy reused)."""
    row = splits.running(session)
    if row is None:
        return None

    def compiled(version: str) -> CompiledPolicy:
        if version == active and policy is not None:
            return policy
        return compile_version(session, version, team)

    try:
        return splits.split_of(row, compiled, team)
    except LeadRouterError:
        # An arm that no longer compiles (a rep it names left the team) never stops routing:
        # the active policy routes every lead, as without a test.
        return None


def _has_teams(split: Split | None) -> bool:
    return split is not None and any(arm.team is not None for arm in split.arms)


def _ids(team: Team) -> tuple[frozenset[str], ...]:
    """What of the team a compiled policy depends on: it checks references against these."""
    return frozenset(team.reps), frozenset(team.pools), frozenset(team.queues)


def _accounts(session: Session, held: Config | None) -> tuple[AccountIndex | None, int, bool]:
    """The account index as of now, its number of accounts, and whether it was built in full."""
    if held is not None and held.accounts is not None:
        changed = [
            to_account(row)
            for row in session.scalars(
                select(AccountRow).where(AccountRow.changed_in > held.version.accounts)
            )
        ]
        new = sum(1 for account in changed if held.accounts.get(account.id) is None)
        # No service function removes accounts; a row deleted by hand leaves the count short,
        # and only a full build forgets it.
        count = session.scalar(select(func.count()).select_from(AccountRow))
        if count == held.account_count + new:
            return held.accounts.with_accounts(changed), count, False
    accounts = [to_account(a) for a in session.scalars(select(AccountRow))]
    index = AccountIndex.build(accounts) if accounts else None
    return index, len(accounts), True


class ConfigCache:
    """The process's compiled configuration, its parts rebuilt when their counters move."""

    def __init__(self, on_build: Callable[[], None] | None = None) -> None:
        self._config: Config | None = None
        self._lock = threading.Lock()
        # Called after a build that replaced a large part (the old one dropped): the serving
        # process collects and freezes its heap then (`api/warmup.py`). A team reloaded, or a
        # few accounts added to the index, leave too little garbage to pay a full collection
        # of the whole heap for (a pause every intake in the process shares).
        self._on_build = on_build

    def latest(self) -> Config | None:
        """The configuration built last, without asking the database whether it is current."""
        return self._config

    def ready(self, version: ConfigVersions) -> Config | None:
        """The configuration built for exactly these counters, if it is the one built last."""
        config = self._config
        return config if config is not None and config.version == version else None

    def get(self, session: Session) -> Config:
        """The configuration as of the counters stored now (one read), the parts that moved
        built again."""
        config = self._config
        if config is not None and config.version == read_config_version(session):
            return config
        with self._lock:  # one thread builds; the others wait for its result
            # Read again: another thread may have built a newer one while this one waited.
            version = read_config_version(session)
            config = self._config
            if config is None or config.version != version:
                config, large = _update(session, config, version)
                self._config = config
                if large and self._on_build is not None:
                    self._on_build()
            return config
