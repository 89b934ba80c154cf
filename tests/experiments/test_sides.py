"""The sides of a backtest replayed in two processes: what crosses between them comes back equal."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta

from leadrouter.experiments.history import Arrival
from leadrouter.experiments.replay import Prepared
from leadrouter.experiments.sides import _leads_from
from leadrouter.matching.readings import readings_of

from ..factories import POLICY, TEAM, snapshot

START = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)


def test_leads_from__the_other_processs_readings_rebuild_the_leads_normalized_here():
    # Clean and dirty values: corrected, unreadable and placeholder ones carry warnings.
    raws = [
        {"email": "Jo.Doe+x@GoogleMail.com", "country": "Cananda", "phone": "+1 415 555 0100"},
        {"name": "Smith, Jo", "country": "n/a", "employees": "12k", "company": "ACME Inc."},
        {"email": "not an email", "state": "Bavaria", "country": "DE", "postal_code": "8033"},
        {},
    ]
    arrivals = [
        Arrival(f"lead-{n}", raw, START + timedelta(minutes=n)) for n, raw in enumerate(raws)
    ]
    policy = snapshot(POLICY, TEAM).policy
    leads, keys = Prepared(arrivals).normalized(policy, 0, len(arrivals))

    sent = pickle.loads(pickle.dumps(list(map(readings_of, leads, keys))))  # across the pipe
    rebuilt, rebuilt_keys = _leads_from(arrivals, sent)

    assert any(lead.warnings for lead in leads)
    assert rebuilt == leads and rebuilt_keys == keys
