"""Time in the policy language: `now`, `created_at`, `age`, dates and durations, and the grace
delay that holds young leads back."""

from datetime import UTC, datetime, timedelta

import pytest

from leadrouter.batch import route_rows
from leadrouter.engine import route
from leadrouter.errors import PolicyError
from leadrouter.model import Reason
from leadrouter.normalize import normalize_lead
from leadrouter.policy.lead_time import grace_due
from tests.factories import TEAM, snapshot

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def _policy(when: str, extra: str = "") -> str:
    return f"""
version: "t-1"
fallback_queue: unrouted
{extra}
rules:
  - {{id: timed, when: '{when}', route: queue nurture}}
  - {{id: catch-all, route: queue unrouted}}
"""


def _rule(when: str, lead: dict, now: datetime = NOW, extra: str = "") -> str | None:
    return route(lead, snapshot(_policy(when, extra), TEAM), now).rule


@pytest.mark.parametrize(
    ("when", "created", "expected"),
    [
        ("age < 7 days", "2026-11-20T15:00:00Z", "timed"),
        ("age < 7 days", "2026-11-10T15:00:00Z", "catch-all"),
        ("age >= 36 hours", "2026-11-23T02:00:00Z", "timed"),
        ("age < 90 minutes", "2026-11-24T14:00:00Z", "timed"),
        ('created_at >= "2026-11-01"', "2026-11-20T15:00:00Z", "timed"),
        ('created_at < "2026-11-01T00:00:00+01:00"', "2026-10-31T23:30:00Z", "catch-all"),
        ('now >= "2026-11-24T14:59:00Z"', "2026-11-20T15:00:00Z", "timed"),
        ("created_at < now", "2026-11-20T15:00:00Z", "timed"),
    ],
)
def test_time_conditions__compare_dates_and_durations(when, created, expected):
    assert _rule(when, {"email": "jo@x.com", "created_at": created}) == expected


def test_created_at__defaults_to_when_the_lead_was_received():
    lead = normalize_lead({"email": "jo@x.com"}, received_at=NOW - timedelta(hours=2))
    assert _rule("age >= 2 hours", lead) == "timed"
    assert _rule("age >= 3 hours", lead) == "catch-all"


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("age < 7", "'age' is a duration: give the value a unit"),
        ("employees < 7 days", "this is a duration, and 'employees' holds a number"),
        ('created_at > "last week"', "compare it with a date in quotes"),
        ("age contains 3 days", "'contains' does not apply to a duration"),
        ("created_at in [1, 2]", "'in' does not apply to a date and time"),
        ("created_at < age", "cannot compare 'created_at' (a date and time) with 'age'"),
    ],
)
def test_time_conditions__policy_check_reports_type_errors_at_their_column(when, message):
    with pytest.raises(PolicyError) as caught:
        snapshot(_policy(when), TEAM)
    assert message in str(caught.value)
    assert "policy.yaml:5:" in str(caught.value)


GRACE = "grace: {delay: 10m, when: employees is missing}"


def test_grace__a_young_lead_waits_until_created_at_plus_the_delay():
    policy = snapshot(_policy("email is present", GRACE), TEAM).policy
    young = normalize_lead({"email": "jo@x.com", "created_at": "2026-11-24T14:55:00Z"})
    assert grace_due(young, policy.grace, NOW) == datetime(2026, 11, 24, 15, 5, tzinfo=UTC)
    enriched = normalize_lead({"email": "jo@x.com", "employees": "50"})
    assert grace_due(enriched, policy.grace, NOW) is None  # the grace's `when` is false


def test_grace__the_trace_says_how_long_the_lead_waited():
    snap = snapshot(_policy("email is present", GRACE), TEAM)
    lead = {"email": "jo@x.com", "created_at": "2026-11-24T14:50:00Z"}
    waited = route(lead, snap, NOW)
    [note] = [n for n in waited.trace.notes if n.code is Reason.GRACE_WAITED]
    assert "grace delay 10m when employees is missing" in note.message
    assert note.data["due"] == "2026-11-24T15:00:00Z"
    early = route(lead, snap, NOW - timedelta(minutes=5))
    assert any(n.code is Reason.GRACE_CUT_SHORT for n in early.trace.notes)


def test_grace__a_batch_routes_a_young_lead_at_its_due_time():
    snap = snapshot(_policy("email is present", "grace: 10m"), TEAM)
    rows = iter([(1, {"email": "jo@x.com", "created_at": "2026-11-24T14:58:00Z"})])
    [routed] = route_rows(rows, snap, NOW, replay=True)
    assert routed.decision.at == datetime(2026, 11, 24, 15, 8, tzinfo=UTC)


@pytest.mark.parametrize(
    ("grace", "message"),
    [
        ("grace: soon", "not a duration: 'soon'"),
        ("grace: {delay: 10m, when: colour == 1}", "unknown field 'colour'"),
        ("grace: {wait: 10m}", "unknown key 'wait'"),
    ],
)
def test_grace__policy_check_reports_bad_keys_at_their_line(grace, message):
    with pytest.raises(PolicyError) as caught:
        snapshot(_policy("email is present", grace), TEAM)
    assert message in str(caught.value)
    assert "policy.yaml:3:" in str(caught.value)


def test_time_values__read_as_times_in_the_explanation():
    from leadrouter.explain import describe

    lead = {"email": "jo@x.com", "created_at": "2026-11-10T15:00:00Z"}
    decision = route(lead, snapshot(_policy("age < 7 days"), TEAM), NOW)
    assert any("age = 14 days" in line for line in describe(decision))


def test_custom_datetime_field__is_read_from_iso_text_and_compared_with_dates_and_now():
    extra = "fields: {trial_ends: datetime}"
    expired = {"email": "jo@x.com", "trial_ends": "2026-11-01"}
    running = {"email": "jo@x.com", "trial_ends": "2026-12-01T09:00:00+01:00"}
    assert _rule("trial_ends < now", expired, extra=extra) == "timed"
    assert _rule("trial_ends < now", running, extra=extra) == "catch-all"
    assert _rule('trial_ends >= "2026-11-30"', running, extra=extra) == "timed"
    garbled = route(
        {"email": "jo@x.com", "trial_ends": "soon"},
        snapshot(_policy("trial_ends < now", extra), TEAM),
        NOW,
    )
    assert garbled.rule == "catch-all"
    assert any(w.field == "trial_ends" for w in garbled.trace.warnings)
