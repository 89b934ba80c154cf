"""The service's clock: the one place that reads the time of day.

The core never reads it (time is the `now` argument); the shell takes a `Clock` so tests and
simulations pass a fake one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)
