"""What a dashboard button does to a lead: the manual moves of `leads.manual` (assign from a
queue, reassign, undo), under the names the dashboard and its demo have always used."""

from __future__ import annotations

from leadrouter.leads.manual import (
    MANUAL,
    UNDO_WINDOW,
    Assigned,
    NeedsConfirmation,
    assign_lead,
    undo,
    undo_assignment,
    why_unavailable,
)

__all__ = [
    "MANUAL",
    "UNDO_WINDOW",
    "Assigned",
    "NeedsConfirmation",
    "assign_lead",
    "undo",
    "undo_assignment",
    "why_unavailable",
]
