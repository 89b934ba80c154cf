"""What a caller may do: the scopes an API key (or, later, a signed-in person) holds, and the
Principal every authenticated request carries. Plumbing that the `keys` domain and every router
import; it imports no domain.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Scope(StrEnum):
    LEADS_READ = "leads:read"
    LEADS_WRITE = "leads:write"  # post leads, touches and outcomes (implies leads:read)
    CONFIG_READ = "config:read"
    CONFIG_WRITE = "config:write"  # reps, pools, queues, accounts, policies (implies config:read)
    METRICS_READ = "metrics:read"  # scrape /metrics (for Prometheus: nothing else)
    ADMIN = "admin"  # everything, including keys and the audit log


# A scope also grants the ones listed here.
IMPLIED: dict[Scope, frozenset[Scope]] = {
    Scope.LEADS_WRITE: frozenset({Scope.LEADS_READ}),
    Scope.CONFIG_WRITE: frozenset({Scope.CONFIG_READ}),
    Scope.ADMIN: frozenset(Scope),
}


def granted(scopes: Iterable[Scope]) -> frozenset[Scope]:
    """`scopes` with the ones each of them implies: what a key or a user's role may do."""
    held = set(scopes)
    for scope in list(held):
        held |= IMPLIED.get(scope, frozenset())
    return frozenset(held)


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the key's name (recorded in the audit log) and what it may do."""

    name: str
    scopes: frozenset[Scope]

    def can(self, scope: Scope) -> bool:
        return scope in self.scopes
