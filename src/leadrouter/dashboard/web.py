"""The dashboard's HTTP plumbing, shared by its route modules: templates and their filters, the
signed-in viewer, the page and action gates (scope, CSRF, same origin), the security headers.

Route modules (`router`, `work`, `team`, `people`, `workspace`) import from here and never from
each other; nothing here reads or writes domain data beyond the session lookup.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Callable, Coroutine, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Cookie, Depends, Form, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates

from leadrouter.api.auth import Svc
from leadrouter.dashboard import sessions
from leadrouter.dashboard.sessions import SignedIn
from leadrouter.keys.schemas import Scope
from leadrouter.reports import rollups
from leadrouter.reports.summary import DEFAULT_SLA
from leadrouter.reports.wording import duration

HERE = Path(__file__).parent
COOKIE = "leadrouter_session"
LOGIN_COOKIE = "leadrouter_login"  # the sign-in form's CSRF token, before any session exists
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
WINDOW_DAYS = 30
# (path, title, the scope it needs): the navigation, in order, and each page's gate.
PAGES = (
    ("/", "Overview", Scope.LEADS_READ),
    ("/queue", "Work queues", Scope.LEADS_READ),
    ("/reps", "Reps", Scope.CONFIG_READ),
    ("/team", "Pools & queues", Scope.CONFIG_READ),
    ("/rules", "Rules", Scope.CONFIG_READ),
    ("/leads", "Leads", Scope.LEADS_READ),
    ("/policy", "Policy", Scope.CONFIG_READ),
    ("/people", "People", Scope.ADMIN),
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


class Refused(Exception):
    """A request the handler may not serve; `answer` says so (sign in, forbidden, forged)."""

    def __init__(self, answer: Response) -> None:
        super().__init__()
        self.answer = answer


class SecureRoute(APIRoute):
    """A route whose every response, whatever the handler returns, carries `HEADERS`; a handler
    that raises `Refused` answers with its `answer`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def with_headers(request: Request) -> Response:
            try:
                response = await handle(request)
            except Refused as refused:
                response = refused.answer
            response.headers.update(HEADERS)
            if response.media_type == "text/html":
                response.headers["Cache-Control"] = "no-store"  # pages show a signed-in view
            return response

        return with_headers


templates = Jinja2Templates(directory=HERE / "templates")


def percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.0%}"


def when(at: datetime | None) -> str:
    """A time with its zone spelled out (the dashboard shows every time in UTC)."""
    return "–" if at is None else at.strftime("%Y-%m-%d %H:%M UTC")


def when_iso(text: str | None) -> str:
    """`when` of a stored ISO time (JSON columns keep times as text)."""
    return "–" if not text else when(datetime.fromisoformat(text).astimezone(UTC))


templates.env.filters["duration"] = duration
templates.env.filters["when_iso"] = when_iso
templates.env.filters["percent"] = percent
templates.env.filters["when"] = when


def viewer(svc: Svc, token: Annotated[str | None, Cookie(alias=COOKIE)] = None) -> SignedIn | None:
    """The browser's live session, or None (pages then send it to /login)."""
    if not token:
        return None
    with svc.db.read() as session:
        return sessions.find(session, token=token, now=svc.clock.now())


Viewer = Annotated[SignedIn | None, Depends(viewer)]


def fresh(svc: Svc) -> None:
    """Bring the rollups of the pages' window up to date before a page reads figures."""
    from leadrouter.dashboard.views import WINDOW

    rollups.refresh(svc.db, svc.clock.now(), WINDOW, DEFAULT_SLA)


def to_login() -> Response:
    return RedirectResponse("/login", status_code=303)


def page(
    request: Request, who: SignedIn, name: str, status_code: int = 200, **context: Any
) -> Response:
    nav = [(path, title) for path, title, scope in PAGES if who.principal.can(scope)]
    return templates.TemplateResponse(
        request,
        name,
        {"who": who.principal, "csrf": who.csrf, "nav": nav, **context},
        status_code=status_code,
    )


