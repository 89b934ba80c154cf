"""Per-worker listening sockets: each worker process binds the port itself (SO_REUSEPORT)."""

from __future__ import annotations

import pickle
import socket

import pytest

from leadrouter.api.listen import ReusePortListener, check_free, listen


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_listen__two_workers_bind_the_same_port_and_both_accept() -> None:
    port = free_port()
    first, second = listen("127.0.0.1", port), listen("127.0.0.1", port)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
        assert {first.getsockname(), second.getsockname()} == {("127.0.0.1", port)}
    finally:
        first.close()
        second.close()


def test_placeholder__unpickles_as_a_listening_socket_and_takes_no_connections_itself() -> None:
    port = free_port()
    placeholder = ReusePortListener("127.0.0.1", port)
    try:
        assert placeholder.getsockname() == ("0.0.0.0", 0)  # never bound in the supervisor
        worker_socket = pickle.loads(pickle.dumps(placeholder))
        with worker_socket, socket.create_connection(("127.0.0.1", port), timeout=5):
            connection, _ = worker_socket.accept()
            connection.close()
    finally:
        placeholder.close()


def test_check_free__fails_when_another_program_holds_the_port() -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        with pytest.raises(OSError):
            check_free("127.0.0.1", other.getsockname()[1])
