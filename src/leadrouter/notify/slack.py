"""Slack incoming webhooks: a message becomes `{"text": ...}` in Slack's mrkdwn, POSTed as JSON.

An incoming-webhook URL is bound to one channel, so Slack messages go to the team's channel; the
rep is named in the text. No signing: the URL itself is the secret (keep it out of logs).
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from leadrouter.notify.http import post
from leadrouter.notify.message import Message


def slack_payload(message: Message) -> dict[str, Any]:
    """The JSON Slack expects: a bold subject line over the body text."""
    return {"text": f"*{message.subject}*\n{message.text}"}


def send_slack(client: httpx.Client, url: str, message: Message) -> None:
    """Post the message to a Slack incoming webhook; DeliveryFailed on any failure."""
    body = json.dumps(slack_payload(message)).encode()
    post(client, url, body, {"Content-Type": "application/json"})
