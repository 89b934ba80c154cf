"""A small team and policy for API tests, loaded through the same services the API uses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from leadrouter.policies import service as policies
from leadrouter.pools import service as pools
from leadrouter.pools.schemas import PoolCreate
from leadrouter.queues import service as queues
from leadrouter.queues.schemas import QueueCreate
from leadrouter.reps import service as reps
from leadrouter.reps.schemas import RepCreate

REPS = ("ana", "bob", "carl")

POLICY = """\
version: "t1"
name: Test routing
fallback_queue: unrouted
rules:
  - id: big
    when: employees >= 1000
    route: review deal_desk
  - id: smb
    when: email is present
    route: pool smb
  - id: catch-all
    route: queue unrouted
"""

# The same policy, except that big companies go to Ana instead of the deal desk.
POLICY_V2 = POLICY.replace('"t1"', '"t2"').replace("review deal_desk", "rep ana")


def seed(session: Session, now: datetime, *, activate: bool = True) -> None:
    """The team and POLICY, uploaded and (unless not `activate`) activated."""
    for rep_id in REPS:
        reps.create(
            session=session,
            rep_in=RepCreate(id=rep_id, name=rep_id.title(), email=f"{rep_id}@acme.example"),
            actor="test",
            now=now,
        )
    for queue_id, fallback in (("unrouted", True), ("deal_desk", False)):
        queues.create(
            session=session,
            queue_in=QueueCreate(id=queue_id, name=queue_id, fallback=fallback),
            actor="test",
            now=now,
        )
    pools.create(
        session=session,
        pool_in=PoolCreate(id="smb", name="SMB", members=list(REPS)),
        actor="test",
        now=now,
    )
    policies.upload(session=session, text=POLICY, actor="test", now=now)
    if activate:
        policies.activate(session=session, version="t1", actor="test", now=now)


def lead(n: int = 0, **fields: Any) -> dict[str, Any]:
    """An intake body for a small company's lead, numbered so that leads differ."""
    body = {"email": f"person{n}@company{n}.com", "company": f"Company {n}", "employees": "50"}
    body.update(fields)
    return {"lead": body}
