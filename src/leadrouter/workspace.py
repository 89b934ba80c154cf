"""A workspace folder (policy.yaml, team.yaml, accounts.csv, crm.yaml) loaded into a snapshot.

This is the shell side of the CLI and the demo: it reads files, and hands the core fully built,
immutable values. The account index is compiled once here and reused for every lead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from leadrouter.errors import PolicyError, SourceError

if TYPE_CHECKING:
    # Imported where used: `policy check` loads a workspace without routing or matching a lead,
    # and should not pay for the engine and the matcher's libraries at start-up; nor, when it
    # has checked the same files before, for the compiler (cli/check_cache.py).
    from leadrouter.engine import Snapshot
    from leadrouter.matching import AccountIndex, LeadIndex, RowProblem
    from leadrouter.model import Account, RoutingState, Team
    from leadrouter.policy.compiled import CompiledPolicy
    from leadrouter.policy.crm import CrmConfig

POLICY_FILE = "policy.yaml"
TEAM_FILE = "team.yaml"
ACCOUNTS_FILE = "accounts.csv"
CRM_FILE = "crm.yaml"


@dataclass(frozen=True, slots=True)
class Workspace:
    root: Path
    policy: CompiledPolicy
    team: Team
    accounts: tuple[Account, ...] = ()
    account_problems: tuple[RowProblem, ...] = ()
    index: AccountIndex | None = field(default=None, repr=False)
    crm: CrmConfig | None = None  # crm.yaml, checked against the team and the policy's rules

    def snapshot(
        self, state: RoutingState | None = None, known_leads: LeadIndex | None = None
    ) -> Snapshot:
        """A snapshot for routing, with fresh rotation state unless one is given."""
        from leadrouter.engine import Snapshot
        from leadrouter.model import RoutingState

        return Snapshot(
            policy=self.policy,
            team=self.team,
            accounts=self.index,
            state=state if state is not None else RoutingState(),
            known_leads=known_leads,
        )


def policy_paths(path: Path) -> tuple[Path, Path]:
    """(policy file, workspace folder) for a path naming either of them."""
    if path.is_dir():
        return path / POLICY_FILE, path
    return path, path.parent


def workspace_files(path: Path) -> tuple[Path, Path, Path, Path]:
    """(policy, team, accounts, crm): every file `load_workspace(path)` reads, present or not."""
    policy_path, root = policy_paths(path)
    return policy_path, root / TEAM_FILE, root / ACCOUNTS_FILE, root / CRM_FILE


def load_workspace(path: Path, *, index: bool = True) -> Workspace:
    """Load and compile a workspace; raises PolicyError listing every problem in its files.

    With `index=False` the accounts are read and checked but not indexed for matching (the
    workspace then matches no lead to an account).
    """
    from leadrouter.matching import load_accounts_csv
    from leadrouter.policy import load_policy, load_team
    from leadrouter.policy.crm import check_crm, load_crm

    policy_path, team_path, accounts_path, crm_path = workspace_files(path)
    root = policy_paths(path)[1]
    missing = [p for p in (policy_path, team_path) if not p.is_file()]
    if missing:
        raise PolicyError([SourceError(str(p), 0, 0, "file not found") for p in missing])
    team = load_team(team_path)
    policy = load_policy(policy_path, team)
    accounts: list[Account] = []
    problems: list[RowProblem] = []
    if accounts_path.is_file():
        accounts, problems = load_accounts_csv(accounts_path)
    built = None
    if accounts and index:
        from leadrouter.matching import AccountIndex  # numpy, which only the index uses

        built = AccountIndex.build(accounts)
    crm = None
    if crm_path.is_file():
        crm = load_crm(crm_path)
        check_crm(crm, team, [rule.id for rule in policy.rules], policy.handoffs)
    return Workspace(root, policy, team, tuple(accounts), tuple(problems), built, crm)