def admit_to_page(request: Request, who: SignedIn | None, scope: Scope) -> SignedIn:
    """The viewer of a page that needs `scope`; else `Refused` (to sign in, or forbidden)."""
    if who is None:
        raise Refused(to_login())
    if not who.principal.can(scope):
        raise Refused(page(request, who, "forbidden.html", 403, scope=scope))
    return who


def same_origin(request: Request) -> bool:
    """Whether a POST comes from a page of this site: its Origin (else its Referer) names this
    host. A request naming neither (not a browser, or one hiding it) still needs the token."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if source is None:
        return True
    return urlsplit(source).netloc == request.headers.get("host", "") != ""


def action_result(request: Request, message: str, status: int = 200, **context: Any) -> Response:
    """The fragment an htmx action swaps in where the click happened."""
    return templates.TemplateResponse(
        request,
        "action_result.html",
        {"message": message, "ok": status == 200, **context},
        status_code=status,
    )


def admit_post(request: Request, who: SignedIn | None, token: str) -> SignedIn:
    """The sender of a POST that is not forged; else `Refused`: one from another site, with no
    session, or without the session's CSRF token (a form field, or htmx's header)."""
    if not same_origin(request):
        raise Refused(action_result(request, "Refused: the request came from another site.", 403))
    if who is None:
        raise Refused(action_result(request, "Sign in first.", 401))
    sent = request.headers.get(CSRF_HEADER) or token
    if not secrets.compare_digest(sent.encode(), who.csrf.encode()):
        raise Refused(
            action_result(request, "This page has expired: reload it and try again.", 403)
        )
    return who


def admit_action(request: Request, who: SignedIn | None, scope: Scope, token: str) -> SignedIn:
    """The sender of an action that needs `scope` (`admit_post`, then the scope); else
    `Refused`."""
    who = admit_post(request, who, token)
    if not who.principal.can(scope):
        raise Refused(action_result(request, f"You cannot do this (it needs {scope}).", 403))
    return who


def _viewing(scope: Scope) -> Any:
    """The dependency that admits a page needing `scope` (`admit_to_page`)."""

    def admit(request: Request, who: Viewer) -> SignedIn:
        return admit_to_page(request, who, scope)

    return Depends(admit)


# The viewer of a page, signed in and admitted for the scope its name says.
LeadsReadPage = Annotated[SignedIn, _viewing(Scope.LEADS_READ)]
ConfigReadPage = Annotated[SignedIn, _viewing(Scope.CONFIG_READ)]
AdminPage = Annotated[SignedIn, _viewing(Scope.ADMIN)]


def _acting(scope: Scope) -> Any:
    """The dependency that admits an action needing `scope` (`admit_action`), reading the CSRF
    token from the form's `csrf_token` field (or htmx's header)."""

    def admit(request: Request, who: Viewer, csrf_token: Annotated[str, Form()] = "") -> SignedIn:
        return admit_action(request, who, scope, csrf_token)

    return Depends(admit)


# The sender of an action, signed in and admitted for the scope its name says.
LeadsWriteAction = Annotated[SignedIn, _acting(Scope.LEADS_WRITE)]
ConfigReadAction = Annotated[SignedIn, _acting(Scope.CONFIG_READ)]
ConfigWriteAction = Annotated[SignedIn, _acting(Scope.CONFIG_WRITE)]
AdminAction = Annotated[SignedIn, _acting(Scope.ADMIN)]


def csv_response(name: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    """A list as a CSV download (UTF-8, times in UTC as ISO 8601)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        # A cell starting with = + - @ would run as a formula in a spreadsheet: quote it.
        writer.writerow([f"'{v}" if isinstance(v, str) and v[:1] in "=+-@" else v for v in row])
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def secure(request: Request, svc: Svc) -> bool:
    setting = svc.settings.dashboard_secure_cookie
    return request.url.scheme == "https" if setting is None else setting
