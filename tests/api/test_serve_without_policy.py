"""`serve` over a database without an active policy (the README's PostgreSQL line, before any
workspace): it says so at start-up, and the first lead is held (202), not refused."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from leadrouter.keys.schemas import Scope
from leadrouter.migrations import upgrade
from leadrouter.store import Database

from .conftest import make_key
from .factories import lead


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve__without_a_policy_says_so_and_holds_the_first_lead(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    database = Database(url)
    upgrade(database.engine)
    token = make_key(database, "intake", Scope.LEADS_WRITE, Scope.LEADS_READ)
    database.dispose()
    port = free_port()
    command = [str(Path(sys.executable).with_name("leadrouter")), "serve", "--port", str(port)]
    env = os.environ | {"LEADROUTER_DB": url, "COLUMNS": "200"}
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # a loaded machine starts slowly
        while True:
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                assert process.poll() is None, "serve exited"
                assert time.monotonic() < deadline, "serve did not answer /healthz"
                time.sleep(0.2)
        headers = {"Authorization": f"Bearer {token}"}
        response = httpx.post(f"{base}/v1/leads", json=lead(1), headers=headers)
        waiting = httpx.get(f"{base}/v1/leads/waiting", headers=headers).json()
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=30)
    assert "no active policy yet: leads are stored and held" in out
    assert response.status_code == 202
    assert [w["lead_id"] for w in waiting] == [response.json()["lead_id"]]
