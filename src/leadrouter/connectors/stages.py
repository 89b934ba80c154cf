"""A stage change arriving from a CRM (HubSpot `lifecyclestage` or `hs_lead_status`, a Salesforce
Lead's `Status`) hands the lead off: crm.yaml's `stages:` maps the CRM's value to a hand-off
stage, and the hand-off is the one `POST /v1/leads/{id}/stage` runs (`leads/handoffs.py`), so the
chain lands on the lead's timeline the same way, with the CRM and its value as the actor.

A CRM delivers at least once and sends a record again whenever anything on it changes, its stage
unchanged: a lead already handed off on the stage is answered as such (`already: true`), never a
second hand-off and never an error. A value crm.yaml does not map is ignored with a note.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from leadrouter.connectors.intake import known
from leadrouter.connectors.overrides import record_owner_change
from leadrouter.connectors.writeback import external_id
from leadrouter.errors import Conflict
from leadrouter.leads import roles
from leadrouter.leads.handoffs import hand_off
from leadrouter.leads.models import LeadRow
from leadrouter.policies.snapshot import ConfigCache
from leadrouter.policy.crm import CrmSide
from leadrouter.store import Database


@dataclass(frozen=True, slots=True)
class StageChange:
    """What a CRM record's stage value did: a hand-off, one done before, or nothing (why)."""

    record: str
    lead_id: str | None = None
    stage: str | None = None
    handoff: dict[str, Any] | None = None
    already: bool = False
    note: str | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"record": self.record, "lead_id": self.lead_id}
        if self.stage is not None:
            found |= {"stage": self.stage, "already": self.already}
        if self.handoff is not None:
            found["handoff"] = self.handoff
        found |= {k: v for k, v in (("note", self.note), ("error", self.error)) if v}
        return found


def _handed_off(db: Database, cache: ConfigCache, lead_id: str, stage: str) -> str | None:
    """The role the lead was handed to on `stage`, when it was; else None."""
    with db.read() as session:
        policy = cache.get(session).policy
        handoff = policy.handoffs.get(stage) if policy is not None else None
        if handoff is None:
            return None
        held = roles.owners(session, lead_id)
        return handoff.to_role if handoff.to_role in held else None


def change_stage(
    *,
    db: Database,
    cache: ConfigCache,
    side: CrmSide,
    record: str,
    value: object,
    now: datetime,
) -> StageChange:
    """Hand the CRM record's lead off on the stage its `stage_property` value maps to."""
    stage = side.stage_of(value)
    if stage is None:
        return StageChange(
            record, note=f"ignored: {side.stage_property} '{value}' maps to no stage in crm.yaml"
        )
    with db.read() as session:
        external = external_id(side.crm, record)
        lead_id = session.scalar(select(LeadRow.id).where(LeadRow.external_id == external))
    if lead_id is None:
        return StageChange(record, stage=stage, note="ignored: not a lead leadrouter took in")
    actor = f"{side.crm} {side.stage_property}={value}"[:200]
    try:
        done = hand_off(db=db, cache=cache, lead_id=lead_id, stage=stage, now=now, actor=actor)
    except Conflict as error:
        role = _handed_off(db, cache, lead_id, stage)
        if role is not None:  # the CRM sent the stage again: the hand-off stands
            note = f"handed off on stage '{stage}' already (to its {role})"
            return StageChange(record, lead_id, stage, already=True, note=note)
        return StageChange(record, lead_id, stage, error=str(error))
    return StageChange(record, lead_id, stage, handoff=done.model_dump(mode="json"))


def record_again(
    *, db: Database, cache: ConfigCache, side: CrmSide, record: Mapping[str, Any], now: datetime
) -> dict[str, Any]:
    """A record taken in before, sent again (a Salesforce Flow on update, a poll): an owner
    changed by hand is an override, a stage crm.yaml maps hands the lead off; else its lead as
    it stands."""
    record_id = str(record["Id"])
    seen = known(db, external_id(side.crm, record_id))
    found: dict[str, Any] = {"record": record_id, "lead_id": seen.lead_id if seen else None}
    notes: list[str] = []
    owner = record.get(side.owner_property)
    if isinstance(owner, str) and db.write(
        lambda s: record_owner_change(s, side, record_id, owner, now)
    ):
        notes.append("override recorded")
    value = record.get(side.stage_property)
    if side.stages and value is not None:
        changed = change_stage(
            db=db, cache=cache, side=side, record=record_id, value=value, now=now
        )
        if changed.stage is not None:  # a value mapping to no stage (Open, Working) says nothing
            found |= changed.to_dict()
            notes += [changed.note] if changed.note else []
    if notes:
        found["note"] = "; ".join(notes)
    if "stage" not in found and not notes and seen is not None:
        found |= {"created": False, "decision": seen.model_dump(mode="json")}
    return found
