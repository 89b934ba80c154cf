"""Running a policy's own test cases (`tests:` in policy.yaml) like unit tests.

Each case routes its lead through the real engine, against the workspace's team and accounts,
with fresh rotation state, at the case's time, and compares the decision with what the case
expects. Pure apart from the workspace it is given.
"""

from __future__ import annotations

from dataclasses import dataclass

from leadrouter.engine import Snapshot, route
from leadrouter.model import Decision
from leadrouter.policy.compiled import PolicyTest


@dataclass(frozen=True, slots=True)
class CaseResult:
    case: PolicyTest
    decision: Decision
    failures: tuple[str, ...]  # one sentence per expectation not met

    @property
    def passed(self) -> bool:
        return not self.failures


def actual(decision: Decision, key: str) -> str | None:
    """The decision's value for an expectation key (rule, kind, owner, queue, pool)."""
    value = {
        "rule": decision.rule,
        "kind": decision.kind.value,
        "owner": decision.owner,
        "queue": decision.queue,
        "pool": decision.pool,
    }[key]
    return value


def run_case(case: PolicyTest, snapshot: Snapshot) -> CaseResult:
    decision = route(case.lead, snapshot, case.at, lead_id=f"test:{case.name}")
    failures = tuple(
        f"expected {key} {want!r}, got {got!r}"
        for key, want in case.expect.items()
        if (got := actual(decision, key)) != want
    )
    return CaseResult(case, decision, failures)


def run_cases(snapshot: Snapshot) -> list[CaseResult]:
    """Run every test case of the snapshot's policy, in file order."""
    return [run_case(case, snapshot) for case in snapshot.policy.tests]
