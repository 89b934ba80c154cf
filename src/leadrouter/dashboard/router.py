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
from collections.abc import Callable, Coroutine
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Cookie, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates

from leadrouter.api.auth import MetricsRead, Svc
from leadrouter.dashboard import actions, sessions, views
from leadrouter.dashboard.metrics import render_metrics
from leadrouter.dashboard.sessions import SignedIn
from leadrouter.errors import LeadRouterError
from leadrouter.experiments import simulate as simulation
from leadrouter.keys import service as keys
from leadrouter.keys.schemas import Scope
from leadrouter.leads import service as leads
from leadrouter.reports import rollups
from leadrouter.reports.summary import DEFAULT_SLA
from leadrouter.reps.models import RepRow

HERE = Path(__file__).parent
COOKIE = "leadrouter_session"
LOGIN_COOKIE = "leadrouter_login"  # the sign-in form's CSRF token, before any session exists
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
STATIC = {
    path.name: path
    for path in sorted((HERE / "static").rglob("*"))
    if path.suffix in {".js", ".css"}
}
SIMULATE_LAST = 500  # leads replayed by the policy page's simulation
MEDIA = {".js": "text/javascript", ".css": "text/css"}
# (path, title, the scope it needs): the navigation, in order, and each page's gate.
PAGES = (
    ("/", "Overview", Scope.LEADS_READ),
    ("/queue", "Fallback queue", Scope.LEADS_READ),
    ("/reps", "Reps", Scope.CONFIG_READ),
    ("/rules", "Rules", Scope.CONFIG_READ),
    ("/leads", "Leads", Scope.LEADS_READ),
    ("/policy", "Policy", Scope.CONFIG_READ),
)
SIGN_IN_SCOPES = frozenset(scope for _, _, scope in PAGES)  # a key needs one to sign in
HEADERS = {
    "Content-Security-Policy": "; ".join(
        (
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
        )
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class SecureRoute(APIRoute):
    """A route whose every response, whatever the handler returns, carries `HEADERS`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def with_headers(request: Request) -> Response:
            response = await handle(request)
            response.headers.update(HEADERS)
            if response.media_type == "text/html":
                response.headers["Cache-Control"] = "no-store"  # pages show a signed-in view
            return response

        return with_headers


templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(tags=["dashboard"], include_in_schema=False, route_class=SecureRoute)


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"


def _percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.0%}"


templates.env.filters["duration"] = _duration
templates.env.filters["percent"] = _percent


def viewer(svc: Svc, token: Annotated[str | None, Cookie(alias=COOKIE)] = None) -> SignedIn | None:
    """The browser's live session, or None (pages then send it to /login)."""
    if not token:
        return None
    with svc.db.read() as session:
        return sessions.find(session, token=token, now=svc.clock.now())


Viewer = Annotated[SignedIn | None, Depends(viewer)]


def _fresh(svc: Svc) -> None:
    """Bring the rollups of the pages' window up to date before a page reads figures."""
    rollups.refresh(svc.db, svc.clock.now(), views.WINDOW, DEFAULT_SLA)


def _login() -> Response:
    return RedirectResponse("/login", status_code=303)


def _page(
    request: Request, who: SignedIn, name: str, status_code: int = 200, **context: Any
) -> Response:
    nav = [(path, title) for path, title, scope in PAGES if who.principal.can(scope)]
    return templates.TemplateResponse(
        request,
        name,
        {"who": who.principal, "csrf": who.csrf, "nav": nav, **context},
        status_code=status_code,
    )


def _gate(request: Request, who: SignedIn | None, scope: Scope) -> Response | None:
    """The answer to a page request that may not see the page (None: it may)."""
    if who is None:
        return _login()
    if not who.principal.can(scope):
        return _page(request, who, "forbidden.html", 403, scope=scope)
    return None


def _same_origin(request: Request) -> bool:
    """Whether a POST comes from a page of this site: its Origin (else its Referer) names this
    host. A request naming neither (not a browser, or one hiding it) still needs the token."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if source is None:
        return True
    return urlsplit(source).netloc == request.headers.get("host", "") != ""


def _forged(request: Request, who: SignedIn | None, token: str) -> Response | None:
    """The answer to a POST that may be forged (None: it is not): one from another site, with
    no session, or without the session's CSRF token (a form field, or htmx's header)."""
    if not _same_origin(request):
        return _action_result(request, "Refused: the request came from another site.", 403)
    if who is None:
        return _action_result(request, "Sign in first.", 401)
    sent = request.headers.get(CSRF_HEADER) or token
    if not secrets.compare_digest(sent.encode(), who.csrf.encode()):
        return _action_result(request, "This page has expired: reload it and try again.", 403)
    return None


def _refuse(request: Request, who: SignedIn | None, scope: Scope, token: str) -> Response | None:
    """The answer to an action that may not run (None: it may): a forged request, or a key
    without `scope`."""
    if (forged := _forged(request, who, token)) is not None:
        return forged
    assert who is not None
    if not who.principal.can(scope):
        return _action_result(request, f"Your key cannot do this ({scope}).", 403)
    return None


def _secure(request: Request, svc: Svc) -> bool:
    setting = svc.settings.dashboard_secure_cookie
    return request.url.scheme == "https" if setting is None else setting


def _login_form(request: Request, svc: Svc, error: str = "", status_code: int = 200) -> Response:
    nonce = secrets.token_urlsafe(32)
    response = templates.TemplateResponse(
        request, "login.html", {"error": error, "csrf": nonce, "nav": ()}, status_code=status_code
    )
    response.set_cookie(
        LOGIN_COOKIE,
        nonce,
        max_age=3600,
        path="/login",
        httponly=True,
        samesite="strict",
        secure=_secure(request, svc),
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, svc: Svc) -> Response:
    return _login_form(request, svc)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    svc: Svc,
    key: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    nonce: Annotated[str, Cookie(alias=LOGIN_COOKIE)] = "",
) -> Response:
    if (
        not _same_origin(request)
        or not nonce
        or not secrets.compare_digest(csrf_token.encode(), nonce.encode())
    ):
        return _login_form(request, svc, "The sign-in form expired: try again.", 403)
    key = key.strip()
    with svc.db.read() as session:
        principal = keys.verify(session=session, token=key)
    if principal is None or not any(principal.can(s) for s in SIGN_IN_SCOPES):
        error = "That key is unknown, revoked, or lacks the leads:read and config:read scopes."
        return _login_form(request, svc, error, 401)
    now, hours = svc.clock.now(), svc.settings.dashboard_session_hours
    lifetime = timedelta(hours=hours)
    opened = svc.db.write(
        lambda session: sessions.open_(session, key_token=key, now=now, lifetime=lifetime)
    )
    if opened is None:  # revoked between the two transactions
        return _login_form(request, svc, "That key was revoked.", 401)
    token, _ = opened
    home = next(path for path, _, scope in PAGES if principal.can(scope))
    response = RedirectResponse(home, status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        max_age=round(lifetime.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=_secure(request, svc),
    )
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(
    request: Request, svc: Svc, who: Viewer, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    if who is not None:
        if (forged := _forged(request, who, csrf_token)) is not None:
            return forged
        now = svc.clock.now()
        svc.db.write(lambda session: sessions.close(session, token=who.token, now=now))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, svc: Svc, who: Viewer) -> Response:
    if (refused := _gate(request, who, Scope.LEADS_READ)) is not None:
        return refused
    assert who is not None
    _fresh(svc)
    with svc.db.read() as session:
        data = views.overview(session, svc.clock.now(), DEFAULT_SLA)
    chart = {
        "days": [p.day for p in data.trend],
        "leads": [p.leads for p in data.trend],
        "median_minutes": [
            None if p.median is None else round(p.median / 60, 1) for p in data.trend
        ],
    }
    return _page(request, who, "overview.html", data=data, chart=json.dumps(chart))


@router.get("/queue", response_class=HTMLResponse)
def queue(request: Request, svc: Svc, who: Viewer) -> Response:
    if (refused := _gate(request, who, Scope.LEADS_READ)) is not None:
        return refused
    assert who is not None
    with svc.db.read() as session:
        waiting = views.fallback_queue(session, svc.clock.now())
        reps = [
            (r.id, r.name)
            for r in session.query(RepRow).filter(RepRow.active).order_by(RepRow.name)
        ]
    can_write = who.principal.can(Scope.LEADS_WRITE)
    return _page(request, who, "queue.html", waiting=waiting, reps=reps, can_write=can_write)


def _action_result(request: Request, message: str, status: int = 200) -> Response:
    return templates.TemplateResponse(
        request,
        "action_result.html",
        {"message": message, "ok": status == 200},
        status_code=status,
    )


@router.post("/queue/{lead_id}/assign", response_class=HTMLResponse)
def assign(
    request: Request,
    lead_id: str,
    svc: Svc,
    who: Viewer,
    rep: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    if (refused := _refuse(request, who, Scope.LEADS_WRITE, csrf_token)) is not None:
        return refused
    assert who is not None
    actor = who.principal.name
    try:
        actions.assign(db=svc.db, lead_id=lead_id, rep_id=rep, now=svc.clock.now(), actor=actor)
    except LeadRouterError as error:
        return _action_result(request, str(error), 409)
    return _action_result(request, f"{lead_id} assigned to {rep}.")


@router.post("/queue/{lead_id}/reroute", response_class=HTMLResponse)
def reroute(
    request: Request,
    lead_id: str,
    svc: Svc,
    who: Viewer,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    if (refused := _refuse(request, who, Scope.LEADS_WRITE, csrf_token)) is not None:
        return refused
    assert who is not None
    try:
        result = leads.reroute(
            db=svc.db,
            cache=svc.cache,
            lead_id=lead_id,
            now=svc.clock.now(),
            actor=who.principal.name,
        )
    except LeadRouterError as error:
        return _action_result(request, str(error), 409)
    where = result.owner or f"{result.kind} {result.queue}"
    return _action_result(request, f"{lead_id} rerouted: now {where}.")


@router.get("/reps", response_class=HTMLResponse)
def reps(request: Request, svc: Svc, who: Viewer) -> Response:
    if (refused := _gate(request, who, Scope.CONFIG_READ)) is not None:
        return refused
    assert who is not None
    _fresh(svc)
    with svc.db.read() as session:
        lines = views.reps(session, svc.clock.now(), DEFAULT_SLA)
    return _page(request, who, "reps.html", reps=lines)


@router.get("/rules", response_class=HTMLResponse)
def rules(request: Request, svc: Svc, who: Viewer) -> Response:
    if (refused := _gate(request, who, Scope.CONFIG_READ)) is not None:
        return refused
    assert who is not None
    _fresh(svc)
    with svc.db.read() as session:
        lines = views.rules(session, svc.clock.now(), DEFAULT_SLA)
    return _page(request, who, "rules.html", rules=lines)


@router.get("/leads", response_class=HTMLResponse)
def explorer(request: Request, svc: Svc, who: Viewer, q: str = "") -> Response:
    if (refused := _gate(request, who, Scope.LEADS_READ)) is not None:
        return refused
    assert who is not None
    with svc.db.read() as session:
        found = views.search_leads(session, q, svc.clock.now())
    return _page(request, who, "leads.html", q=q, found=found)


@router.get("/leads/{lead_id}", response_class=HTMLResponse)
def lead(request: Request, lead_id: str, svc: Svc, who: Viewer) -> Response:
    if (refused := _gate(request, who, Scope.LEADS_READ)) is not None:
        return refused
    assert who is not None
    with svc.db.read() as session:
        row, events = views.timeline(session, lead_id)
    if row is None:
        return _page(request, who, "leads.html", q=lead_id, found=(), missing=lead_id)
    return _page(request, who, "lead.html", lead=row, events=events)


@router.get("/policy", response_class=HTMLResponse)
def policy(request: Request, svc: Svc, who: Viewer) -> Response:
    if (refused := _gate(request, who, Scope.CONFIG_READ)) is not None:
        return refused
    assert who is not None
    with svc.db.read() as session:
        page = views.policy_page(session)
    return _page(request, who, "policy.html", page=page)


@router.post("/policy/simulate", response_class=HTMLResponse)
def simulate(
    request: Request,
    svc: Svc,
    who: Viewer,
    version: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    if (refused := _refuse(request, who, Scope.CONFIG_READ, csrf_token)) is not None:
        return refused
    try:
        with svc.db.read() as session:
            result = simulation.simulate(
                session=session,
                config=svc.cache.get(session),
                version=version,
                last=SIMULATE_LAST,
            )
    except LeadRouterError as error:
        return _action_result(request, str(error), 409)
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
