"""The team admin pages: a rep's page (their leads, load against capacity, SLA record, upcoming
absence) with the form that edits them, and the pools and queues page.

Every change goes through the domain services (`reps`, `pools`, `queues`), which validate it as
the API would, write the audit log under the signed-in person's name and bump the config version
so routing picks it up at once. Forms post without script (a redirect after success); what the
services refuse comes back inline next to the field it concerns, with what was typed kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from leadrouter.api.auth import Svc
from leadrouter.api.patch import invalid
from leadrouter.dashboard import roster
from leadrouter.dashboard.team_forms import (
    FormErrors,
    QueueForm,
    RepForm,
    field_errors,
    hours_text,
)
from leadrouter.dashboard.team_forms import rep_changes as read_rep_form
from leadrouter.dashboard.web import (
    ConfigReadPage,
    ConfigWriteAction,
    SecureRoute,
    Viewer,
    admit_action,
    fresh,
    page,
)
from leadrouter.errors import LeadRouterError, LeadValidationError
from leadrouter.keys.schemas import Scope
from leadrouter.pools import service as pools
from leadrouter.pools.models import PoolRow
from leadrouter.pools.schemas import PoolUpdate
from leadrouter.queues import service as queues
from leadrouter.queues.schemas import QueueCreate, QueueUpdate
from leadrouter.reports.summary import DEFAULT_SLA
from leadrouter.reps import service as reps
from leadrouter.reps.schemas import RepCreate, RepUpdate
from leadrouter.store.rows import as_json

router = APIRouter(tags=["dashboard"], include_in_schema=False, route_class=SecureRoute)
REP_FIELDS = (
    "name",
    "email",
    "timezone",
    "active",
    "max_open",
    "max_per_day",
    "skills",
    "languages",
    "working_hours",
    "out_of_office",
    "pools",
)


def _rep_view(
    request: Request,
    svc: Svc,
    who: Any,
    rep_id: str,
    *,
    errors: dict[str, str] | None = None,
    typed: RepForm | None = None,
    saved: bool = False,
) -> Response:
    """A rep's page; after a refused change, with `errors` beside the fields and the form as
    `typed`."""
    fresh(svc)
    with svc.db.read() as session:
        data = roster.rep_page(session, rep_id, svc.clock.now(), DEFAULT_SLA)
    if data is None:
        return page(request, who, "not_found.html", 404, missing=f"rep {rep_id}")
    shown = {
        **data.rep,
        "hours": hours_text(data.rep["working_hours"]),
        "skills": ", ".join(data.rep["skills"]),
        "languages": ", ".join(data.rep["languages"]),
        **(typed.as_typed() if typed else {}),
    }
    return page(
        request,
        who,
        "rep.html",
        422 if errors else 200,
        data=data,
        form=shown,
        errors=errors or {},
        saved=saved,
        can_edit=who.principal.can(Scope.CONFIG_WRITE),
    )


@router.get("/reps/{rep_id}", response_class=HTMLResponse)
def rep(request: Request, rep_id: str, svc: Svc, who: ConfigReadPage, saved: str = "") -> Response:
    return _rep_view(request, svc, who, rep_id, saved=bool(saved))


@router.post("/reps/{rep_id}", response_class=HTMLResponse)
def edit_rep(
    request: Request,
    rep_id: str,
    svc: Svc,
    who: ConfigWriteAction,
    form: Annotated[RepForm, Form()],
) -> Response:
    weights = {
        key.removeprefix("weight:"): value
        for key, value in (await_form(request)).items()
        if key.startswith("weight:")
    }
    now, actor = svc.clock.now(), who.principal.name

    def work(session: Session) -> None:
        row = reps.get_or_raise(session=session, rep_id=rep_id)
        values = read_rep_form(form, row.out_of_office)
        current = as_json(row)
        try:
            typed_rep = RepCreate.model_validate({**current, **values}).model_dump(mode="json")
            # Only what differs, so the audit log says what this person changed.
            changed = {k: values[k] for k in values if typed_rep[k] != current[k]}
            change = RepUpdate.model_validate(changed)
        except ValidationError as error:
            raise invalid(error) from error
        reps.update(session=session, rep_id=rep_id, rep_in=change, actor=actor, now=now)
        _set_pools(session, rep_id, set(form.pool), weights, actor, now)

    try:
        svc.db.write(work)
    except FormErrors as error:
        return _rep_view(request, svc, who, rep_id, errors=error.errors, typed=form)
    except LeadValidationError as error:
        problems = field_errors(error, REP_FIELDS)
        return _rep_view(request, svc, who, rep_id, errors=problems, typed=form)
    except LeadRouterError as error:
        return _rep_view(request, svc, who, rep_id, errors={"_": str(error)}, typed=form)
    return RedirectResponse(f"/reps/{rep_id}?saved=1", status_code=303)


def await_form(request: Request) -> dict[str, str]:
    """The form fields FastAPI already parsed (the weights' names depend on the pools)."""
    form = getattr(request, "_form", None)
    return {k: v for k, v in form.items() if isinstance(v, str)} if form is not None else {}


def _set_pools(
    session: Session,
    rep_id: str,
    wanted: set[str],
    weights: dict[str, str],
    actor: str,
    now: Any,
) -> None:
    """Put the rep in the pools of `wanted` (with their weights) and out of the others, each
    pool changed through its service; a problem names the pool."""
    for row in pools.list_(session=session):
        members = list(row.members)
        new_weights = dict(row.weights)
        if row.id in wanted and rep_id not in members:
            members.append(rep_id)
        if row.id not in wanted and rep_id in members:
            members.remove(rep_id)
            new_weights.pop(rep_id, None)
        typed = weights.get(row.id, "").strip()
        if row.id in wanted and row.strategy != "round_robin" and typed:
            try:
                new_weights[rep_id] = int(typed)
            except ValueError:
                raise FormErrors({"pools": f"pool {row.id}: a weight is a whole number"}) from None
        if members == list(row.members) and new_weights == dict(row.weights):
            continue
        try:
            change = PoolUpdate.model_validate({"members": members, "weights": new_weights})
            pools.update(session=session, pool_id=row.id, pool_in=change, actor=actor, now=now)
        except ValidationError as error:
            problem = invalid(error).problems[0]
            raise FormErrors({"pools": f"pool {row.id}: {problem.message}"}) from None
        except LeadValidationError as error:
            raise FormErrors({"pools": f"pool {row.id}: {error.problems[0].message}"}) from None


def _team_view(
    request: Request, svc: Svc, who: Any, *, errors: dict[str, dict[str, str]] | None = None
) -> Response:
    with svc.db.read() as session:
        data = roster.team_page(session)
    return page(
        request,
        who,
        "team.html",
        422 if errors else 200,
        data=data,
        errors=errors or {},
        can_edit=who.principal.can(Scope.CONFIG_WRITE),
        saved=request.query_params.get("saved", ""),
    )


@router.get("/team", response_class=HTMLResponse)
def team(request: Request, svc: Svc, who: ConfigReadPage) -> Response:
    return _team_view(request, svc, who)


@router.post("/team/pools/{pool_id}", response_class=HTMLResponse)
async def edit_pool(request: Request, pool_id: str, svc: Svc, who: Viewer) -> Response:
    form = await request.form()
    who = admit_action(request, who, Scope.CONFIG_WRITE, str(form.get("csrf_token", "")))
    members = [str(m) for m in form.getlist("member")]
    strategy = str(form.get("strategy", "round_robin"))
    weights: dict[str, Any] = {}
    if strategy != "round_robin":
        for rep_id in members:
            typed = str(form.get(f"weight:{rep_id}", "")).strip()
            weights[rep_id] = int(typed) if typed.isdigit() else typed or 1
    when_full = str(form.get("when_full", "least_loaded"))
    values = {
        "name": str(form.get("name", "")),
        "members": members,
        "weights": weights,
        "strategy": strategy,
        "when_full": when_full,
        "when_full_target": (str(form.get("when_full_target", "")).strip() or None)
        if when_full != "least_loaded"
        else None,
        "respect_working_hours": form.get("respect_working_hours") == "on",
    }
    now, actor = svc.clock.now(), who.principal.name

    def work(session: Session) -> PoolRow:
        try:
            change = PoolUpdate.model_validate(values)
        except ValidationError as error:
            raise invalid(error) from error
        return pools.update(session=session, pool_id=pool_id, pool_in=change, actor=actor, now=now)

    known = ("name", "members", "weights", "strategy", "when_full", "when_full_target")
    return _saved(request, svc, who, f"pool:{pool_id}", known, work)


@router.post("/team/queues", response_class=HTMLResponse)
@router.post("/team/queues/{queue_id}", response_class=HTMLResponse)
def edit_queue(
    request: Request,
    svc: Svc,
    who: ConfigWriteAction,
    form: Annotated[QueueForm, Form()],
    queue_id: str = "",
) -> Response:
    """Change a queue, or (without `queue_id`) add one."""
    values = form.model_dump(exclude={"id"})
    now, actor = svc.clock.now(), who.principal.name
    key = f"queue:{queue_id or 'new'}"

    def work(session: Session) -> None:
        try:
            if queue_id:
                change = QueueUpdate.model_validate(values)
                queues.update(
                    session=session, queue_id=queue_id, queue_in=change, actor=actor, now=now
                )
            else:
                created = QueueCreate.model_validate({"id": form.id, **values})
                queues.create(session=session, queue_in=created, actor=actor, now=now)
        except ValidationError as error:
            raise invalid(error) from error

    return _saved(request, svc, who, key, ("id", "name", "description", "fallback"), work)


def _saved(
    request: Request,
    svc: Svc,
    who: Any,
    key: str,
    known: tuple[str, ...],
    work: Callable[[Session], object],
) -> Response:
    """Run one change of the team page's form `key` (`pool:<id>`, `queue:<id>`) in a write: back
    to the page saying it was saved, or the page again with what the services refused beside
    that form (`known`: its fields, which get their own message)."""
    try:
        svc.db.write(work)
    except LeadValidationError as error:
        return _team_view(request, svc, who, errors={key: field_errors(error, known)})
    except LeadRouterError as error:
        return _team_view(request, svc, who, errors={key: {"_": str(error)}})
    return RedirectResponse(f"/team?saved={key}", status_code=303)
