"""Normalization: dirty raw leads (JSON objects, CSV rows) to clean, typed lead fields.

The first step of routing and the only one that reads raw input. `normalize_lead` never raises
for bad data; what it cannot understand is reported as a DataWarning. Nothing here does I/O,
reads the clock or uses randomness; lookup tables are built once at import.
"""

from leadrouter.normalize.fields import STANDARD_FIELDS
from leadrouter.normalize.lead import normalize_lead
from leadrouter.normalize.readers import CATEGORICAL_FIELDS

__all__ = ["CATEGORICAL_FIELDS", "STANDARD_FIELDS", "normalize_lead"]
