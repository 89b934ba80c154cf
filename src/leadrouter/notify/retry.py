"""When to try a failed delivery again: exponential backoff with full jitter, then dead letter.

Full jitter (a uniform delay between 0 and the exponential ceiling) spreads retries of many
messages that failed together, so a recovering endpoint is not hit by a synchronized wave. Pure:
the caller passes `now` and a seeded `random.Random`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 8  # attempts in all, the first included; then the message is dead
    base: timedelta = timedelta(seconds=10)  # ceiling of the first retry's delay
    cap: timedelta = timedelta(hours=1)  # no retry waits longer than this

    def ceiling(self, attempts: int) -> timedelta:
        """The longest wait after `attempts` failed attempts (1 = the first failed)."""
        # The exponent is bounded: 2**40 seconds already exceeds any cap, and timedelta overflows.
        return min(self.cap, self.base * 2 ** min(attempts - 1, 40))

    def next_attempt(self, attempts: int, now: datetime, rng: random.Random) -> datetime | None:
        """When to try again after `attempts` failed attempts; None means dead letter."""
        if attempts >= self.max_attempts:
            return None
        return now + self.ceiling(attempts) * rng.random()
