"""Email over SMTP with the standard library: one connection per message, plain text.

The Message-ID is derived from the outbox key, so if a worker dies after the server accepted a
message and before the outbox row was marked, the resent copy carries the same Message-ID and mail
clients show one message.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from leadrouter.notify.message import DeliveryFailed, Message
from leadrouter.notify.redact import redact


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str = "127.0.0.1"
    port: int = 25
    sender: str = "leadrouter@localhost"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False
    timeout: float = 10.0


def email_message(message: Message, sender: str, now: datetime) -> EmailMessage:
    """The RFC 5322 message for a notification."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Date"] = format_datetime(now)
    # A Message-ID allows no ":" (the keys have them): a digest of the key keeps it stable.
    email["Message-ID"] = f"<{hashlib.sha256(message.key.encode()).hexdigest()[:32]}@leadrouter>"
    email["X-Leadrouter-Key"] = message.key
    email["X-Leadrouter-Event"] = message.event
    email.set_content(message.text)
    return email


def send_email(config: SmtpConfig, message: Message, now: datetime) -> None:
    """Send through the configured SMTP server; DeliveryFailed on any failure."""
    if not message.to:
        raise DeliveryFailed(f"{message.key}: email without a recipient", retryable=False)
    try:
        with smtplib.SMTP(config.host, config.port, timeout=config.timeout) as smtp:
            if config.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if config.username:
                smtp.login(config.username, config.password or "")
            smtp.send_message(email_message(message, config.sender, now))
    except smtplib.SMTPRecipientsRefused as error:
        raise _failed(config, f"SMTP refused {message.to}: {error}", False) from error
    except smtplib.SMTPResponseException as error:
        # 5xx is a permanent refusal, 4xx a temporary one (greylisting, a full mailbox).
        text = f"SMTP {error.smtp_code}: {error.smtp_error!r}"
        raise _failed(config, text, error.smtp_code < 500) from error
    except (smtplib.SMTPException, OSError) as error:
        raise _failed(config, f"SMTP {config.host}:{config.port}: {error}", True) from error


def _failed(config: SmtpConfig, text: str, retryable: bool) -> DeliveryFailed:
    # A server may echo the login it refused: the password never reaches the outbox.
    return DeliveryFailed(redact(text, (config.password,)), retryable=retryable)
