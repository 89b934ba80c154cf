"""Accounts and the result of matching a lead to one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from leadrouter.model.frozen import quick_init


class AccountType(StrEnum):
    CUSTOMER = "customer"
    PROSPECT = "prospect"
    PARTNER = "partner"
    OTHER = "other"


@quick_init
@dataclass(frozen=True, slots=True)
class Account:
    id: str
    name: str
    domains: tuple[str, ...] = ()
    country: str | None = None
    owner: str | None = None
    parent: str | None = None
    type: AccountType = AccountType.PROSPECT
    segment: str | None = None
    aliases: tuple[str, ...] = ()
    phone: str | None = None
    last_activity: datetime | None = None
    # Firmographics from the account book, normalized as a lead's fields are: what enrichment
    # fills in a lead that lacks them (`enrichment.py`).
    employees: float | None = None
    industry: str | None = None


@quick_init
@dataclass(frozen=True, slots=True)
class AccountMatch:
    """The account a lead was matched to, how sure we are, and why."""

    account: Account
    confidence: float  # 0..1
    method: str  # "domain", "name", "name+domain", ...
    reason: str
    strong: bool  # above the strong threshold: the lead joins the account
    ultimate_parent: Account | None = None
    runner_up: Account | None = None
