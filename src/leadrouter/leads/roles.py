"""A lead's owners per role (`sdr`, `ae`, ...): who held it in each role, kept when a hand-off
moves it on (`leads/handoffs.py`). The lead row's `owner` stays its current owner."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from leadrouter.store import Base


class LeadRoleRow(Base):
    __tablename__ = "lead_roles"

    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(40), primary_key=True)
    rep: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[datetime]
    decision_id: Mapped[int | None]  # the decision that gave the lead to this role's owner


def owners(session: Session, lead_id: str) -> dict[str, str | None]:
    """The lead's owner in each role, by role."""
    rows = session.scalars(select(LeadRoleRow).where(LeadRoleRow.lead_id == lead_id))
    return {row.role: row.rep for row in rows}


def set_owner(
    session: Session,
    lead_id: str,
    role: str,
    rep: str | None,
    at: datetime,
    decision_id: int | None,
) -> None:
    """Record `rep` as the lead's owner in `role` (replacing an earlier one). Nothing committed."""
    row = session.get(LeadRoleRow, (lead_id, role))
    if row is None:
        session.add(
            LeadRoleRow(lead_id=lead_id, role=role, rep=rep, at=at, decision_id=decision_id)
        )
    else:
        row.rep, row.at, row.decision_id = rep, at, decision_id
    session.flush()
