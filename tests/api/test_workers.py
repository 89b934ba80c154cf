"""`serve --workers N` (`api/workers.py`): the supervisor deals connections to the workers in turn,
replaces a worker that dies, stops on SIGTERM, and stops when a worker cannot start."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import psutil
import pytest
import uvicorn
from starlette.applications import Starlette
from uvicorn.config import STARTUP_FAILURE

from leadrouter.api.workers import Supervisor


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.1)


def healthz(connection: socket.socket) -> bytes:
    """One keep-alive GET /healthz on `connection`; the status line."""
    connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
    answer = b""
    while not answer.endswith(b'{"status":"ok"}'):
        chunk = connection.recv(4096)
        assert chunk, "the server closed the connection"
        answer += chunk
    return answer.split(b"\r\n", 1)[0]


def connect(port: int, count: int) -> list[socket.socket]:
    """`count` connections, each answered once (so each is in a worker by now)."""
    connections = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(count)]
    assert {healthz(c) for c in connections} == {b"HTTP/1.1 200 OK"}
    return connections


def connections_per_worker(supervisor: psutil.Process, port: int) -> dict[int, int]:
    return {
        worker.pid: sum(
            c.laddr.port == port and c.status == psutil.CONN_ESTABLISHED
            for c in worker.net_connections(kind="tcp")
        )
        for worker in supervisor.children()
        # Live workers only: not a dead one yet to be reaped, nor multiprocessing's helpers.
        if not dead(worker.pid) and "spawn_main" in " ".join(worker.cmdline())
    }


def dead(pid: int) -> bool:
    """Gone, or a zombie: its sockets are closed either way."""
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("leadrouter")),
        "serve",
        "--db",
        f"sqlite:///{tmp_path / 'serve.db'}",
        "--port",
        str(port),
        "--workers",
        "2",
    ]
    process = subprocess.Popen(command, env=os.environ.copy())
    try:
        wait_for(lambda: _answers(port), "the server to answer")
        yield process, port
    finally:
        process.terminate()
        process.wait(timeout=30)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
            return healthz(connection) == b"HTTP/1.1 200 OK"
    except OSError:
        return False


def test_connections__are_dealt_to_the_workers_in_turn(
    served: tuple[subprocess.Popen[bytes], int],
) -> None:
    process, port = served
    connections = connect(port, 16)
    try:
        counts = connections_per_worker(psutil.Process(process.pid), port)
        assert sorted(counts.values()) == [8, 8]
    finally:
        for connection in connections:
            connection.close()


def test_dead_worker__is_replaced(served: tuple[subprocess.Popen[bytes], int]) -> None:
    process, port = served
    supervisor = psutil.Process(process.pid)
    before = set(connections_per_worker(supervisor, port))
    victim = min(before)
    os.kill(victim, signal.SIGKILL)
    # (A connection dealt to a worker as it dies is lost with it, as with any server process.)
    wait_for(lambda: len(set(connections_per_worker(supervisor, port)) - before) == 1, "another")
    (replacement,) = set(connections_per_worker(supervisor, port)) - before
    connections = connect(port, 4)
    try:
        counts = connections_per_worker(supervisor, port)
        assert counts[replacement] == 2
        assert victim not in counts
    finally:
        for connection in connections:
            connection.close()


def test_sigterm__stops_the_supervisor_and_its_workers(
    served: tuple[subprocess.Popen[bytes], int],
) -> None:
    process, _ = served
    children = psutil.Process(process.pid).children()
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    # The workers were joined; multiprocessing's resource tracker ends once it sees its parent
    # gone, a moment later.
    wait_for(lambda: all(dead(child.pid) for child in children), "every child to end", 10)


@asynccontextmanager
async def _failing_startup(app: Starlette) -> Iterator[None]:
    raise RuntimeError("cannot start")
    yield  # pragma: no cover


def failing_app() -> Starlette:
    """An app whose startup fails, as a worker's does when its database is unreachable."""
    return Starlette(lifespan=_failing_startup)


def test_worker_that_cannot_start__stops_the_service() -> None:
    config = uvicorn.Config(
        "tests.api.test_workers:failing_app",
        factory=True,
        host="127.0.0.1",
        port=free_port(),
        workers=2,
        lifespan="on",
    )
    assert Supervisor(config).run() == STARTUP_FAILURE


def test_port_taken__is_an_os_error_before_any_worker_starts() -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        config = uvicorn.Config("leadrouter.app:app_from_env", port=other.getsockname()[1])
        with pytest.raises(OSError):
            Supervisor(config)
