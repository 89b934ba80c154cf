"""What a set of scopes grants: each scope with the ones it implies (one level, as listed)."""

from __future__ import annotations

from leadrouter.api.scopes import Scope, granted


def test_granted__adds_each_write_scope_its_read_scope() -> None:
    held = granted([Scope.LEADS_WRITE, Scope.CONFIG_READ])
    assert held == {Scope.LEADS_WRITE, Scope.LEADS_READ, Scope.CONFIG_READ}


def test_granted__admin_holds_every_scope() -> None:
    assert granted([Scope.ADMIN]) == frozenset(Scope)


def test_granted__no_scopes_grant_nothing() -> None:
    assert granted([]) == frozenset()
