"""The dashboard's HTTP routes: server-rendered pages at `/`, htmx actions, static files and
`/metrics`. Include it in the API app with `app.include_router(dashboard.router)`.

A browser signs in with an API key (the same keys as the API) and gets a server-side session
(`dashboard.sessions`): the cookie holds a random session token, never the key; HttpOnly,
SameSite=Lax, Secure over https (or by setting), ending with the session's lifetime. Each page
and action needs the scope its API counterpart needs (`PAGES`): leads pages `leads:read`, the
assign and reroute buttons `leads:write`, the reps, rules and policy pages and the simulation
`config:read`. Every POST carries the session's CSRF token (a form field, or the header htmx
sends) and must come from this site's own origin; every response carries the security headers
(`HEADERS`: a CSP allowing no inline script, no framing). `/metrics` is for Prometheus: a bearer
key with `metrics:read`, not a session.

Handlers only read the request, call `views`/`actions`/`leads.service`, and render; the time
comes from the app's clock. Pages with windowed figures first bring the daily rollups up to date
(`reports.rollups.refresh`: no write unless a day is missing or stale).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Annotated, TypeVar

from fastapi import APIRouter, Cookie, Form, Request, Response
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from leadrouter.api.auth import MetricsRead, Services, Svc
from leadrouter.api.scopes import Principal
from leadrouter.dashboard import (
    draft_backtest,
    flow,
    oidc,
    people,
    sessions,
    team,
    views,
    work,
    workspace,
)
from leadrouter.dashboard import explorer as explorer_rows
from leadrouter.dashboard.explorer import LeadFilter
from leadrouter.dashboard.metrics import render_metrics
from leadrouter.dashboard.sessions import SignedIn
from leadrouter.dashboard.web import (
    COOKIE,
    CSRF_FIELD,
    CSRF_HEADER,
    HERE,
    LOGIN_COOKIE,
    PAGES,
    SIGN_IN_SCOPES,
    ConfigReadAction,
    ConfigReadPage,
    LeadsReadPage,
    SecureRoute,
    Viewer,
    action_result,
    admit_post,
    csv_response,
    fresh,
    page,
    same_origin,
    secure,
    templates,
)
from leadrouter.errors import LeadRouterError
from leadrouter.experiments import simulate as simulation
from leadrouter.keys import service as keys
from leadrouter.keys.schemas import Scope
from leadrouter.reports.summary import DEFAULT_SLA
from leadrouter.users import service as users
from leadrouter.users.models import UserRow

__all__ = ["COOKIE", "CSRF_FIELD", "CSRF_HEADER", "router"]

STATIC = {
    path.name: path
    for path in sorted((HERE / "static").rglob("*"))
    if path.suffix in {".js", ".css"}
}
SIMULATE_LAST = 500  # leads replayed by the policy page's simulation
MEDIA = {".js": "text/javascript", ".css": "text/css"}
T = TypeVar("T")

router = APIRouter(tags=["dashboard"], include_in_schema=False, route_class=SecureRoute)
router.include_router(work.router)
router.include_router(team.router)
router.include_router(people.router)
router.include_router(workspace.router)
router.include_router(draft_backtest.router)
router.include_router(flow.router)


class SignIn(BaseModel):
    """What the sign-in page's two forms send: a login and password, or an API key; each with
    the form's CSRF token (the one its cookie holds, as no session exists yet)."""

    key: str = ""
    login: str = ""
    password: str = ""
    csrf_token: str = ""


def _sign_in_form(
    request: Request, svc: Svc, error: str = "", status_code: int = 200, login: str = ""
) -> Response:
    nonce = secrets.token_urlsafe(32)
    response = templates.TemplateResponse(
        request,
        "login.html",
        {
            "error": error,
            "csrf": nonce,
            "nav": (),
            "login": login,
            "oidc": svc.settings.oidc_provider_name if oidc.configured(svc.settings) else "",
        },
        status_code=status_code,
    )
    response.set_cookie(
        LOGIN_COOKIE,
        nonce,
        max_age=3600,
        path="/login",
        httponly=True,
        samesite="strict",
        secure=secure(request, svc),
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, svc: Svc) -> Response:
    return _sign_in_form(request, svc)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    svc: Svc,
    form: Annotated[SignIn, Form()],
    nonce: Annotated[str, Cookie(alias=LOGIN_COOKIE)] = "",
) -> Response:
    """Sign in with a login and password (a named user), or with an API key."""
    if (
        not same_origin(request)
        or not nonce
        or not secrets.compare_digest(form.csrf_token.encode(), nonce.encode())
    ):
        return _sign_in_form(request, svc, "The sign-in form expired: try again.", 403)
    now, hours = svc.clock.now(), svc.settings.dashboard_session_hours
    lifetime = timedelta(hours=hours)
    if form.login.strip():
        name = form.login.strip()

        def check(session: Session) -> tuple[str, Principal] | None:
            user = users.check_password(session=session, login=name, password=form.password)
            return _open_for(session, user, now, lifetime)

        signed = svc.db.write(check)
        if signed is None:
            return _sign_in_form(request, svc, "Wrong login or password.", 401, login=name)
        return signed_in(request, svc, *signed, lifetime)
    key = form.key.strip()
    with svc.db.read() as session:
        principal = keys.verify(session=session, token=key)
    if principal is None or not any(principal.can(s) for s in SIGN_IN_SCOPES):
        error = "That key is unknown, revoked, or lacks the leads:read and config:read scopes."
        return _sign_in_form(request, svc, error, 401)
    opened = svc.db.write(
        lambda session: sessions.open_(session, key_token=key, now=now, lifetime=lifetime)
    )
    if opened is None:  # revoked between the two transactions
        return _sign_in_form(request, svc, "That key was revoked.", 401)
    return signed_in(request, svc, *opened, lifetime)


