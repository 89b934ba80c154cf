"""HTTP routes for leads: intake and routing, reads, reroute, touches, outcome. Thin: parse,
call `leads.service`, `leads.intake`, `leads.placement`, shape the answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status
from sqlalchemy.orm import Session

from leadrouter.api.auth import LeadsRead, LeadsWrite, Svc
from leadrouter.api.limits import PathKey
from leadrouter.leads import handoffs, intake, manual, placement, service
from leadrouter.leads.schemas import (
    AssignCreate,
    ChangeRead,
    DecisionRead,
    DecisionSummary,
    HandoffRead,
    LeadChange,
    LeadCreate,
    LeadRead,
    OutcomeCreate,
    StageCreate,
    TouchCreate,
    TouchRead,
)

router = APIRouter(prefix="/v1/leads", tags=["leads"])
IDEMPOTENCY_KEY_MAX = 200


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=DecisionSummary,
    responses={
        200: {"description": "a retry: the lead and decision stored before"},
        202: {
            "model": intake.Held,
            "description": "stored, not routed: no policy is active; routed once one is",
        },
    },
)
async def post_lead(
    lead_in: LeadCreate,
    svc: Svc,
    _: LeadsWrite,
    idempotency_key: Annotated[
        str | None, Header(min_length=1, max_length=IDEMPOTENCY_KEY_MAX)
    ] = None,
) -> Response:
    """Store the lead, route it, and answer with the decision (owner or queue, rule, why)."""
    # Most requests never reach here: `leads/lane.py` answers them the same way, with less CPU.
    # Async: the request waits on the event loop and its batch runs in one worker thread.
    decision, created = await svc.intake.submit(
        intake.Intake(lead_in, idempotency_key, svc.clock.now())
    )
    return answer(decision, created)


def answer(decision: intake.Answer, created: bool) -> Response:
    """The answer to an intake: 201 for a new lead, 200 for a retry, the decision as JSON; 202
    for a lead held while no policy is active."""
    # Encoded here: the summary was just built and validated, and FastAPI would validate it
    # again and encode it twice over on the hot path.
    if isinstance(decision, intake.Held):
        code = status.HTTP_202_ACCEPTED
    else:
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return Response(
        decision.model_dump_json(),
        status_code=code,
        headers={"Location": f"/v1/leads/{decision.lead_id}"},
        media_type="application/json",
    )


@router.get("/waiting")
def get_waiting(
    svc: Svc,
    _: LeadsRead,
    limit: Annotated[int, Query(ge=1, le=1000, description="at most this many")] = 100,
) -> list[intake.Held]:
    """Leads stored and not routed yet, oldest first: held while no policy is active, or left
    behind by a failed intake until the worker's sweep routes them."""
    with svc.db.read() as session:
        return intake.waiting(session=session, limit=limit)


@router.get("/{lead_id}")
def get_lead(lead_id: PathKey, svc: Svc, _: LeadsRead) -> LeadRead:
    with svc.db.read() as session:
        return service.read(session=session, lead_id=lead_id)


@router.get("/{lead_id}/decision")
def get_decision(lead_id: PathKey, svc: Svc, _: LeadsRead) -> DecisionRead:
    """The current decision with its full trace: why the lead went where it did."""
    with svc.db.read() as session:
        return service.current_decision(session=session, lead_id=lead_id)


@router.get("/{lead_id}/decisions")
def get_decisions(lead_id: PathKey, svc: Svc, _: LeadsRead) -> list[DecisionRead]:
    """Every decision for the lead, oldest first (reroutes append)."""
    with svc.db.read() as session:
        return service.decisions(session=session, lead_id=lead_id)


@router.patch("/{lead_id}")
def patch_lead(lead_id: PathKey, change: LeadChange, svc: Svc, who: LeadsWrite) -> ChangeRead:
    """Change some of the lead's fields; a lead waiting in a queue or nurture is routed again (a
    new decision on its timeline), a lead a rep owns keeps its owner."""
    return placement.change(
        db=svc.db,
        cache=svc.cache,
        lead_id=lead_id,
        changes=change.lead,
        now=svc.clock.now(),
        actor=who.name,
    )


@router.post("/{lead_id}/stage")
def post_stage(lead_id: PathKey, stage_in: StageCreate, svc: Svc, who: LeadsWrite) -> HandoffRead:
    """A stage change (`meeting_booked`, `qualified`): the policy's hand-off for the stage routes
    the lead to the next role (an AE), keeping its owner in the previous role (the SDR); 409
    when the policy has no hand-off on the stage or the lead was handed off on it already."""
    return handoffs.hand_off(
        db=svc.db,
        cache=svc.cache,
        lead_id=lead_id,
        stage=stage_in.stage,
        now=svc.clock.now(),
        actor=who.name,
    )


@router.post("/{lead_id}/reroute")
def reroute(lead_id: PathKey, svc: Svc, who: LeadsWrite) -> DecisionSummary:
    return placement.reroute(
        db=svc.db, cache=svc.cache, lead_id=lead_id, now=svc.clock.now(), actor=who.name
    )


@router.post("/{lead_id}/assign")
def assign(lead_id: PathKey, assign_in: AssignCreate, svc: Svc, who: LeadsWrite) -> LeadRead:
    """Give a lead waiting in a fallback or manual-review queue to a rep by hand (or, with
    `from_owner`, take it from that rep); 409 when it moved meanwhile (saying who has it) or
    when the rep is unavailable and `confirm` is not set. Audited; a decision records it."""
    now = svc.clock.now()

    def work(session: Session) -> LeadRead:
        manual.assign_lead(
            session,
            lead_id=lead_id,
            rep_id=assign_in.rep,
            now=now,
            actor=who.name,
            confirmed=assign_in.confirm,
            from_owner=assign_in.from_owner,
        )
        return service.read(session=session, lead_id=lead_id)

    return svc.db.write(work)


@router.post("/{lead_id}/touches", status_code=status.HTTP_201_CREATED)
def post_touch(lead_id: PathKey, touch_in: TouchCreate, svc: Svc, _: LeadsWrite) -> TouchRead:
    """A rep's call, email or meeting with the lead."""
    now = svc.clock.now()
    with svc.db.session() as session:
        row = service.add_touch(session=session, lead_id=lead_id, touch_in=touch_in, now=now)
        return TouchRead.model_validate(row)


@router.post("/{lead_id}/outcome")
def post_outcome(lead_id: PathKey, outcome_in: OutcomeCreate, svc: Svc, _: LeadsWrite) -> LeadRead:
    """Qualified, opportunity, won or lost (with an amount): what the lead became."""
    now = svc.clock.now()
    return svc.db.write(
        lambda session: service.set_outcome(
            session=session, lead_id=lead_id, outcome_in=outcome_in, now=now
        )
    )
