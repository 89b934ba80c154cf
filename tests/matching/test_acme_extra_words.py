"""The Acme example: leads that write their company with extra words reach the account's owner.

Issue 18's "done when": leads from free mail whose company is an account's name plus a place, a
department or a note ("Verde Finanças APAC", "Maplemark Insurance - Procurement") are matched by
name, strongly, routed to the account's owner, and the trace says which words were extra.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from leadrouter.batch import Routed, read_rows, route_rows
from leadrouter.workspace import load_workspace

ACME = Path(__file__).parents[2] / "examples" / "acme"
# Row of leads.csv -> (company as typed, owner of the account it belongs to)
EXTRA_WORDS = {
    1005: ("Verde Finanças APAC", "sofia"),
    2391: ("Apexstone Learning Deutschland Americas", "jonas"),
    3994: ("Lehtonen Rakennus Sales", "oliver"),
    4077: ("García Distribución IT Department", "javier"),
    8740: ("Falcongate Media Sales", "olivia"),
    8875: ("Graniteside Analytics - Finance", "claire"),
    8974: ("Maplemark Insurance - Procurement", "priya"),
    9954: ("Harborside Solutions Software", "ethan"),
}


@pytest.fixture(scope="module")
def routed() -> dict[int, Routed]:
    workspace = load_workspace(ACME)
    rows = [r for r in read_rows(ACME / "leads.csv", lambda bad: None) if r[0] in EXTRA_WORDS]
    at = datetime(2026, 11, 2, tzinfo=UTC)
    return {
        row[0]: r
        for row, r in zip(
            rows, route_rows(iter(rows), workspace.snapshot(), at, replay=True), strict=True
        )
    }


@pytest.mark.parametrize("row", sorted(EXTRA_WORDS))
def test_acme__a_lead_with_extra_words_reaches_the_accounts_owner_with_the_words_in_the_trace(
    routed: dict[int, Routed], row: int
) -> None:
    company, owner = EXTRA_WORDS[row]
    result = routed[row]
    decision = result.decision
    match = decision.trace.match
    assert result.lead.fields["company"] == company
    assert result.lead.fields.get("free_email")
    assert match is not None and match.strong and match.method == "name"
    assert match.account.owner == owner
    assert decision.owner == owner
    assert "extra in the lead:" in match.reason
