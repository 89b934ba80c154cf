"""Small builders for tests: a team and a policy from inline YAML, a snapshot, a fixed time."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime

from leadrouter.engine import Snapshot
from leadrouter.model import Account, AccountType, RoutingState
from leadrouter.policy import compile_policy, parse_team

# A Tuesday afternoon in UTC: New York and London reps are working, Singapore is not.
TUESDAY_15_UTC = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)

TEAM = """
reps:
  - {id: ana, name: Ana Souza, email: ana@acme.example, timezone: America/New_York,
     working_hours: {mon-fri: "09:00-17:00"}, languages: [en, pt], backup: bob, manager: maya}
  - {id: bob, name: Bob Stone, email: bob@acme.example, timezone: America/New_York,
     working_hours: {mon-fri: "09:00-17:00"}}
  - {id: lea, name: Lea Kurz, email: lea@acme.example, timezone: Europe/Berlin,
     working_hours: {mon-fri: "08:00-18:00"}, languages: [de, en]}
  - {id: sam, name: Sam Tan, email: sam@acme.example, timezone: Asia/Singapore,
     working_hours: {mon-fri: "09:00-17:00"}}
  - {id: maya, name: Maya Roy, email: maya@acme.example, timezone: America/New_York}
  - {id: otto, name: Otto Away, email: otto@acme.example, backup: bob,
     out_of_office: [{from: 2026-11-20, to: 2026-12-01, note: vacation}]}
pools:
  - {id: na, name: North America, strategy: round_robin, members: [ana, bob]}
  - {id: global, name: Follow the sun, strategy: round_robin, members: [ana, lea, sam]}
  - {id: apac, name: APAC, members: [sam], when_full: queue unrouted}
queues:
  - {id: unrouted, name: Unrouted leads, fallback: true}
  - {id: nurture, name: Nurture}
  - {id: deal_desk, name: Deal desk}
"""

POLICY = """
version: "t-1"
name: Test policy
mql_threshold: 40
fallback_queue: unrouted
fields: {estimated_value: number}
sets:
  EMEA: [DE, FR, GB, "Netherlands"]
scoring:
  fit:
    - {when: employees >= 1000, points: 30, label: Enterprise}
  behavior:
    - {when: form == "demo_request", points: 40}
rules:
  - id: customer
    when: account.matched and account.type == "customer"
    route: account owner
    otherwise: backup
  - id: big-deal
    when: estimated_value >= 50000
    route: review deal_desk
  - id: nurture
    when: not mql
    route: nurture nurture
  - id: emea
    when: country in EMEA
    route: rep lea
  - id: apac
    when: country in [SG, JP]
    route: pool apac
  - id: north-america
    when: country in [US, CA]
    route: pool na
  - id: catch-all
    route: pool global
"""


def dedent(text: str) -> str:
    return textwrap.dedent(text).strip() + "\n"


def snapshot(
    policy: str = POLICY,
    team: str = TEAM,
    *,
    accounts: list[Account] | None = None,
    state: RoutingState | None = None,
) -> Snapshot:
    from leadrouter.matching import AccountIndex

    built_team = parse_team(dedent(team), "team.yaml")
    built = compile_policy(dedent(policy), "policy.yaml", built_team)
    return Snapshot(
        policy=built,
        team=built_team,
        accounts=AccountIndex.build(accounts) if accounts else None,
        state=state or RoutingState(),
    )


def account_book() -> list[Account]:
    """Accounts that leads from `person{n}@company{n}.com` at `Company {n} Labs|Systems` match
    every way: strongly, in the grey zone, tied (5), by domain against the name, with a parent
    and a runner-up, or not at all (n > 5 by name, n > 4 by domain)."""
    customer = AccountType.CUSTOMER
    return [
        Account("acc-0", "Company 0 Holdings", ("company0.com",), "US", "ana", type=customer),
        Account("acc-1", "Company 1", ("company1.com",), "DE", "lea", "acc-0", customer),
        Account("acc-2", "Company 2 Systems", (), "FR", "otto", type=customer),
        Account("acc-3", "Company 3 Systems", ("company3.com",), "US"),
        Account("acc-3b", "Company Three Systems", (), "CA", aliases=("Company 3",)),
        Account("acc-4", "Company 4", ("company4.com",), "US", "bob", type=customer),
        Account("acc-5", "Company 5 Labs", (), "US", "ana", type=customer),
        Account("acc-5b", "Company 5 Labs", (), "US", "bob", type=customer),
    ]
