"""The policy workspace: edit the policy's YAML in the browser, checked as you type (every
problem with its file:line:column), its own test cases run, the diff against the active version;
then save it as a new version, activate it (refused while its tests fail unless forced) or roll
back. Saving, activating and rolling back go through `policies.service`, which audits them under
the signed-in person's name and bumps the config version so every process recompiles.

The backtest of the text being edited is `draft_backtest.py` (the experiments' own backtest);
the flow of a version is `flow.py`. Checking writes nothing.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from leadrouter.api.auth import Svc
from leadrouter.dashboard.web import (
    ConfigReadAction,
    ConfigWriteAction,
    SecureRoute,
    action_result,
    templates,
)
from leadrouter.errors import FieldProblem, LeadRouterError, PolicyError, PolicyTestsFailed
from leadrouter.policies import service as policies
from leadrouter.policies.models import PolicyVersionRow
from leadrouter.policies.snapshot import POLICY_SOURCE, active_version, load_team
from leadrouter.policy import compile_policy
from leadrouter.store import Database

router = APIRouter(tags=["dashboard"], include_in_schema=False, route_class=SecureRoute)
MAX_TEXT = 200_000


@dataclass(frozen=True, slots=True)
class Checked:
    version: str | None  # None: it does not compile
    problems: tuple[str, ...]  # "policy.yaml:12:5: ..." each
    failures: tuple[FieldProblem, ...]  # its own test cases' unmet expectations
    cases: int  # how many test cases it has
    diff: tuple[str, ...]  # against the active version
    active: str | None


class Draft(BaseModel):
    """The policy text being edited, as the workspace posts it to be checked, backtested or
    saved."""

    text: str = Field("", max_length=MAX_TEXT)


class DraftSave(Draft):
    """The draft to save as a new version; `activate` to make it the routing policy, `force`
    "yes" to do so even while its test cases fail."""

    activate: str = ""
    force: str = ""


def check(session: Session, text: str) -> Checked:
    """Compile `text` against the stored team, run its test cases, diff it with the active
    version. Reads only."""
    active = active_version(session)
    current = session.scalar(
        select(PolicyVersionRow.text).where(PolicyVersionRow.version == active)
    )
    diff = tuple(
        difflib.unified_diff(
            (current or "").splitlines(),
            text.splitlines(),
            fromfile=f"active {active}",
            tofile="this text",
            lineterm="",
        )
    )
    team = load_team(session)
    try:
        policy = compile_policy(text, POLICY_SOURCE, team)
    except PolicyError as error:
        return Checked(None, tuple(str(e) for e in error.errors), (), 0, diff, active)
    failures = policies.test_failures(policy, team, policies._accounts(session))
    cases = len(policy.tests)
    return Checked(policy.version, (), tuple(failures), cases, diff, active)


@router.post("/policy/check", response_class=HTMLResponse)
def check_text(
    request: Request,
    svc: Svc,
    _: ConfigReadAction,
    draft: Annotated[Draft, Form()],
) -> Response:
    with svc.db.read() as session:
        checked = check(session, draft.text)
    return templates.TemplateResponse(request, "policy_check.html", {"checked": checked})


@router.post("/policy/save", response_class=HTMLResponse)
def save(
    request: Request,
    svc: Svc,
    who: ConfigWriteAction,
    draft: Annotated[DraftSave, Form()],
) -> Response:
    """Store the text as a new version; with `activate`, make it the routing policy too."""
    now, actor = svc.clock.now(), who.principal.name
    force = draft.force == "yes"

    def work(session: Session) -> str:
        row = policies.upload(session=session, text=draft.text, actor=actor, now=now)
        if draft.activate:
            policies.activate(
                session=session, version=row.version, actor=actor, now=now, force=force
            )
        return row.version

    def not_saved(error: LeadRouterError) -> str:
        if isinstance(error, PolicyTestsFailed):
            return _not_activated(error) + ". Nothing was saved."
        return f"Not saved: {error}"

    done = "saved and activated" if draft.activate else "saved (not active)"
    return _change(
        request,
        svc.db,
        work,
        not_saved,
        lambda version: f"Version {version} {done}. The audit log names {actor}.",
    )


@router.post("/policy/activate", response_class=HTMLResponse)
def activate(
    request: Request,
    svc: Svc,
    who: ConfigWriteAction,
    version: Annotated[str, Form()] = "",
    force: Annotated[str, Form()] = "",
) -> Response:
    now, actor = svc.clock.now(), who.principal.name

    def work(session: Session) -> str:
        policies.activate(
            session=session, version=version, actor=actor, now=now, force=force == "yes"
        )
        return version

    return _change(request, svc.db, work, _not_activated, lambda v: f"Version {v} is now active.")


@router.post("/policy/rollback", response_class=HTMLResponse)
def rollback(
    request: Request,
    svc: Svc,
    who: ConfigWriteAction,
    force: Annotated[str, Form()] = "",
) -> Response:
    now, actor = svc.clock.now(), who.principal.name
    return _change(
        request,
        svc.db,
        lambda session: policies.rollback(
            session=session, actor=actor, now=now, force=force == "yes"
        ),
        lambda error: f"Not rolled back: {error}",
        lambda version: f"Rolled back: version {version} is active again.",
    )


def _change(
    request: Request,
    db: Database,
    work: Callable[[Session], str],
    not_done: Callable[[LeadRouterError], str],
    done: Callable[[str], str],
) -> Response:
    """Run one policy change (it returns the version it concerns) in a write and say how it
    went: `done(version)`, or `not_done(error)` with 409 and nothing written."""
    try:
        version = db.write(work)
    except LeadRouterError as error:
        return _answer(request, not_done(error), 409)
    return _answer(request, done(version))


def _not_activated(error: LeadRouterError) -> str:
    """Why a version was not activated; failing test cases each with what they expected."""
    if isinstance(error, PolicyTestsFailed):
        lines = "; ".join(f"{f.path}: {f.message}" for f in error.failures)
        return f"Not activated: {error} ({lines})"
    return f"Not activated: {error}"


def _answer(request: Request, message: str, status: int = 200) -> Response:
    return action_result(request, message, status, inline=True)
