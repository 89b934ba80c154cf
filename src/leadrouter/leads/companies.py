"""The net-new companies routing has given a rep (policy `net_new_companies:`), as stored.

A table of domain -> (rep, when): routing reads the rows of its batch's company domains in its
turn and writes back the ones its decisions claimed, on both databases. Nothing committed here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import Connection, String, select
from sqlalchemy.orm import Mapped, mapped_column

from leadrouter.model import CompanyClaim
from leadrouter.store import Base


class CompanyClaimRow(Base):
    __tablename__ = "company_claims"

    domain: Mapped[str] = mapped_column(String(253), primary_key=True)
    rep_id: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime]


_TABLE = CompanyClaimRow.__table__


def read_claims(connection: Connection, domains: Iterable[str]) -> dict[str, CompanyClaim]:
    """The stored claims of `domains`."""
    wanted = sorted(set(domains))
    if not wanted:
        return {}
    rows = connection.execute(
        select(_TABLE.c.domain, _TABLE.c.rep_id, _TABLE.c.at).where(_TABLE.c.domain.in_(wanted))
    )
    return {domain: CompanyClaim(rep, at) for domain, rep, at in rows}


def write_claims(connection: Connection, claims: Mapping[str, CompanyClaim]) -> None:
    """Store `claims`, replacing the earlier claim of each domain."""
    if not claims:
        return
    domains = sorted(claims)
    connection.execute(_TABLE.delete().where(_TABLE.c.domain.in_(domains)))
    connection.execute(
        _TABLE.insert(),
        [{"domain": d, "rep_id": claims[d].rep, "at": claims[d].at} for d in domains],
    )
