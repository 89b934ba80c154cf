"""The Work queues page and its buttons: the fallback queue, the manual-review queue and the SLA
at-risk and breached lists; assign one lead or many, confirm a rep who is unavailable, undo for a
minute, reroute.

A button's answer lands where it was clicked: an error or a question (confirm an unavailable
rep) fills the row's message cell and keeps its controls; a success replaces the row (the
`HX-Retarget` header) with what happened and an Undo button. Changes go through `actions` and
`leads.placement`, which audit them under the signed-in person's name.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse

from leadrouter.api.auth import Services, Svc
from leadrouter.dashboard import actions, worklists
from leadrouter.dashboard.sessions import SignedIn
from leadrouter.dashboard.web import (
    LeadsReadPage,
    LeadsWriteAction,
    SecureRoute,
    action_result,
    csv_response,
    page,
    templates,
)
from leadrouter.dashboard.worklists import TITLES, Worklist
from leadrouter.errors import LeadRouterError
from leadrouter.keys.schemas import Scope
from leadrouter.leads import placement
from leadrouter.reports.summary import DEFAULT_SLA

router = APIRouter(tags=["dashboard"], include_in_schema=False, route_class=SecureRoute)


@router.get("/queue", response_class=HTMLResponse)
def queue(
    request: Request,
    svc: Svc,
    who: LeadsReadPage,
    list: str = "fallback",
    format: str = "",
) -> Response:
    which = Worklist(list) if list in set(Worklist) else Worklist.FALLBACK
    now = svc.clock.now()
    with svc.db.read() as session:
        items = worklists.worklist(session, which, now, DEFAULT_SLA)
        sizes = worklists.counts(session, now, DEFAULT_SLA)
        reps = worklists.candidates(session, now)
    if format == "csv":
        rows = (
            (
                i.id,
                i.email,
                i.company,
                i.where,
                i.received_at.isoformat(),
                round(i.wait),
                i.due.isoformat() if i.due else "",
                "; ".join(i.why),
            )
            for i in items
        )
        return csv_response(f"{which.value}.csv", worklists.CSV_HEADER, rows)
    return page(
        request,
        who,
        "queue.html",
        which=which,
        titles=TITLES,
        sizes=sizes,
        items=items,
        reps=reps,
        limit=worklists.LIST_LIMIT,
        can_write=who.principal.can(Scope.LEADS_WRITE),
    )


def _assigned(request: Request, done: actions.Assigned) -> Response:
    answer = action_result(
        request,
        f"{done.lead_id} assigned to {done.rep_id} ({done.rep_name}), from {done.came_from}.",
        lead_id=done.lead_id,
        undo=True,
    )
    return _replacing_row(answer, done.lead_id)


def _replacing_row(answer: Response, lead_id: str) -> Response:
    """A success's answer, set to replace the lead's whole row rather than its message cell."""
    answer.headers["HX-Retarget"] = f"#lead-{lead_id}"
    answer.headers["HX-Reswap"] = "outerHTML"
    return answer


@router.post("/queue/{lead_id}/assign", response_class=HTMLResponse)
def assign(
    request: Request,
    lead_id: str,
    svc: Svc,
    who: LeadsWriteAction,
    rep: Annotated[str, Form()] = "",
    confirm: Annotated[str, Form()] = "",
    owner: Annotated[str, Form()] = "",
) -> Response:
    """Assign one lead; `owner`: the rep the page showed it with (an SLA list's reassign)."""
    try:
        done = _assign(svc, who, lead_id, rep, confirm, owner, svc.clock.now())
    except actions.NeedsConfirmation as question:
        return action_result(
            request, str(question), 409, confirm=question, lead_id=lead_id, owner=owner, inline=True
        )
    except LeadRouterError as error:
        return action_result(request, str(error), 409, inline=True)
    return _assigned(request, done)


def _assign(
    svc: Services,
    who: SignedIn,
    lead_id: str,
    rep: str,
    confirm: str,
    owner: str,
    now: datetime,
) -> actions.Assigned:
    """Give a lead to `rep` (in a transaction of its own) as a form asked: `confirm` "yes" for an
    unavailable rep, `owner` the rep the page showed it with (an SLA list's reassign)."""
    return svc.db.write(
        lambda session: actions.assign_lead(
            session,
            lead_id=lead_id,
            rep_id=rep,
            now=now,
            actor=who.principal.name,
            confirmed=confirm == "yes",
            from_owner=owner or None,
        )
    )


@router.post("/queue/{lead_id}/undo", response_class=HTMLResponse)
def undo(request: Request, lead_id: str, svc: Svc, who: LeadsWriteAction) -> Response:
    try:
        back = actions.undo(
            db=svc.db, lead_id=lead_id, now=svc.clock.now(), actor=who.principal.name
        )
    except LeadRouterError as error:
        return action_result(request, str(error), 409, lead_id=lead_id)
    return action_result(request, f"Undone: {lead_id} is back in {back}.", lead_id=lead_id)


@router.post("/queue/bulk", response_class=HTMLResponse)
def bulk(
    request: Request,
    svc: Svc,
    who: LeadsWriteAction,
    lead: Annotated[list[str] | None, Form()] = None,
    rep: Annotated[str, Form()] = "",
    confirm: Annotated[str, Form()] = "",
) -> Response:
    """Assign every ticked lead to one rep, each in its own transaction: one lead taken by a
    colleague meanwhile does not stop the others."""
    chosen = lead or []
    if not chosen:
        return action_result(request, "Tick the leads to assign first.", 409, inline=True)
    now = svc.clock.now()
    done, failed = [], []
    for ticked in chosen:
        # An SLA list's box carries the rep the page showed the lead with: "lead|rep".
        lead_id, _, owner = ticked.partition("|")
        if owner == rep:
            continue  # already theirs
        try:
            done.append(_assign(svc, who, lead_id, rep, confirm, owner, now))
        except actions.NeedsConfirmation as question:
            return action_result(request, str(question), 409, bulk_confirm=question, inline=True)
        except LeadRouterError as error:
            failed.append(str(error))
    return templates.TemplateResponse(request, "bulk_result.html", {"done": done, "failed": failed})


@router.post("/queue/{lead_id}/reroute", response_class=HTMLResponse)
def reroute(request: Request, lead_id: str, svc: Svc, who: LeadsWriteAction) -> Response:
    try:
        result = placement.reroute(
            db=svc.db,
            cache=svc.cache,
            lead_id=lead_id,
            now=svc.clock.now(),
            actor=who.principal.name,
        )
    except LeadRouterError as error:
        return action_result(request, str(error), 409, inline=True)
    where = result.owner or f"{result.kind} {result.queue}"
    answer = action_result(request, f"{lead_id} rerouted: now {where}.", lead_id=lead_id)
    return _replacing_row(answer, lead_id)
