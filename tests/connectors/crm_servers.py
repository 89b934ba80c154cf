"""Local CRMs on 127.0.0.1 implementing the documented endpoints the connectors call, so the
vendors' own clients (hubspot-api-client, simple-salesforce) run unchanged against them.

HubSpot (HTTP): CRM v3 contacts `GET|PATCH /crm/v3/objects/contacts/{id}`, tasks
`POST /crm/v3/objects/tasks` and sequence enrollments (`POST /automation/v4/sequences/
enrollments`), bearer-token auth, errors in HubSpot's JSON shape. Salesforce
(HTTPS with a self-signed certificate, as simple-salesforce only speaks https): the OAuth
token endpoint `POST /services/oauth2/token` (client credentials), `GET|PATCH
/services/data/vXX.X/sobjects/Lead/{id}`, `POST .../sobjects/Task/` and `GET .../query/`
(the `LastModifiedDate >=` query the poller sends). Each server can be told to fail the next
requests (`fail(status, headers)`), as a CRM under load does (429 with Retry-After, 503).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import re
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

FIXTURES = Path(__file__).with_name("fixtures")


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


@dataclass
class Seen:
    method: str
    path: str
    body: Any
    headers: dict[str, str]


@dataclass
class CrmState:
    token: str
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    enrollments: list[dict[str, Any]] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    failures: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, status: int, headers: dict[str, str] | None = None, times: int = 1) -> None:
        """Answer the next `times` requests (the token endpoint's excepted) with `status`."""
        with self.lock:
            self.failures.extend([(status, headers or {})] * times)

    def writes(self, method: str = "PATCH") -> list[Seen]:
        return [s for s in self.seen if s.method == method]


class _Handler(BaseHTTPRequestHandler):
    state: CrmState
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms delayed ACK

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return None
        if "json" in (self.headers.get("Content-Type") or ""):
            return json.loads(raw)
        return {k: v[0] for k, v in parse_qs(raw.decode()).items()}

    def _send(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if body is not None:
            self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _handle(self, method: str) -> None:
        url = urlparse(self.path)
        body = self._body()
        with self.state.lock:
            self.state.seen.append(Seen(method, self.path, body, dict(self.headers)))
            failure = None
            if self.state.failures and not url.path.endswith("/oauth2/token"):
                failure = self.state.failures.pop(0)
        if failure is not None:
            self._send(failure[0], self.error_body(failure[0]), failure[1])
            return
        self.route(method, url.path, parse_qs(url.query), body)

    def error_body(self, status: int) -> Any:
        return {"status": "error", "message": f"HTTP {status}", "category": "RATE_LIMITS"}

    def route(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> None:
        raise NotImplementedError

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def authorized(self) -> bool:
        return self.headers.get("Authorization") == f"Bearer {self.state.token}"


class HubSpotHandler(_Handler):
    """HubSpot's CRM v3 objects API, for contacts and tasks."""

    def route(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> None:
        if not self.authorized():
            self._send(
                401,
                {
                    "status": "error",
                    "message": "Authentication credentials not found.",
                    "category": "INVALID_AUTHENTICATION",
                },
            )
            return
        contact = re.fullmatch(r"/crm/v3/objects/contacts/(\d+)", path)
        if contact and method in ("GET", "PATCH"):
            record = self.state.records.get(contact[1])
            if record is None:
                self._send(
                    404,
                    {
                        "status": "error",
                        "message": "Object not found.",
                        "category": "OBJECT_NOT_FOUND",
                    },
                )
                return
            if method == "PATCH":
                record["properties"].update(body["properties"])
            wanted = [p for v in query.get("properties", []) for p in v.split(",")]
            properties = record["properties"]
            if wanted:
                properties = {p: properties.get(p) for p in wanted}
            self._send(200, {**record, "properties": properties})
            return
        if path == "/crm/v3/objects/tasks" and method == "POST":
            task_id = str(900 + len(self.state.tasks))
            task = {"id": task_id, "properties": body["properties"], "archived": False}
            task["createdAt"] = task["updatedAt"] = "2026-11-24T15:00:00Z"
            self.state.tasks.append({**task, "associations": body.get("associations")})
            self._send(201, task)
            return
        if path == "/automation/v4/sequences/enrollments" and method == "POST":
            self._enroll(query, body or {})
            return
        self._send(404, {"status": "error", "message": f"no route {method} {path}"})

    def _enroll(self, query: dict[str, list[str]], body: dict[str, Any]) -> None:
        """The Sequences API v4: `userId` in the query, contactId, sequenceId and senderEmail
        in the body (all required); the enrollment as its reference documents it."""
        missing = [k for k in ("contactId", "sequenceId", "senderEmail") if not body.get(k)]
        if not query.get("userId") or missing:
            what = ", ".join([*(["userId"] if not query.get("userId") else []), *missing])
            self._send(
                400,
                {"status": "error", "message": f"missing {what}", "category": "VALIDATION_ERROR"},
            )
            return
        if body["contactId"] not in self.state.records:
            self._send(404, {"status": "error", "message": "Contact not found."})
            return
        enrollment = {
            "id": str(3000 + len(self.state.enrollments)),
            "toEmail": self.state.records[body["contactId"]]["properties"].get("email"),
            "enrolledAt": "2026-11-24T15:00:00Z",
            "updatedAt": "2026-11-24T15:00:00Z",
        }
        self.state.enrollments.append({**body, "userId": query["userId"][0], **enrollment})
        self._send(200, enrollment)


class HookHandler(_Handler):
    """Any tool's webhook receiver (Outreach, Salesloft, a Zapier hook): keeps each POST's raw
    body and headers (to check the signature) and answers 200."""

    def _body(self) -> Any:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def route(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> None:
        self._send(200, {"ok": True})


class SalesforceHandler(_Handler):
    """Salesforce's OAuth token endpoint and REST API for Leads and Tasks."""

    client_id = "3MVG9-test-consumer-key"
    client_secret = "test-consumer-secret"

    def error_body(self, status: int) -> Any:
        code = "REQUEST_LIMIT_EXCEEDED" if status in (403, 429) else "SERVER_UNAVAILABLE"
        return [{"message": f"HTTP {status}", "errorCode": code}]

    def route(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> None:
        if path == "/services/oauth2/token" and method == "POST":
            form = body or {}
            if (
                form.get("grant_type") != "client_credentials"
                or form.get("client_id") != self.client_id
                or form.get("client_secret") != self.client_secret
            ):
                self._send(
                    400,
                    {"error": "invalid_client", "error_description": "invalid client credentials"},
                )
                return
            token = fixture("salesforce_token.json")
            token["access_token"] = self.state.token
            token["instance_url"] = f"https://127.0.0.1:{self.server.server_address[1]}"
            self._send(200, token)
            return
        if not self.authorized():
            self._send(
                401, [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
            )
            return
        lead = re.fullmatch(r"/services/data/v[\d.]+/sobjects/Lead/(\w+)", path)
        if lead and method in ("GET", "PATCH"):
            record = self.state.records.get(lead[1])
            if record is None:
                self._send(
                    404,
                    [
                        {
                            "errorCode": "NOT_FOUND",
                            "message": "The requested resource does not exist",
                        }
                    ],
                )
                return
            if method == "PATCH":
                owner = body.get("OwnerId", "")
                if not re.fullmatch(r"(005|00G)\w{12}(\w{3})?", owner):
                    self._send(
                        400,
                        [
                            {
                                "message": "Owner ID: owner cannot be blank",
                                "errorCode": "INVALID_CROSS_REFERENCE_KEY",
                                "fields": ["OwnerId"],
                            }
                        ],
                    )
                    return
                record.update(body)
                self._send(204)
                return
            self._send(200, record)
            return
        if re.fullmatch(r"/services/data/v[\d.]+/sobjects/Task/?", path) and method == "POST":
            task_id = f"00T5e00000{len(self.state.tasks):05d}AAA"
            self.state.tasks.append({**body, "Id": task_id})
            self._send(201, {"id": task_id, "success": True, "errors": []})
            return
        if re.fullmatch(r"/services/data/v[\d.]+/query/?", path) and method == "GET":
            soql = unquote(query["q"][0])
            since = re.search(r"LastModifiedDate >= (\S+)", soql)
            records = sorted(
                self.state.records.values(), key=lambda r: (r["LastModifiedDate"], r["Id"])
            )
            if since:
                floor = dt.datetime.fromisoformat(since[1].replace("Z", "+00:00"))
                records = [
                    r for r in records if dt.datetime.fromisoformat(r["LastModifiedDate"]) >= floor
                ]
            self._send(200, {"totalSize": len(records), "done": True, "records": records})
            return
        self._send(404, [{"errorCode": "NOT_FOUND", "message": f"no route {method} {path}"}])


@dataclass
class Running:
    url: str
    state: CrmState
    server: ThreadingHTTPServer


@contextmanager
def serve(
    handler: type[_Handler], token: str, tls: ssl.SSLContext | None = None
) -> Iterator[Running]:
    state = CrmState(token)
    handler_class = type(handler.__name__, (handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
    server.daemon_threads = True
    scheme = "http"
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Running(f"{scheme}://127.0.0.1:{server.server_address[1]}", state, server)
    finally:
        server.shutdown()
        server.server_close()


def self_signed(folder: Path) -> tuple[ssl.SSLContext, Path]:
    """A TLS context for 127.0.0.1 and the certificate file a client trusts it with."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "crm.pem", folder / "crm.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context, cert_file
