"""Read-only mappings for frozen values: the shared empty mapping and a fast copy.

Nothing in the `model` package does I/O, reads the clock or imports any other part of
leadrouter.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

EMPTY: Mapping[str, Any] = MappingProxyType({})


def plain_dict(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """`mapping` as a new dict: a mapping proxy's copy() is its dict's, a tenth of dict(proxy),
    which reads it key by key (the engine and the codec do this for every lead)."""
    return mapping.copy() if type(mapping) is MappingProxyType else dict(mapping)
