"""The People page: named users and their roles, for admins. Add a person with a first
password, change a role, stop or restore someone's access. Every change goes through
`users.service`, audited under the admin's name; a role maps onto the API's scopes
(`users.schemas.SCOPES_OF`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from leadrouter.api.auth import Svc
from leadrouter.dashboard.sessions import SignedIn
from leadrouter.dashboard.web import (
    AdminAction,
    AdminPage,
    SecureRoute,
    page,
)
from leadrouter.errors import LeadRouterError
from leadrouter.users import service as users
from leadrouter.users.schemas import SCOPES_OF, Role, UserCreate

router = APIRouter(tags=["dashboard"], include_in_schema=False, route_class=SecureRoute)


class NewPerson(BaseModel):
    """What the form adding a person sends."""

    login: str = ""
    name: str = ""
    role: str = Role.VIEWER.value
    email: str = ""
    password: str = ""


def _people(
    request: Request, svc: Svc, who: SignedIn, errors: dict[str, str] | None = None
) -> Response:
    with svc.db.read() as session:
        people = users.list_(session=session)
    return page(
        request,
        who,
        "people.html",
        422 if errors else 200,
        people=people,
        roles=[(role.value, sorted(SCOPES_OF[role])) for role in Role],
        errors=errors or {},
        saved=request.query_params.get("saved", ""),
    )


@router.get("/people", response_class=HTMLResponse)
def people(request: Request, svc: Svc, who: AdminPage) -> Response:
    return _people(request, svc, who)


@router.post("/people", response_class=HTMLResponse)
def add_person(
    request: Request,
    svc: Svc,
    who: AdminAction,
    form: Annotated[NewPerson, Form()],
) -> Response:
    try:
        user_in = UserCreate(
            login=form.login,
            name=form.name,
            role=form.role,
            email=form.email.strip() or None,
            password=form.password or None,  # none: single sign-on only
        )
    except ValidationError as error:
        errors = {str(e["loc"][0]): e["msg"] for e in error.errors()}
        return _people(request, svc, who, errors)
    now, actor = svc.clock.now(), who.principal.name
    try:
        svc.db.write(
            lambda session: users.create(session=session, user_in=user_in, actor=actor, now=now)
        )
    except LeadRouterError as error:
        return _people(request, svc, who, {"login": str(error)})
    return RedirectResponse(f"/people?saved={form.login}", status_code=303)


@router.post("/people/{login}", response_class=HTMLResponse)
def change_person(
    request: Request,
    login: str,
    svc: Svc,
    who: AdminAction,
    role: Annotated[str, Form()] = "",
    active: Annotated[str, Form()] = "",
) -> Response:
    """A new role, or access stopped (active "no") or restored (active "yes")."""
    now, actor = svc.clock.now(), who.principal.name
    if login == who.login and (active == "no" or (role and role != Role.ADMIN)):
        return _people(request, svc, who, {"_": "You cannot lock yourself out: ask another admin."})

    def work(session: Session) -> None:
        if role:
            users.set_role(session=session, login=login, role=Role(role), actor=actor, now=now)
        if active:
            users.set_active(
                session=session, login=login, active=active == "yes", actor=actor, now=now
            )

    try:
        svc.db.write(work)
    except (LeadRouterError, ValueError) as error:
        return _people(request, svc, who, {"_": str(error)})
    return RedirectResponse(f"/people?saved={login}", status_code=303)
