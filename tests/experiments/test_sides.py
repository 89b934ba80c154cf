"""The sides of a backtest replayed in two processes: what crosses between them comes back equal."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta

from leadrouter.experiments.history import Arrival
from leadrouter.experiments.replay import Prepared
from leadrouter.experiments.sides import _leads_from
from leadrouter.matching import AccountIndex
from leadrouter.matching.match_readings import match_from, match_readings
from leadrouter.matching.readings import readings_of
from leadrouter.model import Reason

from ..factories import POLICY, TEAM, account_book, snapshot

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


def test_match_from__the_other_processs_readings_rebuild_the_matches_made_here():
    index = AccountIndex.build(account_book())
    arrivals = [
        Arrival(
            f"lead-{n}",
            {
                "email": f"person{n % 13}@company{n % 13}.com",
                "company": f"Company {n % 11} {('Labs', 'Systems', '')[n % 3]}",
                "country": ("US", "CA", "DE", "FR")[n % 4],
            },
            START,
        )
        for n in range(132)  # lead-60: a US "Company 5 Labs", two accounts alike
    ]
    leads, _ = Prepared(arrivals).normalized(snapshot(POLICY, TEAM).policy, 0, len(arrivals))
    matched = [index.match(lead) for lead in leads]

    sent = pickle.loads(pickle.dumps(list(map(match_readings, matched))))  # across the pipe
    rebuilt = [match_from(readings, index) for readings in sent]

    assert rebuilt == matched
    found = [(r.match, m.match) for r, m in zip(rebuilt, matched, strict=True) if m.match]
    assert all(r.account is m.account for r, m in found)  # the index's own accounts
    assert any(m.runner_up for _, m in found) and any(not m.strong for _, m in found)
    assert len(found) < len(matched)
    codes = {note.code for m in matched for note in m.notes}
    assert Reason.ACCOUNT_AMBIGUOUS in codes
