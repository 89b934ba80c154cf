"""Time in the policy: the lead's `created_at`, its `age`, `now`, and the grace delay.

`now` is the routing time the caller passes; `created_at` is the lead's own creation time (a
`created_at`-like column or key in the raw lead, else the time the lead was received, else
`now`); `age` is `now - created_at`, never negative. In the engine's context they are numbers
(seconds since the epoch, seconds) typed `datetime` and `duration`, so conditions compare them
with dates and durations only (`policy/conditions.py`).

`grace:` holds young leads back: a lead younger than the delay (and matching the grace's `when`,
if any) waits, e.g. for enrichment, and routes at `created_at + delay`. The core never waits:
`grace_due` says until when a lead should wait and the shells hold it (the service's worker
routes it when due; `leadrouter route --replay` routes it at its due time). Pure: no clock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from leadrouter.model import Lead
from leadrouter.policy.compiled import Condition
from leadrouter.policy.sla import positive_duration
from leadrouter.policy.source import Document, Node

# Raw keys (casefolded, stripped) that hold the lead's creation time, first found wins.
CREATED_AT_KEYS = ("created_at", "created at", "createddate", "created", "submitted_at", "date")
_GRACE_KEYS = ("delay", "when")
_ALWAYS = Condition("always")


def created_at_of(raw: Mapping[str, Any]) -> datetime | None:
    """The creation time a raw lead (a CSV row, a JSON body) carries, when readable and zoned."""
    for key, value in raw.items():
        if isinstance(key, str) and key.strip().lower() in CREATED_AT_KEYS and value:
            try:
                at = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
            except ValueError:
                return None
            return at if at.tzinfo else None
    return None


def lead_created_at(lead: Lead, now: datetime) -> datetime:
    """When the lead was created: its own `created_at`, else when it was received, else now."""
    return created_at_of(lead.raw) or lead.received_at or now


def add_time_fields(ctx: dict[str, Any], lead: Lead, now: datetime) -> datetime:
    """Put `now`, `created_at` and `age` in `ctx` (as seconds); returns `created_at`."""
    created = lead_created_at(lead, now)
    ctx["now"] = now.timestamp()
    ctx["created_at"] = created.timestamp()
    ctx["age"] = max((now - created).total_seconds(), 0.0)
    return created


@dataclass(frozen=True, slots=True)
class Grace:
    """Leads younger than `delay` that meet `condition` wait until `created_at + delay`."""

    delay: timedelta
    condition: Condition = _ALWAYS
    line: int = 0

    def __str__(self) -> str:
        when = "" if self.condition.always else f" when {self.condition.source}"
        return f"grace delay {_words(self.delay)}{when}"


def grace_due(lead: Lead, grace: Grace | None, now: datetime) -> datetime | None:
    """When `lead` may route under `grace` (None: no grace applies to it). Past or present
    means it may route now; the future means the shell holds it until then."""
    if grace is None:
        return None
    ctx = dict(lead.fields)
    created = add_time_fields(ctx, lead, now)
    if not grace.condition.always and grace.condition.first_false(ctx) != -1:
        return None
    return created + grace.delay


def compile_grace(
    doc: Document, node: Node | None, compile_when: Callable[[Node | None], Condition | None]
) -> Grace | None:
    """`grace: 10m` or `grace: {delay: 10m, when: <condition>}`; problems reported to `doc`."""
    if node is None:
        return None
    if isinstance(node.value, str):
        delay = positive_duration(doc, node, "10m")
        return Grace(delay, line=node.line) if delay is not None else None
    keys = doc.mapping(node, required=("delay",), optional=_GRACE_KEYS)
    if keys is None or "delay" not in keys:
        return None
    delay = positive_duration(doc, keys["delay"], "10m")
    condition = compile_when(keys.get("when"))
    if delay is None or condition is None:
        return None
    return Grace(delay, condition, node.line)


def _words(delay: timedelta) -> str:
    seconds = int(delay.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = (
        [f"{hours}h"] * bool(hours) + [f"{minutes}m"] * bool(minutes) + [f"{secs}s"] * bool(secs)
    )
    return "".join(parts) or "0s"
