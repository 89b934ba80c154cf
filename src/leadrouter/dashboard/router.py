"""The dashboard's HTTP routes: server-rendered pages at `/`, htmx actions, static files and
`/metrics`. Include it in the API app with `app.include_router(dashboard.router)`.

A browser signs in with an API key (the same keys as the API): the key is checked once and kept
in an HttpOnly cookie; pages need `leads:read`, the assign and reroute buttons `leads:write`.
Handlers only read the request, call `views`/`actions`/`leads.service`, and render; the time
comes from the app's clock. Pages with windowed figures first bring the daily rollups up to date
(`reports.rollups.refresh`: no write unless a day is missing or stale).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Cookie, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from leadrouter.api.auth import Svc
from leadrouter.dashboard import actions, views
from leadrouter.dashboard.metrics import render_metrics
from leadrouter.errors import LeadRouterError
from leadrouter.experiments import simulate as simulation
from leadrouter.keys import service as keys
from leadrouter.keys.schemas import Scope
from leadrouter.keys.service import Principal
from leadrouter.leads import service as leads
from leadrouter.reports import rollups
from leadrouter.reports.summary import DEFAULT_SLA
from leadrouter.reps.models import RepRow

HERE = Path(__file__).parent
COOKIE = "leadrouter_key"
STATIC = {
    path.name: path
    for path in sorted((HERE / "static").rglob("*"))
    if path.suffix in {".js", ".css"}
}
SIMULATE_LAST = 500  # leads replayed by the policy page's simulation
MEDIA = {".js": "text/javascript", ".css": "text/css"}

templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(tags=["dashboard"], include_in_schema=False)


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


def viewer(svc: Svc, key: Annotated[str | None, Cookie(alias=COOKIE)] = None) -> Principal | None:
    """The signed-in key's principal, or None (the page then sends the browser to /login)."""
    if not key:
        return None
    with svc.db.read() as session:
        principal = keys.verify(session=session, token=key)
    return principal if principal is not None and principal.can(Scope.LEADS_READ) else None


Viewer = Annotated[Principal | None, Depends(viewer)]


def _fresh(svc: Svc) -> None:
    """Bring the rollups of the pages' window up to date before a page reads figures."""
    rollups.refresh(svc.db, svc.clock.now(), views.WINDOW, DEFAULT_SLA)


def _login() -> Response:
    return RedirectResponse("/login", status_code=303)


def _page(request: Request, who: Principal, name: str, **context: Any) -> Response:
    return templates.TemplateResponse(request, name, {"who": who, **context})


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    return templates.TemplateResponse(request, "login.html", {"error": ""})


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, svc: Svc, key: Annotated[str, Form()] = "") -> Response:
    key = key.strip()
    with svc.db.read() as session:
        principal = keys.verify(session=session, token=key)
    if principal is None or not principal.can(Scope.LEADS_READ):
        error = "That key is unknown, revoked, or lacks the leads:read scope."
        return templates.TemplateResponse(request, "login.html", {"error": error}, status_code=401)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(COOKIE, key, httponly=True, samesite="strict")
    return response


@router.post("/logout")
def logout() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, svc: Svc, who: Viewer) -> Response:
    if who is None:
        return _login()
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
    if who is None:
        return _login()
    with svc.db.read() as session:
        waiting = views.fallback_queue(session, svc.clock.now())
        reps = [
            (r.id, r.name)
            for r in session.query(RepRow).filter(RepRow.active).order_by(RepRow.name)
        ]
    return _page(
        request, who, "queue.html", waiting=waiting, reps=reps, can_write=who.can(Scope.LEADS_WRITE)
    )


def _action_result(request: Request, message: str, status: int = 200) -> Response:
    return templates.TemplateResponse(
        request,
        "action_result.html",
        {"message": message, "ok": status == 200},
        status_code=status,
    )


def _refuse_write(request: Request, who: Principal | None) -> Response:
    if who is None:
        return _action_result(request, "Sign in first.", 401)
    return _action_result(request, "Your key cannot change leads (leads:write).", 403)


@router.post("/queue/{lead_id}/assign", response_class=HTMLResponse)
def assign(
    request: Request, lead_id: str, svc: Svc, who: Viewer, rep: Annotated[str, Form()] = ""
) -> Response:
    if who is None or not who.can(Scope.LEADS_WRITE):
        return _refuse_write(request, who)
    try:
        actions.assign(db=svc.db, lead_id=lead_id, rep_id=rep, now=svc.clock.now(), actor=who.name)
    except LeadRouterError as error:
        return _action_result(request, str(error), 409)
    return _action_result(request, f"{lead_id} assigned to {rep}.")


@router.post("/queue/{lead_id}/reroute", response_class=HTMLResponse)
def reroute(request: Request, lead_id: str, svc: Svc, who: Viewer) -> Response:
    if who is None or not who.can(Scope.LEADS_WRITE):
        return _refuse_write(request, who)
    try:
        result = leads.reroute(
            db=svc.db, cache=svc.cache, lead_id=lead_id, now=svc.clock.now(), actor=who.name
        )
    except LeadRouterError as error:
        return _action_result(request, str(error), 409)
    where = result.owner or f"{result.kind} {result.queue}"
    return _action_result(request, f"{lead_id} rerouted: now {where}.")


@router.get("/reps", response_class=HTMLResponse)
def reps(request: Request, svc: Svc, who: Viewer) -> Response:
    if who is None:
        return _login()
    _fresh(svc)
    with svc.db.read() as session:
        lines = views.reps(session, svc.clock.now(), DEFAULT_SLA)
    return _page(request, who, "reps.html", reps=lines)


@router.get("/rules", response_class=HTMLResponse)
def rules(request: Request, svc: Svc, who: Viewer) -> Response:
    if who is None:
        return _login()
    _fresh(svc)
    with svc.db.read() as session:
        lines = views.rules(session, svc.clock.now(), DEFAULT_SLA)
    return _page(request, who, "rules.html", rules=lines)


@router.get("/leads", response_class=HTMLResponse)
def explorer(request: Request, svc: Svc, who: Viewer, q: str = "") -> Response:
    if who is None:
        return _login()
    with svc.db.read() as session:
        found = views.search_leads(session, q, svc.clock.now())
    return _page(request, who, "leads.html", q=q, found=found)


@router.get("/leads/{lead_id}", response_class=HTMLResponse)
def lead(request: Request, lead_id: str, svc: Svc, who: Viewer) -> Response:
    if who is None:
        return _login()
    with svc.db.read() as session:
        row, events = views.timeline(session, lead_id)
    if row is None:
        return _page(request, who, "leads.html", q=lead_id, found=(), missing=lead_id)
    return _page(request, who, "lead.html", lead=row, events=events)


@router.get("/policy", response_class=HTMLResponse)
def policy(request: Request, svc: Svc, who: Viewer) -> Response:
    if who is None:
        return _login()
    with svc.db.read() as session:
        page = views.policy_page(session)
    return _page(request, who, "policy.html", page=page)


@router.post("/policy/simulate", response_class=HTMLResponse)
def simulate(
    request: Request, svc: Svc, who: Viewer, version: Annotated[str, Form()] = ""
) -> Response:
    if who is None:
        return _action_result(request, "Sign in first.", 401)
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
def metrics(svc: Svc) -> Response:
    _fresh(svc)
    with svc.db.read() as session:
        body = render_metrics(session, svc.clock.now(), DEFAULT_SLA)
    return PlainTextResponse(body, media_type="text/plain; version=0.0.4; charset=utf-8")
