"""A normalized lead's readings and dedupe keys as plain values, to cross to another process.

A CSV's reader child (`batch_reading`) and a backtest's second side (`experiments/sides`) each
normalize leads for the process that routes them. What crosses the pipe is what normalizing
found (fields, warnings) and the dedupe keys, in tuples and dicts that pickle writes and reads in
C; the receiver rebuilds the very Lead `normalize_lead` made, from the raw payload, id and arrival
time it holds or was sent. One definition, so the two hand-overs cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from leadrouter.matching.dedupe import DedupeKeys
from leadrouter.model import DataWarning, Lead
from leadrouter.normalize.lead import lead_of

Keys = tuple[str | None, str | None, str | None]
# (fields, warnings as (field, code, message, raw), dedupe keys)
Readings = tuple[dict[str, Any], list[tuple[Any, ...]], Keys]


def readings_of(lead: Lead, keys: DedupeKeys) -> Readings:
    """What normalizing and keying `lead` found, as plain values."""
    warnings = [(w.field, w.code, w.message, w.raw) for w in lead.warnings]
    return dict(lead.fields), warnings, (keys.email_key, keys.phone, keys.name_key)


def lead_from(
    raw: Mapping[str, Any], readings: Readings, id: str | None, received_at: datetime | None
) -> tuple[Lead, DedupeKeys]:
    """The Lead and keys that `readings_of` was given, made again from its readings."""
    fields, warnings, keys = readings
    warned = tuple([DataWarning(*warning) for warning in warnings])
    return lead_of(raw, fields, warned, id, received_at), DedupeKeys(*keys)
