"""Whether a policy's whole traces recur: when remembering each one whole is worth its cost.

Remembering a trace costs about as much as the scan itself (a key of every entry's id, a lookup,
an insert) and pays only downstream (a trace met again is encoded once): worth it when traces
recur, as on leads whose values repeat, not when half of them are new, as on leads with values
never seen. Both ways of tracing (`scan.Generated` for small policies, `rule_trace.RuleTrace` for
big ones) count with a `Recurrence` what they find; `RuleTrace` asks it before it looks, while
`Generated` swaps in a scan that does not look when told to skip (no test per lead). It holds
counters only; nothing here does I/O.
"""

from __future__ import annotations

# When fewer than three in four of PROBE traces looked up are found remembered, the next SKIP
# traces are not looked up.
PROBE, SKIP = 1_024, 16_384


class Recurrence:
    """Counts how often remembered traces are met again, and says when to stop looking."""

    __slots__ = ("_found", "_tried", "left")

    def __init__(self) -> None:
        self._tried = self._found = 0
        self.left = 0  # traces still not to be looked up: counted down by whoever skips them

    def skipping(self) -> bool:
        """Whether this trace is not to be looked up (counts it as skipped)."""
        if self.left:
            self.left -= 1
            return True
        return False

    def met(self, found: bool) -> bool:
        """Records a trace looked up: `found` remembered or not. True when the next SKIP traces
        are not to be looked up (then `left` is SKIP)."""
        self._found += found
        self._tried += 1
        if self._tried < PROBE:
            return False
        skip = self._found * 4 < PROBE * 3
        if skip:
            self.left = SKIP
        self._tried = self._found = 0
        return skip
