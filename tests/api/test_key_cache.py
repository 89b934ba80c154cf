"""The verified-key cache: entries last `ttl` seconds, only known keys are kept, size bounded."""

from __future__ import annotations

from leadrouter.keys.cache import VerifiedKeys
from leadrouter.keys.schemas import Scope
from leadrouter.keys.service import Principal

CRM = Principal("crm", frozenset({Scope.LEADS_READ}))


class Ticks:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_entry__lasts_ttl_seconds() -> None:
    ticks = Ticks()
    keys = VerifiedKeys(5, clock=ticks)
    keys.put("lr_a", CRM)
    ticks.now += 4.9
    assert keys.get("lr_a") == CRM
    ticks.now += 0.1
    assert keys.get("lr_a") is None


def test_zero_ttl__caches_nothing() -> None:
    keys = VerifiedKeys(0, clock=Ticks())
    keys.put("lr_a", CRM)
    assert keys.get("lr_a") is None


def test_full_cache__starts_over() -> None:
    keys = VerifiedKeys(5, size=2, clock=Ticks())
    keys.put("lr_a", CRM)
    keys.put("lr_b", CRM)
    keys.put("lr_c", CRM)
    assert (keys.get("lr_a"), keys.get("lr_b"), keys.get("lr_c")) == (None, None, CRM)


def test_forget_all__drops_every_entry() -> None:
    keys = VerifiedKeys(5, clock=Ticks())
    keys.put("lr_a", CRM)
    keys.forget_all()
    assert keys.get("lr_a") is None
