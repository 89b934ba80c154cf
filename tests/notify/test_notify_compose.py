"""Templates and composition: the rep learns who the lead is, why they got it, and the deadline."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from jinja2 import UndefinedError

from leadrouter.model import Rep
from leadrouter.notify.compose import Notification, compose
from leadrouter.notify.deliver import Endpoints
from leadrouter.notify.message import Channel
from leadrouter.notify.smtp import SmtpConfig
from leadrouter.notify.templates import Templates
from leadrouter.notify.webhook import WebhookConfig

ANA = Rep("ana", "Ana Souza", "ana@acme.example", "America/New_York")
LEAD = {"name": "Jo Park", "title": "CTO", "company": "Tiny IO", "email": "jo@tiny.io"}
REMINDER = Notification(
    "sla_reminder",
    "sla:7",
    "L1",
    LEAD,
    ANA,
    why=("matched rule west-smb: us_west and employees < 200", "ana was next in turn"),
    rule="west-smb",
    deadline=datetime(2026, 11, 24, 15, 5, tzinfo=UTC),
    sla="demo-request",
)
ALL = frozenset(Channel)


def test_compose__reminder_says_who_why_and_the_deadline_in_the_reps_zone() -> None:
    email = next(m for m in compose(REMINDER, Templates(), ALL) if m.channel is Channel.EMAIL)
    assert email.subject == "Reminder: contact Jo Park by Tue 24 Nov 2026 10:05 EST"
    assert "Lead: Jo Park, CTO at Tiny IO" in email.text
    assert 'Why you: rule "west-smb"' in email.text and "- ana was next in turn" in email.text
    assert "First touch due by Tue 24 Nov 2026 10:05 EST (SLA demo-request)." in email.text
    assert email.to == "ana@acme.example" and email.key == "sla:7:email"


def test_compose__one_message_per_channel_with_keys_derived_from_the_event() -> None:
    messages = compose(REMINDER, Templates(), ALL)
    assert [m.key for m in messages] == ["sla:7:email", "sla:7:slack", "sla:7:webhook"]
    assert messages[2].data["deadline"] == "2026-11-24T15:05:00+00:00"


def test_compose__team_notices_skip_email() -> None:
    alert = Notification("queue_alert", "queue:L9", "L9", LEAD, queue="unrouted", detail="no rule")
    messages = compose(alert, Templates(), ALL)
    assert [m.channel for m in messages] == [Channel.SLACK, Channel.WEBHOOK]
    assert messages[0].subject == "Lead needs an owner: Jo Park is in unrouted"


@pytest.mark.parametrize("event", ["assigned", "sla_alert", "sla_reassigned"])
def test_compose__every_rep_template_renders_with_a_full_notification(event: str) -> None:
    notification = Notification(
        event, "k", "L1", LEAD, ANA, owner="bob", deadline=REMINDER.deadline, sla="demo"
    )
    (message,) = compose(notification, Templates(), frozenset({Channel.EMAIL}))
    assert "Jo Park" in message.subject and message.text.strip()


def test_templates__a_file_in_the_override_folder_wins(tmp_path: Path) -> None:
    (tmp_path / "sla_reminder.txt.j2").write_text(
        "{% block subject %}Call {{ lead.name }}!{% endblock %}{% block body %}Now.{% endblock %}"
    )
    subject, body = Templates(tmp_path).render("sla_reminder", {"lead": LEAD})
    assert (subject, body) == ("Call Jo Park!", "Now.\n")
    # Templates not overridden still come from the package.
    assert Templates(tmp_path).render("queue_alert", {**_blank(), "queue": "q"})[0]


def test_templates__an_undefined_variable_fails_loudly(tmp_path: Path) -> None:
    (tmp_path / "sla_reminder.txt.j2").write_text(
        "{% block subject %}{{ lead.nmae }}{% endblock %}{% block body %}{% endblock %}"
    )
    with pytest.raises(UndefinedError):
        Templates(tmp_path).render("sla_reminder", {"lead": LEAD})


def test_endpoints__enable_only_configured_channels() -> None:
    assert Endpoints().channels == frozenset()
    endpoints = Endpoints(SmtpConfig(), None, WebhookConfig("http://x", "s"))
    assert endpoints.channels == {Channel.EMAIL, Channel.WEBHOOK}


def _blank() -> dict[str, object]:
    fields = ("lead_id", "rep", "owner", "rule", "deadline", "sla", "queue", "detail")
    return {**dict.fromkeys(fields), "lead": LEAD, "why": ()}