def _oidc_redirect(request: Request, svc: Svc) -> str:
    return svc.settings.oidc_redirect_url or str(request.base_url).rstrip("/") + oidc.CALLBACK


@router.get("/login/oidc")
def oidc_start(request: Request, svc: Svc) -> Response:
    """Off to the OpenID Connect provider, with a fresh state and nonce kept in a cookie."""
    if not oidc.configured(svc.settings):
        return _sign_in_form(request, svc, "Single sign-on is not set up here.", 404)
    try:
        url, kept = oidc.start(svc.settings, _oidc_redirect(request, svc))
    except oidc.OidcError as error:
        return _sign_in_form(request, svc, f"Cannot sign in: {error}.", 502)
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        oidc.OIDC_COOKIE,
        kept,
        max_age=600,
        path="/login/oidc",
        httponly=True,
        samesite="lax",  # the provider's redirect back is a top-level GET from its site
        secure=secure(request, svc),
    )
    return response


def _open_for(
    session: Session, user: UserRow | None, now: datetime, lifetime: timedelta
) -> tuple[str, Principal] | None:
    """A new session for a user who just proved who they are (None: nobody did): its cookie
    token and the user as a caller."""
    if user is None:
        return None
    opened = sessions.open_for_user(session, user_id=user.id, now=now, lifetime=lifetime)
    return opened, users.principal_of(user)


@router.get(oidc.CALLBACK)
def oidc_callback(
    request: Request,
    svc: Svc,
    kept: Annotated[str, Cookie(alias=oidc.OIDC_COOKIE)] = "",
) -> Response:
    """Back from the provider: check state and nonce, then sign the person in."""
    if not oidc.configured(svc.settings):
        return _sign_in_form(request, svc, "Single sign-on is not set up here.", 404)
    params = dict(request.query_params)
    try:
        identity = oidc.finish(svc.settings, _oidc_redirect(request, svc), kept, params)
    except oidc.OidcError as error:
        response = _sign_in_form(request, svc, f"Cannot sign in: {error}.", 403)
        response.delete_cookie(oidc.OIDC_COOKIE, path="/login/oidc")
        return response
    now = svc.clock.now()
    lifetime = timedelta(hours=svc.settings.dashboard_session_hours)
    actor = f"oidc:{svc.settings.oidc_provider_name}"

    def enter(session: Session) -> tuple[str, Principal] | None:
        user = users.sign_in_oidc(
            session=session,
            subject=identity.subject,
            email=identity.email,
            name=identity.name,
            role=identity.role,
            actor=actor,
            now=now,
        )
        return _open_for(session, user, now, lifetime)

    signed = svc.db.write(enter)
    if signed is None:
        error = "You have no access to this dashboard yet: ask an admin to add you on People."
        response = _sign_in_form(request, svc, error, 403)
    else:
        response = signed_in(request, svc, *signed, lifetime)
    response.delete_cookie(oidc.OIDC_COOKIE, path="/login/oidc")
    return response


