"""Whether a policy's whole traces recur: when remembering each one whole is worth its cost.

Remembering a trace costs about as much as the scan itself (a key of every entry's id, a lookup,
an insert) and pays only downstream (a trace met again is encoded once): worth it when traces
recur, as on leads whose values repeat, not when half of them are new, as on leads with values
never seen. Both ways of tracing (`scan.Generated` for small policies, `rule_trace.RuleTrace` for
big ones) tell a `Recurrence` what they find, and it says how many traces to skip; they count
those down themselves (`Generated` in its generated code, with no test per lead in Python). It
holds counters only; nothing here does I/O.
"""

from __future__ import annotations

# When fewer than three in four of PROBE traces looked up are found remembered, the next SKIP
# traces are not looked up.
PROBE, SKIP = 1_024, 16_384


class Recurrence:
    """Counts how often remembered traces are met again, and says when to stop looking."""

    __slots__ = ("_found", "_tried")

    def __init__(self) -> None:
        self._tried = self._found = 0

    def met(self, found: bool) -> int:
        """Records a trace looked up: `found` remembered or not. Returns how many of the next
        traces not to look up (0 or SKIP); the caller counts them down."""
        self._found += found
        self._tried += 1
        if self._tried < PROBE:
            return 0
        skip = SKIP if self._found * 4 < PROBE * 3 else 0
        self._tried = self._found = 0
        return skip
