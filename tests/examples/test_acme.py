"""The Acme example workspace: its generator is deterministic and its files agree with each other.

The workspace is what a newcomer runs first and what the benchmark reads, so these tests keep the
committed CSV files equal to what the documented generator command writes, every account owner a
rep of the team, and the policy valid with its own test cases passing.
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from datetime import UTC, datetime
from pathlib import Path
from random import Random
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadrouter.batch import BadRow, read_rows, route_rows
from leadrouter.matching import load_accounts_csv
from leadrouter.model import Account, AccountType, Kind, Strategy, Team
from leadrouter.policy import load_policy, load_team
from leadrouter.policy_cases import run_cases
from leadrouter.workspace import Workspace, load_workspace

EXAMPLES = Path(__file__).parents[2] / "examples"
ACME = EXAMPLES / "acme"
FIRST_LEAD_AT = datetime(2026, 11, 2, tzinfo=UTC)


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_acme", EXAMPLES / "generate_acme.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


generate_acme = _generator()


def _generate(out: Path, *, leads: int, accounts: int, seed: int = 7) -> Path:
    generate_acme.main(
        ["--out", str(out), "--leads", str(leads), "--accounts", str(accounts), "--seed", str(seed)]
    )
    return out


@pytest.fixture(scope="module")
def team() -> Team:
    return load_team(ACME / "team.yaml")


@pytest.fixture(scope="module")
def accounts() -> list[Account]:
    loaded, problems = load_accounts_csv(ACME / "accounts.csv")
    assert problems == []
    return loaded


@pytest.fixture(scope="module")
def workspace() -> Workspace:
    return load_workspace(ACME)


def _lead_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_generator__same_seed_writes_the_same_bytes(tmp_path: Path) -> None:
    first = _generate(tmp_path / "a", leads=400, accounts=150)
    second = _generate(tmp_path / "b", leads=400, accounts=150)
    for name in ("accounts.csv", "leads.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes()


def test_generator__another_seed_writes_other_leads(tmp_path: Path) -> None:
    seven = _generate(tmp_path / "a", leads=200, accounts=100, seed=7)
    eight = _generate(tmp_path / "b", leads=200, accounts=100, seed=8)
    assert (seven / "leads.csv").read_bytes() != (eight / "leads.csv").read_bytes()


def test_generator__a_larger_run_starts_with_the_smaller_run(tmp_path: Path) -> None:
    small = _generate(tmp_path / "small", leads=300, accounts=200)
    large = _generate(tmp_path / "large", leads=900, accounts=200)
    assert _lead_rows(large / "leads.csv")[:301] == _lead_rows(small / "leads.csv")
    assert (large / "accounts.csv").read_bytes() == (small / "accounts.csv").read_bytes()


def test_generator__committed_files_are_what_the_documented_command_writes(
    tmp_path: Path,
) -> None:
    out = _generate(tmp_path, leads=10_000, accounts=3_000, seed=7)
    for name in ("accounts.csv", "leads.csv"):
        assert (out / name).read_bytes() == (ACME / name).read_bytes(), f"regenerate {name}"


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10_000), count=st.integers(20, 400))
def test_generator__any_seed_makes_consistent_accounts(team: Team, seed: int, count: int) -> None:
    rows = generate_acme.generate_accounts(count, Random(seed))
    ids = [a.id for a in rows]
    domains = [d for a in rows for d in a.domains]
    assert len(rows) == count
    assert len(set(ids)) == count
    assert len(set(domains)) == len(domains)  # one domain never names two accounts
    position = {account_id: i for i, account_id in enumerate(ids)}
    assert all(position[a.parent] < position[a.id] for a in rows if a.parent)
    assert {a.owner for a in rows if a.owner} <= set(team.reps)


def test_generator__refuses_fewer_accounts_than_the_policy_names(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        _generate(tmp_path, leads=10, accounts=5)


def test_leads_csv__has_the_form_export_columns_and_a_few_broken_rows() -> None:
    header, *rows = _lead_rows(ACME / "leads.csv")
    assert tuple(header) == generate_acme.LEAD_COLUMNS
    assert len(rows) == 10_000
    broken = [r for r in rows if len(r) != len(header)]
    assert 5 <= len(broken) <= 100


def test_leads_csv__carries_the_dirt_normalization_must_handle() -> None:
    header, *rows = _lead_rows(ACME / "leads.csv")
    column = {name: [r[i] for r in rows if len(r) == len(header)] for i, name in enumerate(header)}
    countries = set(column["Country"])
    assert {"USA", "United States", "US", "U.S.", "Deutschland"} <= countries
    assert "" in countries
    assert any("-" in z and len(z) == 10 for z in column["Zip"])  # ZIP+4
    assert any(z.isdigit() and len(z) == 4 for z in column["Zip"])  # lost leading zero
    assert {"California", "CA"} <= set(column["State"])
    employees = set(column["Employees"])
    assert any("," in e and "-" in e for e in employees)  # "1,001-5,000"
    assert any(e.endswith("+") for e in employees)
    assert any(" to " in e for e in employees)
    assert any("–" in r or "EUR" in r for r in column["Annual Revenue"])
    emails = column["Email"]
    assert any("+" in e.split("@")[0] for e in emails)
    assert any(e != e.lower() for e in emails)
    assert any(e.lower().endswith("@gmail.com") for e in emails)
    assert len(set(emails)) < len(emails)  # duplicates of earlier leads


def test_accounts_csv__loads_without_problems_and_links_subsidiaries(
    accounts: list[Account],
) -> None:
    assert len(accounts) == 3_000
    by_id = {a.id: a for a in accounts}
    assert sum(a.parent is not None for a in accounts) >= 100
    assert by_id["ACC-00005"].parent == "ACC-00004"  # a second-level subsidiary
    types = {t: sum(a.type is t for a in accounts) for t in AccountType}
    assert types[AccountType.CUSTOMER] > 100
    assert types[AccountType.PARTNER] > 20


def test_accounts_csv__every_owner_is_a_rep_of_the_team(
    team: Team, accounts: list[Account]
) -> None:
    owners = {a.owner for a in accounts if a.owner is not None}
    assert owners <= set(team.reps)
    assert len(owners) >= 30


def test_team__spans_time_zones_with_absences_and_pools_of_every_strategy(team: Team) -> None:
    assert 40 <= len(team.reps) <= 50
    zones = {r.timezone for r in team.reps.values()}
    assert {"America/New_York", "Europe/London", "Asia/Singapore", "Australia/Sydney"} <= zones
    assert sum(bool(r.out_of_office) for r in team.reps.values()) >= 4
    assert {p.strategy for p in team.pools.values()} == set(Strategy)
    assert [q.id for q in team.queues.values() if q.fallback] == ["unrouted"]


def test_policy__compiles_with_at_least_30_rules_and_15_tests(team: Team) -> None:
    policy = load_policy(ACME / "policy.yaml", team)
    assert len(policy.rules) >= 30
    assert len(policy.tests) >= 15
    assert policy.rules[-1].condition.always


def test_policy__its_own_test_cases_all_pass(workspace: Workspace) -> None:
    results = run_cases(workspace.snapshot())
    assert [(r.case.name, r.failures) for r in results if not r.passed] == []


def test_leads_csv__every_good_row_routes_to_a_rep_or_a_queue_and_broken_rows_are_reported(
    workspace: Workspace,
) -> None:
    bad: list[BadRow] = []
    rows = (row for row in read_rows(ACME / "leads.csv", bad.append) if row[0] <= 1_000)
    routed = list(route_rows(rows, workspace.snapshot(), FIRST_LEAD_AT, replay=True))
    decisions = [r.decision for r in routed]
    assert len(routed) + len([b for b in bad if b.row <= 1_000]) == 1_000
    assert bad, "the generator writes a few rows with the wrong number of columns"
    assert all(d.rule is not None for d in decisions)  # routing itself never failed
    assert all((d.owner if d.kind is Kind.REP else d.queue) for d in decisions)
    rules = {d.rule for d in decisions}
    assert {"duplicate-sticky", "customer-owner", "owned-account", "below-mql"} <= rules
    assert len(rules) >= 25
    assert sum(d.fallback for d in decisions) < len(decisions) * 0.01
    assert sum(bool(r.lead.warnings) for r in routed) > len(routed) * 0.2
