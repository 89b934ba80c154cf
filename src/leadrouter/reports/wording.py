"""How a span of time reads to people, the same in the terminal and on the dashboard: 42s,
4m 05s, 2h 16m, 6d 1h. Wording only: nothing here computes a figure."""

from __future__ import annotations


def duration(seconds: float | None, missing: str = "–") -> str:
    """A span of seconds as people read it (`missing` where there is no figure)."""
    if seconds is None:
        return missing
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"
