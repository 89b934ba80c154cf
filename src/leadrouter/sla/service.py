"""The SLA domain's operations, one module per job of the worker and the API:

- `intake`: start the clock the engine chose for each new decision, alert on fallback landings;
- `touches`: stop clocks at the first touch;
- `timers`: fire due ladder steps with everything they cause;
- `timeline`: everything that happened to a lead;
- `queue_alerts`: the leads waiting in a fallback queue.

Each runs inside the caller's transaction. Decisions and touches are written by the leads
service; these modules read them and never change them. On PostgreSQL rows are claimed with
`FOR UPDATE SKIP LOCKED` so several workers share the work; on SQLite, one worker runs.
"""

from __future__ import annotations

from leadrouter.sla.clocks import Context
from leadrouter.sla.intake import INTAKE_LOOKBACK, intake
from leadrouter.sla.queue_alerts import unowned, waiting_in_fallback
from leadrouter.sla.timeline import TimelineEntry, timeline
from leadrouter.sla.timers import fire_due
from leadrouter.sla.touches import stop_touched

__all__ = [
    "INTAKE_LOOKBACK",
    "Context",
    "TimelineEntry",
    "fire_due",
    "intake",
    "stop_touched",
    "timeline",
    "unowned",
    "waiting_in_fallback",
]
