"""Real receivers on 127.0.0.1 for notification tests: an HTTP server and an SMTP server.

The HTTP receiver checks webhook signatures like a real consumer would (rejecting bad ones with
400), remembers idempotency keys, and can be told to fail a path a number of times.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import Message as EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from leadrouter.errors import IntegrationError
from leadrouter.notify.webhook import IDEMPOTENCY_HEADER, verify_signature

SECRET = "whsec_test"


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class HttpReceiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    delivered_keys: list[str] = field(default_factory=list)  # first sight of each key only
    failures: dict[str, int] = field(default_factory=dict)  # path -> times to answer 503
    rejected: list[str] = field(default_factory=list)
    delay: float = 0.0  # seconds each answer takes, to keep deliveries in flight


@contextmanager
def http_receiver(
    secret: str = SECRET, now: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> Iterator[HttpReceiver]:
    """A receiver checking signatures against `now()` (the senders' clock in fake-time tests)."""
    state = HttpReceiver("")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            time.sleep(state.delay)
            headers = dict(self.headers.items())
            with lock:
                state.requests.append(Received(self.path, headers, body))
                left = state.failures.get(self.path, 0)
                if left:
                    state.failures[self.path] = left - 1
                    return self._answer(503, "try later")
            if self.path.startswith("/hook"):
                try:
                    verify_signature(secret, headers, body, now())
                except IntegrationError as error:
                    state.rejected.append(str(error))
                    return self._answer(400, str(error))
                key = headers.get(IDEMPOTENCY_HEADER, "")
                with lock:
                    if key not in state.delivered_keys:
                        state.delivered_keys.append(key)
            if self.path.startswith("/gone"):
                return self._answer(404, "no_service")
            self._answer(200, "ok")

        def _answer(self, status: int, text: str) -> None:
            self.send_response(status)
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            self.wfile.write(text.encode())

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    # A short poll interval keeps shutdown (and so each test) fast.
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


class MailSink:
    """aiosmtpd handler keeping every message; recipients in `refuse` get a 550."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def smtp_sink() -> Iterator[tuple[MailSink, int]]:
    sink = MailSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()
