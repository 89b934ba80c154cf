"""Whether a policy's whole traces recur: when remembering each one whole is worth its cost.

Remembering a trace costs about as much as the scan itself (a key of every entry's id, a lookup,
an insert) and pays only downstream (a trace met again is encoded once): worth it when traces
recur, as on leads whose values repeat, not when half of them are new, as on leads with values
never seen. Both ways of tracing (`scan.Generated` for small policies, `rule_trace.RuleTrace` for
big ones) ask a `Recurrence` before they look. It holds counters only; nothing here does I/O.
"""

from __future__ import annotations

# When fewer than three in four of PROBE traces looked up are found remembered, the next SKIP
# traces are not looked up.
PROBE, SKIP = 1_024, 16_384


class Recurrence:
    """Counts how often remembered traces are met again, and says when to stop looking."""

    __slots__ = ("_found", "_skip", "_tried")

    def __init__(self) -> None:
        self._tried = self._found = self._skip = 0

    def skipping(self) -> bool:
        """Whether this trace is not to be looked up (counts it as skipped)."""
        if self._skip:
            self._skip -= 1
            return True
        return False

    def met(self, found: bool) -> None:
        """Records a trace looked up: `found` remembered or not."""
        self._found += found
        self._tried += 1
        if self._tried == PROBE:
            if self._found * 4 < PROBE * 3:
                self._skip = SKIP
            self._tried = self._found = 0
