"""The engine chooses an assignment's SLA from its own evaluation context (no database, no clock):
the matched account, the policy's sets and the score are all in scope, and the choice travels
in the decision."""

from __future__ import annotations

from leadrouter.codec import decision_from_dict, decision_to_dict
from leadrouter.engine import route
from leadrouter.model import Account, AccountType, Kind
from tests.factories import POLICY, TUESDAY_15_UTC, snapshot

SLAS = """
sla:
  - id: customer
    when: account.type == "customer"
    first_touch: 1h
  - id: emea
    when: country in EMEA
    first_touch: 2h
  - id: hot
    when: score >= 70
    first_touch: 5m
"""
INITECH = Account(
    id="A1", name="Initech", type=AccountType.CUSTOMER, owner="bob", domains=("initech.com",)
)


def test_route__chooses_the_sla_from_the_matched_account() -> None:
    lead = {"email": "jo@initech.com", "company": "Initech", "form": "demo_request"}
    decision = route(lead, snapshot(POLICY + SLAS, accounts=[INITECH]), TUESDAY_15_UTC)
    assert (decision.kind, decision.owner, decision.effects.sla) == (Kind.REP, "bob", "customer")


def test_route__chooses_the_sla_from_a_policy_set_and_the_score() -> None:
    demo = {"email": "jo@tiny.io", "form": "demo_request", "employees": "5k"}
    in_emea = route({**demo, "country": "Germany"}, snapshot(POLICY + SLAS), TUESDAY_15_UTC)
    hot = route({**demo, "country": "USA"}, snapshot(POLICY + SLAS), TUESDAY_15_UTC)
    assert (in_emea.owner, in_emea.effects.sla) == ("lea", "emea")
    assert (hot.owner, hot.effects.sla) == ("ana", "hot")


def test_route__a_lead_placed_in_a_queue_starts_no_sla() -> None:
    lead = {"email": "jo@tiny.io", "country": "Germany"}  # below MQL: the nurture queue
    decision = route(lead, snapshot(POLICY + SLAS), TUESDAY_15_UTC)
    assert (decision.kind, decision.effects.sla) == (Kind.NURTURE, None)


def test_codec__writes_the_chosen_sla_only_when_there_is_one() -> None:
    demo = {"email": "jo@tiny.io", "form": "demo_request", "employees": "5k", "country": "US"}
    with_sla = route(demo, snapshot(POLICY + SLAS), TUESDAY_15_UTC)
    without = route(demo, snapshot(POLICY), TUESDAY_15_UTC)
    assert decision_to_dict(with_sla)["effects"]["sla"] == "hot"
    assert "sla" not in decision_to_dict(without)["effects"]
    assert decision_from_dict(decision_to_dict(with_sla)).effects == with_sla.effects
