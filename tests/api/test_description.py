"""The API's description (/openapi.json) and its pages: every error answer listed in the one
shape, schemas that refuse what the server refuses, no CDN, and a 500 that keeps the keep-alive
connection usable."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from leadrouter.app import create_app
from leadrouter.settings import Settings
from leadrouter.store import Database

from ..store.databases import sqlite_url


@pytest.fixture(scope="module")
def description(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    url = sqlite_url(tmp_path_factory.mktemp("openapi"))
    return create_app(Settings(db=url), database=Database(url)).openapi()


def _operations(description: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in description["paths"].items():
        for method, operation in item.items():
            yield method.upper(), path, operation


def test_every_operation__lists_its_error_answers_in_the_error_shape(
    description: dict[str, Any],
) -> None:
    problem = {"$ref": "#/components/schemas/Problem"}
    for method, path, operation in _operations(description):
        responses = operation["responses"]
        expected = {"422"}
        if path.startswith("/v1/"):
            expected |= {"401", "403"}
        if "requestBody" in operation:
            expected |= {"400", "413"}
        if "{" in path:
            expected.add("404")
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            expected.add("409")
        assert expected <= set(responses), (method, path, sorted(responses))
        for status in expected:
            assert responses[status]["content"]["application/json"]["schema"] == problem


def test_description__has_no_format_time(description: dict[str, Any]) -> None:
    assert '"format": "time"' not in json.dumps(description)


def _validator(description: dict[str, Any], name: str) -> Any:
    schema = {**description["components"]["schemas"][name], "components": description["components"]}
    return jsonschema_rs.validator_for(json.loads(json.dumps(schema)))


@pytest.mark.parametrize(
    ("model", "body"),
    [
        ("LeadCreate", {"lead": {}}),
        ("LeadCreate", {"lead": {" ": "x"}}),
        ("LeadCreate", {"lead": {"email": "x" * 321}}),
        ("PoolCreate", {"id": "p", "name": "P", "members": [""]}),
        ("PoolUpdate", {"members": [""]}),
        ("PoolUpdate", {"name": None}),
        ("RepUpdate", {"max_open": 3_000_000_000}),
        ("QueueUpdate", {"name": "a\x00b"}),
    ],
)
def test_schema__refuses_what_the_server_refuses(
    description: dict[str, Any], model: str, body: dict[str, Any]
) -> None:
    assert not _validator(description, model).is_valid(body)


def test_schema__takes_an_ordinary_lead(description: dict[str, Any]) -> None:
    assert _validator(description, "LeadCreate").is_valid({"lead": {"email": "jo@acme.example"}})


def test_docs__load_their_assets_from_the_service_not_a_cdn(client: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        html = client.get(page).text
        assert "cdn." not in html and "https://" not in html, page
    page = client.get("/docs").text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert f"/docs/assets/{asset}" in page
        assert client.get(f"/docs/assets/{asset}").status_code == 200


def test_docs__behind_a_path_prefix_load_the_description_and_assets_under_it(
    tmp_path: Path,
) -> None:
    url = sqlite_url(tmp_path)
    proxied = TestClient(create_app(Settings(db=url), database=Database(url)), root_path="/lr")
    page = proxied.get("/docs").text
    assert "'/lr/openapi.json'" in page and "/lr/docs/assets/swagger-ui-bundle.js" in page
    assert "/lr/docs/assets/redoc.standalone.js" in proxied.get("/redoc").text


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[int]:
    """The app with one route that fails, served by uvicorn on a free port."""
    url = sqlite_url(tmp_path)
    app: FastAPI = create_app(Settings(db=url), database=Database(url))

    @app.get("/boom", include_in_schema=False)
    def boom() -> None:
        raise RuntimeError("a bug")

    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield port
    running.should_exit = True
    thread.join(10)


def test_after_a_500__the_keep_alive_connection_still_answers(server: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
    connection.request("GET", "/boom")
    failed = connection.getresponse()
    assert failed.status == 500
    assert json.loads(failed.read())["code"] == "internal"
    assert failed.getheader("connection", "").lower() != "close"
    connection.request("GET", "/healthz")  # the same connection
    assert connection.getresponse().status == 200
    connection.close()
