"""`net_new_companies:`: how long a net-new company stays with the rep its first lead got.

`net_new_companies: {window: 30d}` (the window since the company's last lead). Load-time only;
routing is `distribute/companies.py`.
"""

from __future__ import annotations

from datetime import timedelta

from leadrouter.policy.sla import positive_duration
from leadrouter.policy.source import Document, Node


def compile_net_new(doc: Document, node: Node | None) -> timedelta | None:
    """The window of `net_new_companies:` (None when absent or wrong; problems reported)."""
    if node is None:
        return None
    keys = doc.mapping(node, required=("window",))
    if keys is None or "window" not in keys:
        return None
    return positive_duration(doc, keys["window"], "30d")
