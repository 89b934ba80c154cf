"""Configuration versioned by part: an edit rebuilds its part only, accounts are added to the
index incrementally, and routing builds a moved configuration outside its turn yet decides with
the configuration current in it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, delete

from leadrouter.accounts.models import AccountRow
from leadrouter.leads import intake, routing
from leadrouter.leads.schemas import LeadCreate
from leadrouter.normalize import normalize_lead
from leadrouter.policies.snapshot import Config, ConfigCache
from leadrouter.store import Database
from leadrouter.store.config_version import read_config_version

from .conftest import TUESDAY_3PM
from .factories import lead

ACME = {"id": "a1", "name": "Acme Corp", "domains": ["acme.com"], "owner": "ana"}
GLOBEX = {"id": "a2", "name": "Globex Industries", "domains": ["globex.com"], "owner": "bob"}


class Builds:
    """A cache whose large builds (the ones that call on_build) are counted."""

    def __init__(self) -> None:
        self.large = 0
        self.cache = ConfigCache(on_build=self.count)

    def count(self) -> None:
        self.large += 1

    def get(self, database: Database) -> Config:
        with database.read() as session:
            return self.cache.get(session)


def matched(config: Config, email: str) -> str | None:
    assert config.accounts is not None
    found = config.accounts.match(normalize_lead({"email": email, "company": ""}))
    return found.match.account.id if found.match is not None else None


def test_rep_edit__rebuilds_the_team_only(seeded: TestClient, database: Database) -> None:
    seeded.post("/v1/accounts/import", json=[ACME]).raise_for_status()
    builds = Builds()
    first = builds.get(database)
    seeded.patch("/v1/reps/ana", json={"max_per_day": 5}).raise_for_status()
    second = builds.get(database)
    assert second.team.reps["ana"].max_per_day == 5
    assert second.accounts is first.accounts and second.policy is first.policy
    assert second.version.team > first.version.team
    assert (second.version.policy, second.version.accounts) == (
        first.version.policy,
        first.version.accounts,
    )
    assert builds.large == 1  # the first build only


def test_new_pool__compiles_the_policy_again_keeping_the_accounts(
    seeded: TestClient, database: Database
) -> None:
    seeded.post("/v1/accounts/import", json=[ACME]).raise_for_status()
    builds = Builds()
    first = builds.get(database)
    pool = {"id": "mid", "name": "Mid", "members": ["ana"]}
    seeded.post("/v1/pools", json=pool).raise_for_status()
    second = builds.get(database)
    assert "mid" in second.team.pools
    assert second.policy is not first.policy and second.accounts is first.accounts


def test_account_import__adds_and_changes_accounts_in_the_index_incrementally(
    seeded: TestClient, database: Database
) -> None:
    seeded.post("/v1/accounts/import", json=[ACME]).raise_for_status()
    builds = Builds()
    first = builds.get(database)
    assert matched(first, "jo@globex.com") is None
    renamed = {**ACME, "owner": "carl", "domains": ["acme.io"]}
    seeded.post("/v1/accounts/import", json=[renamed, GLOBEX]).raise_for_status()
    second = builds.get(database)
    assert second.accounts is not first.accounts and second.team is first.team
    assert matched(second, "jo@globex.com") == "a2"
    assert matched(second, "jo@acme.io") == "a1" and matched(second, "jo@acme.com") is None
    assert second.accounts.get("a1").owner == "carl"
    assert matched(first, "jo@acme.com") == "a1"  # the index held before is left as it was
    assert builds.large == 1  # no full build of the index for two accounts


def test_account_import__stamps_only_the_rows_it_changed_with_one_new_counter(
    seeded: TestClient, database: Database
) -> None:
    seeded.post("/v1/accounts/import", json=[ACME, GLOBEX]).raise_for_status()
    with database.read() as session:
        before = read_config_version(session)
    seeded.post("/v1/accounts/import", json=[ACME, {**GLOBEX, "owner": "carl"}])
    with database.read() as session:
        after = read_config_version(session)
        stamps = {row.id: row.changed_in for row in session.query(AccountRow)}
    assert after.accounts == before.accounts + 1  # one bump for the import, not one per row
    assert (after.team, after.policy) == (before.team, before.policy)
    assert stamps == {"a1": before.accounts, "a2": after.accounts}


def test_account_deleted_by_hand__is_gone_after_a_full_build(
    seeded: TestClient, database: Database
) -> None:
    seeded.post("/v1/accounts/import", json=[ACME, GLOBEX]).raise_for_status()
    builds = Builds()
    builds.get(database)
    with database.session() as session:
        session.execute(delete(AccountRow).where(AccountRow.id == "a2"))
    seeded.post("/v1/accounts/import", json=[{**ACME, "owner": "carl"}]).raise_for_status()
    config = builds.get(database)
    assert matched(config, "jo@globex.com") is None and config.accounts.get("a1").owner == "carl"
    assert builds.large == 2


def intake_one(database: Database, cache: ConfigCache, n: int) -> str | None:
    body = LeadCreate.model_validate(lead(n))
    ((summary, _),) = intake.store_and_route(
        db=database, cache=cache, intakes=[intake.Intake(body, None, TUESDAY_3PM)]
    )
    return summary.owner


def test_routing__decides_with_the_configuration_current_in_its_turn(
    seeded: TestClient, database: Database
) -> None:
    cache = ConfigCache()
    assert intake_one(database, cache, 0) is not None
    stale = cache.latest()
    for rep in ("ana", "bob", "carl"):  # nobody can take a lead now: all go to the queue
        seeded.patch(f"/v1/reps/{rep}", json={"active": False}).raise_for_status()
    assert cache.latest() is stale  # nothing built it yet
    assert intake_one(database, cache, 1) is None
    assert cache.latest() is not stale and cache.latest().accounts is stale.accounts


@pytest.mark.parametrize("lock", [False, True])
def test_decide__with_the_configuration_moved_builds_it_only_when_locking(
    seeded: TestClient, database: Database, lock: bool
) -> None:
    cache = ConfigCache()
    intake_one(database, cache, 0)
    seeded.patch("/v1/reps/ana", json={"max_per_day": 5}).raise_for_status()
    stored = intake.store(
        db=database,
        intakes=[intake.Intake(LeadCreate.model_validate(lead(1)), None, TUESDAY_3PM)],
    )
    leads = [stored[0][0]]
    stale = cache.latest()

    def decide(connection: Connection) -> list[routing.Routed]:
        return routing.decide(connection, cache, leads, TUESDAY_3PM, cause="new", lock=lock)

    if not lock:  # the turn is given back; the caller builds, out of it, and comes again
        with pytest.raises(routing.ConfigMoved):
            database.write_core(decide)
        assert cache.latest() is stale
    else:  # the attempt that must not lose builds in turn
        (routed,) = database.write_core(decide)
        assert routed.lead_id == leads[0].id
        assert cache.latest() is not stale
        assert cache.latest().team.reps["ana"].max_per_day == 5