def signed_in(
    request: Request, svc: Svc, token: str, principal: Principal, lifetime: timedelta
) -> Response:
    """The answer to a sign-in that worked: the session's cookie, and off to the first page
    the person may see."""
    home = next((path for path, _, scope in PAGES if principal.can(scope)), "/")
    response = RedirectResponse(home, status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        max_age=round(lifetime.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure(request, svc),
    )
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(
    request: Request, svc: Svc, who: Viewer, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    if who is not None:
        admit_post(request, who, csrf_token)
        now = svc.clock.now()
        svc.db.write(lambda session: sessions.close(session, token=who.token, now=now))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, svc: Svc, who: LeadsReadPage) -> Response:
    fresh(svc)
    with svc.db.read() as session:
        data = views.overview(session, svc.clock.now(), DEFAULT_SLA)
    chart = {
        "days": [p.day for p in data.trend],
        "leads": [p.leads for p in data.trend],
        "median_minutes": [
            None if p.median is None else round(p.median / 60, 1) for p in data.trend
        ],
    }
    return page(request, who, "overview.html", data=data, chart=json.dumps(chart))


@router.get("/reps", response_class=HTMLResponse)
def reps(request: Request, svc: Svc, who: ConfigReadPage, format: str = "") -> Response:
    return _figures_page(
        request, svc, who, format, "reps", views.reps, views.REP_CSV_HEADER, views.rep_csv_row
    )


@router.get("/rules", response_class=HTMLResponse)
def rules(request: Request, svc: Svc, who: ConfigReadPage, format: str = "") -> Response:
    return _figures_page(
        request, svc, who, format, "rules", views.rules, views.RULE_CSV_HEADER, views.rule_csv_row
    )


def _figures_page(
    request: Request,
    svc: Services,
    who: SignedIn,
    format: str,
    name: str,
    lines_of: Callable[[Session, datetime, timedelta], tuple[T, ...]],
    csv_header: Sequence[str],
    csv_row: Callable[[T], Sequence[object]],
) -> Response:
    """A page of figures by line (reps, rules), read from fresh rollups: `name`.html, or with
    `format=csv` the lines as `name`.csv."""
    fresh(svc)
    with svc.db.read() as session:
        lines = lines_of(session, svc.clock.now(), DEFAULT_SLA)
    if format == "csv":
        return csv_response(f"{name}.csv", csv_header, map(csv_row, lines))
    return page(request, who, f"{name}.html", **{name: lines})


@router.get("/leads", response_class=HTMLResponse)
def explorer(request: Request, svc: Svc, who: LeadsReadPage, format: str = "") -> Response:
    """The lead explorer: filters (`explorer.LeadFilter`), sorted, with the count against the
    period before; `format=csv` exports every row."""
    wanted = LeadFilter.of(request.query_params)
    now = svc.clock.now()
    if format == "csv":
        with svc.db.read() as session:
            rows = list(explorer_rows.csv_rows(session, wanted, now, DEFAULT_SLA))
        return csv_response("leads.csv", explorer_rows.CSV_HEADER, rows)
    only_text = bool(wanted.q) and not replace(wanted, q="").active
    with svc.db.read() as session:
        if only_text:
            # Text alone: the two indexed searches (email prefix; recent companies).
            found = views.search_leads(session, wanted.q, now)
            total, before = len(found), None
        else:
            found = explorer_rows.page(session, wanted, now, DEFAULT_SLA)
            total = (
                explorer_rows.count(session, wanted, now, DEFAULT_SLA) if wanted.active else None
            )
            before = explorer_rows.previous(session, wanted, now, DEFAULT_SLA)
        choices = views.filter_choices(session)
    return page(
        request,
        who,
        "leads.html",
        q=wanted.q,
        wanted=wanted,
        found=found,
        only_text=bool(only_text),
        total=total,
        before=before,
        span=wanted.span(now),
        periods=explorer_rows.PERIODS,
        sla_states=explorer_rows.SLA_STATES,
        choices=choices,
        limit=explorer_rows.PAGE,
    )


@router.get("/leads/{lead_id}", response_class=HTMLResponse)
def lead(request: Request, lead_id: str, svc: Svc, who: LeadsReadPage) -> Response:
    with svc.db.read() as session:
        row, events = views.timeline(session, lead_id)
    if row is None:
        return page(request, who, "not_found.html", 404, missing=f"lead {lead_id}")
    return page(request, who, "lead.html", lead=row, events=events)


@router.get("/policy", response_class=HTMLResponse)
def policy(request: Request, svc: Svc, who: ConfigReadPage) -> Response:
    with svc.db.read() as session:
        versions = views.policy_page(session)
        checked = workspace.check(session, versions.text) if versions.text else None
    can_edit = who.principal.can(Scope.CONFIG_WRITE)
    return page(
        request,
        who,
        "policy.html",
        page=versions,
        checked=checked,
        can_edit=can_edit,
        periods=draft_backtest.PERIODS,
        period=draft_backtest.DEFAULT_PERIOD,
    )


@router.post("/policy/simulate", response_class=HTMLResponse)
def simulate(
    request: Request,
    svc: Svc,
    _: ConfigReadAction,
    version: Annotated[str, Form()] = "",
) -> Response:
    try:
        with svc.db.read() as session:
            result = simulation.simulate(
                session=session,
                config=svc.cache.get(session),
                version=version,
                last=SIMULATE_LAST,
            )
    except LeadRouterError as error:
        return action_result(request, str(error), 409)
    return templates.TemplateResponse(request, "simulation.html", {"result": result})


@router.get("/static/{name}")
def static(name: str) -> Response:
    path = STATIC.get(name)
    if path is None:
        return PlainTextResponse("not found", status_code=404)
    # Vendored files carry their version in the name, so browsers may keep them.
    return Response(
        path.read_bytes(),
        media_type=MEDIA[path.suffix],
        headers={"Cache-Control": "public, max-age=86400"},
    )


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(svc: Svc, _: MetricsRead) -> Response:
    """Prometheus metrics, for a bearer key with `metrics:read` (docs/metrics.md)."""
    body = render_metrics(svc.db, svc.clock.now())
    return PlainTextResponse(body, media_type="text/plain; version=0.0.4; charset=utf-8")
