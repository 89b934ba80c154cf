"""One rep per net-new company: colleagues at a company with no account go to one rep within
the policy's window, without using a rotation turn; free-mail domains never count."""

from datetime import UTC, datetime, timedelta

import pytest
from tests.factories import snapshot

from leadrouter.errors import PolicyError
from leadrouter.model import Account, Reason
from leadrouter.normalize import normalize_lead
from leadrouter.sequence import LeadSequence

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
TEAM = """
reps:
  - {id: ana, name: Ana, email: ana@acme.example}
  - {id: bob, name: Bob, email: bob@acme.example}
  - {id: cat, name: Cat, email: cat@acme.example}
pools:
  - {id: p, name: P, members: [ana, bob, cat]}
  - {id: other, name: Other, members: [cat]}
queues:
  - {id: q, name: Q, fallback: true}
"""
POLICY = """
version: "c-1"
fallback_queue: q
net_new_companies: {window: 30d}
rules:
  - {id: pooled, route: pool p}
"""


def _route(emails, at=NOW, step=timedelta(0), accounts=None, policy=POLICY):
    sequence = LeadSequence(snapshot(policy, TEAM, accounts=accounts))
    decisions = []
    for number, email in enumerate(emails):
        lead = normalize_lead({"email": email}, id=f"l{number}")
        decisions.append(sequence.route(lead, at + step * number).decision)
    return decisions, sequence


def test_colleagues_at_a_net_new_company_go_to_one_rep_without_a_turn():
    decisions, sequence = _route(["jo@initech.io", "kim@initech.io", "lu@globex.io"])
    assert [d.owner for d in decisions] == ["ana", "ana", "bob"]
    sticky = [c for c in decisions[1].trace.reps if c.reason is Reason.COMPANY_STICKY]
    assert "same net-new company (initech.io)" in sticky[0].detail
    assert "no rotation turn used" in sticky[0].detail
    assert decisions[1].effects.pools == {}  # the rotation did not move
    assert sequence.state.load("ana").today == 2  # but it is a new lead for ana's caps


def test_free_mail_never_counts_as_a_company():
    decisions, _ = _route(["jo@gmail.com", "kim@gmail.com"])
    assert [d.owner for d in decisions] == ["ana", "bob"]


def test_a_company_with_an_account_is_not_net_new():
    account = Account("a1", "Initech", ("initech.io",))
    decisions, _ = _route(["jo@initech.io", "kim@initech.io"], accounts=[account])
    assert [d.owner for d in decisions] == ["ana", "bob"]


def test_outside_the_window_the_rotation_decides_again():
    decisions, _ = _route(
        ["jo@initech.io", "x@globex.io", "kim@initech.io"], step=timedelta(days=20)
    )
    assert [d.owner for d in decisions] == ["ana", "bob", "cat"]
    # within the window the window slides from the company's last lead
    decisions, _ = _route(
        ["jo@initech.io", "kim@initech.io", "lu@initech.io"], step=timedelta(days=20)
    )
    assert [d.owner for d in decisions] == ["ana", "ana", "ana"]


def test_without_the_policy_key_colleagues_rotate():
    decisions, _ = _route(
        ["jo@initech.io", "kim@initech.io"], policy=POLICY.replace("net_new_companies", "#")
    )
    assert [d.owner for d in decisions] == ["ana", "bob"]


def test_the_earlier_rep_must_be_able_to_take_the_lead_in_the_pool():
    policy = POLICY.replace(
        "  - {id: pooled, route: pool p}",
        '  - {id: o, when: email starts with "boss", route: pool other}\n'
        "  - {id: pooled, route: pool p}",
    )
    decisions, _ = _route(["jo@initech.io", "boss@initech.io"], policy=policy)
    assert [d.owner for d in decisions] == ["ana", "cat"]
    assert any("not a member of pool other" in n.message for n in decisions[1].trace.notes)


@pytest.mark.parametrize(
    ("value", "message"),
    [("{window: soon}", "not a duration"), ("{days: 3}", "unknown key 'days'")],
)
def test_policy_check_reports_bad_net_new_companies(value, message):
    with pytest.raises(PolicyError) as caught:
        snapshot(POLICY.replace("{window: 30d}", value), TEAM)
    assert message in str(caught.value) and "policy.yaml:3:" in str(caught.value)
